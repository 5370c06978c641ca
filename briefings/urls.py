from django.urls import path

from briefings import views

urlpatterns = [
    path("briefing/", views.briefing_page, name="briefing"),
    path("briefing.pdf", views.briefing_pdf, name="briefing_pdf"),
    path("compare/", views.compare_page, name="compare"),
]
