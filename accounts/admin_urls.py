from django.urls import path

from accounts import admin_views

app_name = "accounts_admin"

urlpatterns = [
    path("invitations/", admin_views.InviteView.as_view(), name="invitations"),
    path(
        "invitations/<int:pk>/withdraw/",
        admin_views.invitation_withdraw_view,
        name="invitation_withdraw",
    ),
    path(
        "members/<int:user_pk>/reset-second-factor/",
        admin_views.second_factor_reset_view,
        name="second_factor_reset",
    ),
    path("api-tokens/", admin_views.ApiTokensView.as_view(), name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", admin_views.api_token_revoke_view, name="api_token_revoke"),
]
