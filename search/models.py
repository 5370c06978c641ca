from django.db import models


class PendingIndexUpdate(models.Model):
    """An entry whose search document may be out of date: the durable queue of index
    updates. Written in the same transaction as the change, removed once the engine has
    taken the update, so that an update made while the engine is down is applied when it
    comes back. What to do (index or delete) is decided from the database when it is
    applied, so one row per page is enough however often the page changes."""

    page_id = models.PositiveIntegerField(unique=True)
    queued_at = models.DateTimeField(auto_now=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["queued_at"]

    def __str__(self):
        return f"page {self.page_id}"
