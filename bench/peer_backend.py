"""The peer: Wagtail's own search backend (django-modelsearch's OpenSearch backend, as a
Wagtail site configures it in WAGTAILSEARCH_BACKENDS) on the same engine, under its own
index prefix, indexing the same entries with search_fields equivalent to the portal's.

EntryPage has no search_fields: the portal has its own index. This process gives it, at
run time, what a Wagtail site would write in the model: the text the portal searches
(title, summary, body, the lesson fields, the organisation's name, tags, the vocabulary's
labels) as SearchFields with the portal's weights, and the 14 facets as FilterFields, so
that `.facet(name)` counts them. The product model is not changed.

A Wagtail site cannot facet a many-to-many relation (`.facet()` wants a flat FilterField;
RelatedFields are nested), so each vocabulary facet is a method returning the term slugs,
and get_indexed_objects prefetches the relations those methods read: the documented way to
keep a rebuild from reading each entry's terms one query at a time, i.e. the peer at its
best.
"""

from __future__ import annotations

from dataclasses import dataclass

# The backend's name in WAGTAILSEARCH_BACKENDS, and the module Wagtail 8 names for an
# OpenSearch 3 node (an alias of modelsearch.backends.opensearch3).
PEER = "peer"
PEER_BACKEND_MODULE = "wagtail.search.backends.opensearch3"
# Names of the FilterFields: a term facet is a method named so; the others are columns.
TERM_FACET_METHOD = "{}_slugs"
PEER_REVIEWED_METHOD = "peer_reviewed_value"


def peer_configure(engine_url: str, index_prefix: str) -> None:
    """Add the peer backend to WAGTAILSEARCH_BACKENDS and give EntryPage its search_fields.
    Call after the entries are loaded: from then on page saves index into the peer too."""
    from django.conf import settings
    from modelsearch import index
    from wagtail.models import Page

    from entries.models import EntryPage
    from search.fields import DETAIL_COLUMNS, FIELD_WEIGHTS
    from vocabulary.facets import ABSENT as NOT_PRESENT
    from vocabulary.facets import PRESENCE_FACETS, PRESENT, TERM_FACET_NAMES, VALUE_FACETS

    settings.WAGTAILSEARCH_BACKENDS = {
        **settings.WAGTAILSEARCH_BACKENDS,
        PEER: {
            "BACKEND": PEER_BACKEND_MODULE,
            "URLS": [engine_url],
            "INDEX_PREFIX": index_prefix,
            "TIMEOUT": 60,
        },
    }

    def term_slugs(facet: str):
        def slugs(self) -> list[str]:
            return [term.slug for term in getattr(self, facet).all()]

        slugs.__name__ = TERM_FACET_METHOD.format(facet)
        return slugs

    def term_labels(self) -> list[str]:
        labels: list[str] = []
        for facet in TERM_FACET_NAMES:
            for term in getattr(self, facet).all():
                labels += [term.label_en, term.label_fr, term.label_de]
        return [label for label in labels if label]

    (presence,) = PRESENCE_FACETS

    def peer_reviewed_value(self) -> str:
        return PRESENT if getattr(self, presence.lookup).all() else NOT_PRESENT

    for facet in TERM_FACET_NAMES:
        setattr(EntryPage, TERM_FACET_METHOD.format(facet), term_slugs(facet))
    EntryPage.term_labels = term_labels
    setattr(EntryPage, PEER_REVIEWED_METHOD, peer_reviewed_value)

    weight = FIELD_WEIGHTS
    EntryPage.search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=weight["summary"]),
        index.SearchField("body", boost=weight["body"]),
        # The members-only safety field is left out: the peer cannot withhold it per entry.
        *(index.SearchField(name) for name in DETAIL_COLUMNS if name != "safety"),
        index.SearchField("term_labels", boost=weight["terms"]),
        index.RelatedFields("organisation", [index.SearchField("title")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("visibility"),
        *(index.FilterField(facet.lookup.split("__")[0]) for facet in VALUE_FACETS),
        *(index.FilterField(TERM_FACET_METHOD.format(facet)) for facet in TERM_FACET_NAMES),
        index.FilterField(PEER_REVIEWED_METHOD),
    ]

    page_indexed_objects = Page.get_indexed_objects.__func__

    def get_indexed_objects(cls):
        return page_indexed_objects(cls).prefetch_related(*TERM_FACET_NAMES, presence.lookup)

    EntryPage.get_indexed_objects = classmethod(get_indexed_objects)


def peer_facet_fields() -> list[str]:
    """What `.facet()` is given for each of the 14 facets, in the registry's order."""
    from entries.models import EntryPage
    from vocabulary.facets import FACETS

    names = []
    for facet in FACETS:
        if facet.holds_terms:
            names.append(TERM_FACET_METHOD.format(facet.name))
        elif facet.presence:
            names.append(PEER_REVIEWED_METHOD)
        else:
            names.append(EntryPage._meta.get_field(facet.lookup.split("__")[0]).attname)
    return names


def peer_rebuild() -> None:
    """Wagtail's `update_index` for the peer backend (every indexed model, as a site runs
    it; the entries are nearly all of them)."""
    from django.core.management import call_command

    call_command("update_index", backend_name=PEER, verbosity=0)


@dataclass
class PeerAnswer:
    count: int
    results: list
    facets: dict[str, dict]


def peer_search(text: str, page_size: int, facet_fields: list[str]) -> PeerAnswer:
    """What a Wagtail search view does for an anonymous reader: the live public entries
    matching the text, one page of them (one search, then the pages from the database),
    their count (one request) and one `.facet()` request per facet."""
    from entries.models import EntryPage, Visibility

    results = (
        EntryPage.objects.live().filter(visibility=Visibility.PUBLIC).search(text, backend=PEER)
    )
    return PeerAnswer(
        count=results.count(),
        results=list(results[:page_size]),
        facets={name: results.facet(name) for name in facet_fields},
    )


def peer_drop(index_prefix: str) -> None:
    """Delete every index and alias of the peer's prefix."""
    from modelsearch.backends import get_search_backend

    backend = get_search_backend(PEER)
    for name in backend.es.indices.get(index=f"{index_prefix}*"):
        backend.es.indices.delete(index=name)
