from django.urls import path

from organisations import admin_views

app_name = "organisations_admin"

urlpatterns = [
    path("", admin_views.MembersView.as_view(), name="members"),
    path("<int:pk>/role/", admin_views.membership_role_view, name="membership_role"),
    path("<int:pk>/remove/", admin_views.membership_remove_view, name="membership_remove"),
]
