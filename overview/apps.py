from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "Overview"
    default_auto_field = "django.db.models.BigAutoField"
