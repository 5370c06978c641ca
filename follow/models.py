"""A member's saved searches and the digests that follow them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_NAME_LENGTH = 100
# The search's parameters as a query string (q=...&formats=chat): a search URL's own.
MAX_PARAMS_LENGTH = 2000


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    NONE = "none", _("No e-mail")


class SavedSearch(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=MAX_NAME_LENGTH)
    params = models.CharField(_("search"), max_length=MAX_PARAMS_LENGTH, blank=True)
    frequency = models.CharField(
        _("digest"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    # The language the search was saved in: the digest's when the profile names none.
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(auto_now_add=True)
    # Entries changed up to this time have been looked at for a digest: the next digest
    # tells what changed after it, so nothing is sent twice.
    checked_until = models.DateTimeField(default=timezone.now)
    # When the last digest e-mail went, for the member's page.
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_unique")
        ]
        indexes = [models.Index(fields=["frequency", "checked_until"])]

    def __str__(self):
        return self.name
