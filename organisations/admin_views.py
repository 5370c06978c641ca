"""The admin page where moderators manage their organisations' members."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from organisations.models import Role
from organisations.selectors import memberships_managed_by, organisations_moderated_by
from organisations.services import LastModeratorError, membership_remove, membership_role_change


class MembersView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Members")
    header_icon = "group"
    template_name = "organisations/admin/members.html"

    def dispatch(self, request, *args, **kwargs):
        if not organisations_moderated_by(user=request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = memberships_managed_by(user=self.request.user)
        context["roles"] = Role.choices
        return context


def _managed_membership(request, pk: int):
    return get_object_or_404(memberships_managed_by(user=request.user), pk=pk)


@require_POST
def membership_role_view(request, pk: int):
    membership = _managed_membership(request, pk)
    try:
        membership_role_change(membership=membership, role=request.POST.get("role", ""))
    except (LastModeratorError, ValueError) as error:
        messages.error(request, str(error))
    else:
        log(instance=membership, action="wagtail.edit", user=request.user)
        messages.success(
            request,
            gettext("%(username)s is now %(role)s.")
            % {"username": membership.user.username, "role": membership.get_role_display()},
        )
    return redirect("organisations_admin:members")


@require_POST
def membership_remove_view(request, pk: int):
    membership = _managed_membership(request, pk)
    name, organisation = membership.user.username, membership.organisation.title
    try:
        membership_remove(membership=membership)
    except LastModeratorError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            gettext("%(username)s is no longer a member of %(organisation)s.")
            % {"username": name, "organisation": organisation},
        )
    return redirect("organisations_admin:members")
