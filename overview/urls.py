from django.urls import path

from overview import views

app_name = "overview"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("<slug:table>.csv", views.overview_csv, name="overview_csv"),
]
