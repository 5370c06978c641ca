from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from organisations import admin_urls
from organisations.models import Membership, OrganisationPage, Role
from organisations.selectors import organisations_moderated_by


def _moderates(user, organisation: OrganisationPage) -> bool:
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user, organisation=organisation, role=Role.MODERATOR
        ).exists()
    )


@hooks.register("before_edit_page")
def only_moderators_edit_the_organisation(request, page):
    if page.specific_class is OrganisationPage and not _moderates(request.user, page):
        raise PermissionDenied(gettext("Only the organisation's moderators edit its details."))


class MembersMenuItem(MenuItem):
    def is_shown(self, request):
        return organisations_moderated_by(user=request.user).exists()


@hooks.register("register_admin_urls")
def register_members_admin_urls():
    return [path("members/", include(admin_urls, namespace="organisations_admin"))]


@hooks.register("register_admin_menu_item")
def register_members_menu_item():
    return MembersMenuItem(
        _("Members"), reverse("organisations_admin:members"), icon_name="group", order=840
    )
