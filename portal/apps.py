from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from portal.signals import site_ensure_after_migrate

        post_migrate.connect(site_ensure_after_migrate, sender=self)
