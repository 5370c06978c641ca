from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("password/", views.ChangePasswordView.as_view(), name="password_change"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("welcome/", views.welcome, name="welcome"),
    path("2fa/setup/", views.two_factor_setup, name="2fa_setup"),
    path("2fa/verify/", views.two_factor_verify, name="2fa_verify"),
]
