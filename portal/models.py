from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from entries.selectors import entries_with_other_versions, entry_list, facet_counts
from entries.visibility import reader_for

# The ways in on the home page, by facet: "By domain" is one phrase in each language (a
# German heading keeps its capital), not a facet heading lowered after "By".
BROWSE_HEADINGS = {"domains": _("By domain"), "formats": _("By format")}


class HomePage(Page):
    """The front page: what is new, and the way in by domain and by format."""

    intro = models.TextField(
        blank=True, help_text=_("A sentence or two on what the portal offers and to whom.")
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["organisations.OrganisationIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        reader = reader_for(request.user)
        context["latest_entries"] = entries_with_other_versions(
            reader=reader, entries=entry_list(reader=reader)[:6]
        )
        counts = facet_counts(reader=reader, facets=list(BROWSE_HEADINGS))
        context["browse"] = [
            {"facet": facet, "heading": heading, "terms": counts[facet]}
            for facet, heading in BROWSE_HEADINGS.items()
        ]
        return context
