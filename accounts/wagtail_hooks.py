from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts import admin_urls
from accounts.second_factor import SECOND_FACTOR_RESET
from accounts.selectors import user_can_invite


class InviteMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_invite(user=request.user)


@hooks.register("register_admin_urls")
def register_accounts_admin_urls():
    return [path("accounts/", include(admin_urls, namespace="accounts_admin"))]


@hooks.register("register_admin_menu_item")
def register_invite_menu_item():
    return InviteMenuItem(
        _("Invite a member"), reverse("accounts_admin:invitations"), icon_name="mail", order=850
    )


@hooks.register("register_admin_menu_item")
def register_api_tokens_menu_item():
    return MenuItem(
        _("My API tokens"), reverse("accounts_admin:api_tokens"), icon_name="key", order=860
    )


@hooks.register("register_log_actions")
def register_second_factor_reset_action(actions):
    actions.register_action(SECOND_FACTOR_RESET, _("Reset second factor"), _("Second factor reset"))
