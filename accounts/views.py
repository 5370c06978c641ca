"""Public pages: accepting an invitation, choosing a password from a set-password link, and
the second factor. Admin views: admin_views.py."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from accounts.forms import (
    ChangePasswordForm,
    InvitationAcceptForm,
    InvitationPasswordForm,
    OneTimeCodeForm,
    SetPasswordForm,
    SignInCodeForm,
)
from accounts.second_factor import backup_codes_create
from accounts.selectors import (
    account_for_email,
    devices_for_code,
    invitation_for_token,
    user_has_confirmed_device,
)
from accounts.services import (
    InvitationExpired,
    InvitationNotFound,
    InvitationUnusable,
    InvitationUsed,
    invitation_accept,
    invitation_check_usable,
    invitation_join,
    totp_device_confirm,
    totp_device_pending,
)
from organisations.models import Role

ADMIN_LOGIN = reverse_lazy("wagtailadmin_login")
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

UNUSABLE = {
    InvitationExpired: (
        _("This invitation has expired"),
        _("Invitation links work for seven days. Please ask your moderator for a new one."),
    ),
    InvitationUsed: (
        _("This invitation has already been used"),
        _(
            "Each invitation link works once. If you made your account with it, sign in; "
            "otherwise ask your moderator for a new invitation."
        ),
    ),
}
WITHDRAWN = (
    _("This invitation has been withdrawn"),
    _("Your moderator withdrew it. Please ask them for a new one if you should still join."),
)


class SignInView(LoginView):
    """Django's sign-in, which returns to `next`; without one, to the home page in the
    language the sign-in page was read in (rather than to /, which picks the browser's)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("wagtail_serve", args=[""])


def _unusable(request, error: InvitationUnusable):
    title, explanation = UNUSABLE.get(type(error), WITHDRAWN)
    return render(
        request,
        "accounts/invitation_unusable.html",
        {"title": title, "explanation": explanation},
        status=410,
    )


@never_cache
def invitation(request, token: str):
    invitation = invitation_for_token(raw_token=token)
    if invitation is None:
        raise Http404("No such invitation")
    try:
        invitation_check_usable(invitation=invitation)
    except InvitationUnusable as error:
        return _unusable(request, error)
    account = account_for_email(email=invitation.email)
    if account is None:
        return _invitation_new_account(request, token, invitation)
    return _invitation_existing_account(request, token, invitation, account)


def _invitation_new_account(request, token, invitation):
    form = InvitationAcceptForm(request.POST or None)
    page = ("accounts/invitation.html", {"invitation": invitation, "form": form})
    if request.method == "POST" and form.is_valid():
        return _accept(
            request,
            lambda: invitation_accept(
                raw_token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            ),
            form,
            page,
        )
    return render(request, *page)


def _invitation_existing_account(request, token, invitation, account):
    """Someone with an account under the invited address joins with it (never a second
    account): after signing in, or by choosing the password the account does not have yet
    (one made by add_member)."""
    context = {"invitation": invitation, "account": account}
    if account.has_usable_password():
        if request.user != account:
            context["login_url"] = (
                f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"
            )
        elif request.method == "POST":
            page = ("accounts/invitation_join.html", context)
            return _accept(
                request, lambda: invitation_join(raw_token=token, user=account), None, page
            )
        return render(request, "accounts/invitation_join.html", context)
    form = InvitationPasswordForm(request.POST or None)
    page = ("accounts/invitation_join.html", {**context, "form": form})
    if request.method == "POST" and form.is_valid():
        return _accept(
            request,
            lambda: invitation_join(
                raw_token=token, user=account, password=form.cleaned_data["password"]
            ),
            form,
            page,
        )
    return render(request, *page)


def _accept(request, accept, form, page):
    """Run the acceptance: on success sign the person in and welcome them; else show the
    page again, its form saying what is wrong."""
    try:
        user = accept()
    except InvitationNotFound as error:
        raise Http404("No such invitation") from error
    except InvitationUnusable as error:
        return _unusable(request, error)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return render(request, *page)
    if request.user != user:
        login(request, user, backend=MODEL_BACKEND)
    return redirect("accounts:welcome")


@method_decorator(never_cache, name="dispatch")
class SetPasswordView(PasswordResetConfirmView):
    """The link add_member prints and e-mails: the person chooses a password and is signed
    in. Django's reset confirmation, so the link works once and expires alike."""

    form_class = SetPasswordForm
    template_name = "accounts/set_password.html"
    post_reset_login = True
    post_reset_login_backend = MODEL_BACKEND
    success_url = reverse_lazy("accounts:welcome")


@method_decorator(never_cache, name="dispatch")
@method_decorator(login_required, name="dispatch")
class ChangePasswordView(PasswordChangeView):
    """A signed-in reader changes their password on the site (members have no admin to do
    it in); the session stays signed in, and the page says it is done."""

    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("Your password has been changed."))
        return response


