"""Two-factor enforcement for the Wagtail admin, and the security headers of every page."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts.selectors import user_has_confirmed_device, user_requires_two_factor


class TwoFactorRequiredMiddleware:
    """Sends editors, moderators, network staff and superusers who have not passed a second
    factor in this session from any admin page to set one up or to type a code.

    Needs django_otp.middleware.OTPMiddleware before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_verify(request):
            name = (
                "accounts:2fa_verify"
                if user_has_confirmed_device(user=request.user)
                else "accounts:2fa_setup"
            )
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request) -> bool:
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return False
        if request.path in (reverse("wagtailadmin_logout"), reverse("wagtailadmin_login")):
            return False
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return False
        return user_requires_two_factor(user=user)


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


PUBLIC_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# Wagtail 8's admin still writes inline <script> elements that start its widgets (InlinePanel,
# MultipleChooserPanel, date and time pickers, choosers) and inline style attributes, so its
# pages, and only its pages, allow inline scripts and styles. Scripts from other origins, eval
# and plugins stay blocked there too.
ADMIN_POLICY = {
    **PUBLIC_POLICY,
    "script-src": "'self' 'unsafe-inline'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "frame-src": "'self'",
}


class SecurityHeadersMiddleware:
    """Content-Security-Policy for every response that has none of its own, with the frame
    rule following X-Frame-Options (Wagtail's preview answers SAMEORIGIN to be framed)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            if self.admin_prefix is None:
                self.admin_prefix = reverse("wagtailadmin_home")
            directives = dict(
                ADMIN_POLICY if request.path.startswith(self.admin_prefix) else PUBLIC_POLICY
            )
            if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
                directives["frame-ancestors"] = "'self'"
            response["Content-Security-Policy"] = _policy(directives)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY or "same-origin")
        return response
