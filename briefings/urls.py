from django.urls import path

from briefings import views

urlpatterns = [
    path("briefing/", views.briefing_page, name="briefing"),
    path("briefing.pdf", views.briefing_pdf, name="briefing_pdf"),
    path("compare/", views.compare_page, name="compare"),
    path("compare/add/", views.selection_add_view, name="comparison_add"),
    path("compare/remove/", views.selection_remove_view, name="comparison_remove"),
    path("compare/clear/", views.selection_clear_view, name="comparison_clear"),
]
