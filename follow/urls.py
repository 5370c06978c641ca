from django.urls import path

from follow import views

app_name = "follow"

urlpatterns = [
    path("", views.saved_searches, name="saved_searches"),
    path("save/", views.saved_search_save, name="save"),
    path("<int:pk>/", views.saved_search_change, name="change"),
    path("<int:pk>/delete/", views.saved_search_remove, name="delete"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
