import nh3
from django import template
from django.utils.safestring import mark_safe

from entries.models import EntryPage
from entries.visibility import Reader
from search.api import SearchBusy, SearchHit, related_entries
from vocabulary.facets import Assessment

register = template.Library()

SIMILAR_ENTRIES = 4


@register.filter
def marked(fragment: str) -> str:
    """A highlight fragment (HTML-escaped text with <mark> around the matches, from either
    engine) with only the <mark> tags kept: any other markup is dropped, never rendered."""
    return mark_safe(nh3.clean(fragment, tags={"mark"}, attributes={}))  # noqa: S308


@register.filter
def best_fragments(highlight: dict) -> list[str]:
    for name in ("body", "summary", "details", "title"):
        if highlight.get(name):
            return highlight[name][:2]
    return []


@register.filter
def assessment_label(value: str) -> str:
    return dict(Assessment.choices).get(value, value)


@register.simple_tag
def similar_entries(entry: EntryPage, reader: Reader, *linked: list[EntryPage]) -> list[SearchHit]:
    """Entries like this one (more like this) that the reader may see, other than those the
    page already links (its related entries, its translations)."""
    named = {(other.organisation.slug, other.slug) for entries in linked for other in entries}
    try:
        hits = related_entries(reader=reader, entry=entry, size=SIMILAR_ENTRIES + len(named))
    except SearchBusy:
        # The entry is what its reader came for: shown without suggestions, never a 503.
        return []
    return [hit for hit in hits if (hit.organisation, hit.id) not in named][:SIMILAR_ENTRIES]