@login_required
def welcome(request):
    memberships = list(
        request.user.memberships.select_related("organisation").order_by("organisation__title")
    )
    # The editing area is offered to those who may write or review, not to every member.
    writes = request.user.is_staff or any(m.role != Role.MEMBER for m in memberships)
    return render(request, "accounts/welcome.html", {"memberships": memberships, "writes": writes})


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("wagtailadmin_home")


@never_cache
@login_required(login_url=ADMIN_LOGIN)
def two_factor_setup(request):
    """Pair an authenticator app: show its secret, confirm it with the first code."""
    if user_has_confirmed_device(user=request.user):
        return redirect(f"{reverse('accounts:2fa_verify')}?{request.GET.urlencode()}")
    device = totp_device_pending(user=request.user)
    form = OneTimeCodeForm(request.POST or None)
    wait = _throttled_for([device]) if request.method == "POST" else 0
    if wait and form.is_valid():
        form.add_error("code", _wait_message(wait))
    elif request.method == "POST" and form.is_valid():
        if totp_device_confirm(device=device, code=form.cleaned_data["code"]):
            otp_login(request, device)
            # Shown in this response only: reloading it does not show them again.
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": backup_codes_create(user=request.user), "next": _next_url(request)},
            )
        form.add_error(
            "code",
            gettext(
                "That code is not right. Check the time on your phone and type "
                "the code your app shows now."
            ),
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": _spaced(device_secret(device)),
            "otpauth_uri": device.config_url,
            "qr_svg": _qr_svg(device.config_url),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required(login_url=ADMIN_LOGIN)
def two_factor_verify(request):
    if not user_has_confirmed_device(user=request.user):
        return redirect(f"{reverse('accounts:2fa_setup')}?{request.GET.urlencode()}")
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        devices = devices_for_code(user=request.user, code=code)
        wait = _throttled_for(devices)
        device = None if wait else next((d for d in devices if d.verify_token(code)), None)
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _wait_message(wait)
            if wait
            else gettext(
                "That code is not right, or was used already. Type the code "
                "your authenticator app shows now."
            ),
        )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def _throttled_for(devices) -> int:
    """Seconds until a code may be tried again: wrong codes slow further tries down."""
    waits = [0]
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            waits.append(max(1, int((details["locked_until"] - timezone.now()).total_seconds())))
    return max(waits)


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Too many wrong codes in a row. Wait %(seconds)d second, "
        "then type the code your authenticator app shows.",
        "Too many wrong codes in a row. Wait %(seconds)d seconds, "
        "then type the code your authenticator app shows.",
        seconds,
    ) % {"seconds": seconds}


def device_secret(device) -> str:
    return b32encode(device.bin_key).decode().rstrip("=")


def _spaced(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no script, no inline style)."""
    return segno.make(uri, error="m").svg_inline(scale=4, title=gettext("QR code of the secret"))
