from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from entries.selectors import entry_list, facet_counts
from entries.visibility import reader_for


class HomePage(Page):
    """The front page: what is new, and the way in by domain and by format."""

    intro = models.TextField(
        blank=True, help_text="A sentence or two on what the portal offers and to whom."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["organisations.OrganisationIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_entries"] = entry_list(reader=reader_for(request.user))[:6]
        context["browse"] = facet_counts(
            reader=reader_for(request.user), facets=["domains", "formats"]
        )
        return context
