"""Wagtail admin views: "Invite a member" and "My API tokens"."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.forms import ApiTokenForm, InviteForm
from accounts.second_factor import second_factor_reset
from accounts.selectors import (
    invitations_pending,
    tokens_of,
    user_can_invite,
    user_may_reset_second_factor,
)
from accounts.services import (
    invitation_create,
    invitation_withdraw,
    token_issue,
    token_revoke,
)
from organisations.models import Role


class InviteView(WagtailAdminTemplateMixin, FormView):
    page_title = _("Invite a member")
    header_icon = "mail"
    template_name = "accounts/admin/invitations.html"
    form_class = InviteForm

    def dispatch(self, request, *args, **kwargs):
        if not user_can_invite(user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = invitations_pending(user=self.request.user)
        return context

    def form_valid(self, form):
        try:
            invitation, _ = invitation_create(
                organisation=form.cleaned_data["organisation"],
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                language=form.cleaned_data["language"],
                invited_by=self.request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Invitation sent to %(email)s to join %(organisation)s as %(role)s.")
            % {
                "email": invitation.email,
                "organisation": invitation.organisation.title,
                "role": Role(invitation.role).short_label,
            },
        )
        return redirect("accounts_admin:invitations")


@require_POST
def invitation_withdraw_view(request, pk: int):
    invitation = get_object_or_404(invitations_pending(user=request.user), pk=pk)
    invitation_withdraw(invitation=invitation, withdrawn_by=request.user)
    messages.success(
        request, gettext("Invitation of %(email)s withdrawn.") % {"email": invitation.email}
    )
    return redirect("accounts_admin:invitations")


@method_decorator(never_cache, name="dispatch")
class ApiTokensView(WagtailAdminTemplateMixin, FormView):
    page_title = _("My API tokens")
    header_icon = "key"
    template_name = "accounts/admin/api_tokens.html"
    form_class = ApiTokenForm

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = tokens_of(user=self.request.user)
        return context

    def form_valid(self, form):
        # Shown in this response only: the portal keeps no copy it could show again.
        raw_token = token_issue(
            user=self.request.user, name=form.cleaned_data["name"], issued_by=self.request.user
        )
        return self.render_to_response(
            self.get_context_data(form=ApiTokenForm(), new_token=raw_token)
        )


@require_POST
def api_token_revoke_view(request, pk: int):
    token = get_object_or_404(tokens_of(user=request.user), pk=pk)
    token_revoke(token=token, revoked_by=request.user)
    messages.success(
        request,
        gettext("Token %(prefix)s… revoked; it no longer opens the API.")
        % {"prefix": token.prefix},
    )
    return redirect(reverse("accounts_admin:api_tokens"))


@require_POST
def second_factor_reset_view(request, user_pk: int):
    """From the members page: the member sets up a new second factor at next sign-in."""
    member = get_object_or_404(get_user_model(), pk=user_pk)
    if not user_may_reset_second_factor(actor=request.user, member=member):
        raise PermissionDenied
    second_factor_reset(user=member, reset_by=request.user)
    messages.success(
        request,
        gettext("Second factor of %(username)s reset: they set up a new one at their next sign-in.")
        % {"username": member.get_username()},
    )
    return redirect("organisations_admin:members")
