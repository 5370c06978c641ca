"""The faceted search definition: the 14 facets of the contract, the visibility rule as an
engine filter, and the facet labels. Shared by the engine query (search/builders.py) and
the database fallback (search/database.py), so that both count and label alike.

A selected value filters the hits and the counts of every other facet, not its own: the
counts of a facet say what widening the selection would give.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

import pycountry
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from elasticsearch.dsl import A, Q
from elasticsearch.dsl.query import Query

from entries.models import Assessment, Evaluation, Kind, Status, Visibility
from entries.visibility import Reader
from organisations.models import OrganisationPage
from search.documents import FACET_FIELDS, FACETS_FIELD, TERM_FACETS, facet_value_from_key
from search.query import SearchQuery
from search.results import FacetValue
from vocabulary.models import Term

# Enough buckets for every vocabulary term and every member organisation.
FACET_SIZE = 300
# The aggregation that counts every facet nobody selected, and whose doc_count is the
# number of hits.
MATCHING = "matching"
# Labels and the vocabulary change rarely and are read by every search: each process keeps
# them, forgets them when a term or an organisation is saved or deleted in this process, and
# reloads them after this many seconds in any case (for changes made by other processes).
CACHE_SECONDS = 60.0

T = TypeVar("T")
_cache: dict[str, tuple[float, object]] = {}
_cache_lock = threading.Lock()


def process_cached(name: str, build: Callable[[], T]) -> T:
    """What build() returns, kept in this process until the vocabulary or an organisation
    changes, or CACHE_SECONDS have passed."""
    now = time.monotonic()
    kept = _cache.get(name)
    if kept is not None and now - kept[0] < CACHE_SECONDS:
        return kept[1]  # type: ignore[return-value]
    value = build()
    with _cache_lock:
        _cache[name] = (now, value)
    return value


def process_cache_clear(**_kwargs) -> None:
    with _cache_lock:
        _cache.clear()


for _model in (Term, OrganisationPage):
    post_save.connect(process_cache_clear, sender=_model, dispatch_uid=f"search-cache-{_model}")
    post_delete.connect(process_cache_clear, sender=_model, dispatch_uid=f"search-del-{_model}")

CHOICE_LABELS: dict[str, dict[str, str]] = {
    "kind": dict(Kind.choices),
    "assessment": dict(Assessment.choices),
    "evaluation": dict(Evaluation.choices),
    "status": dict(Status.choices),
}


def visibility_filter(reader: Reader) -> Query | None:
    """entries.visibility.visible_q as an engine filter: the same rule, inside the query,
    so results, counts, suggestions and related entries never reveal what is hidden."""
    if reader.sees_everything:
        return None
    allowed = Q("terms", visibility=[str(value) for value in reader.visibilities])
    if reader.organisation_ids:
        own = Q(
            "bool",
            filter=[
                Q("term", visibility=str(Visibility.ORGANISATION)),
                Q("terms", organisation=sorted(reader.organisation_ids)),
            ],
        )
        return Q("bool", should=[allowed, own], minimum_should_match=1)
    return allowed


def year_filters(query: SearchQuery) -> list[Query]:
    """Entries active at some point of [year_from, year_to]: started by its end, and not
    ended before its start. Entries without a start year are left out of a year search."""
    filters = []
    if query.year_from or query.year_to:
        filters.append(Q("exists", field="started"))
    if query.year_to:
        filters.append(Q("range", started={"lte": query.year_to}))
    if query.year_from:
        filters.append(
            Q(
                "bool",
                should=[
                    Q("range", ended={"gte": query.year_from}),
                    Q("bool", must_not=[Q("exists", field="ended")]),
                ],
                minimum_should_match=1,
            )
        )
    return filters


def selection_filter(facet: str, values: Iterable[str]) -> Query:
    return Q("terms", **{facet: list(values)})


def selection_filters(query: SearchQuery, *, leave_out: str | None = None) -> list[Query]:
    """The selections of every facet (OR within, AND across), except `leave_out`."""
    return [
        selection_filter(facet, values)
        for facet, values in query.filters.items()
        if values and facet != leave_out
    ]


def facet_aggregations(query: SearchQuery) -> dict[str, A]:
    """The counts of every facet, in as few aggregations as the selections allow.

    Facets without a selection are counted together, over the entries that match every
    selection, by one aggregation of FACETS_FIELD: one pass over the hits instead of one
    per facet. A facet with selected values is counted over the entries that match the
    other facets' selections, by an aggregation of its own.
    """
    everything = selection_filters(query)
    aggs = {MATCHING: A("filter", filter=_all_of(everything))}
    aggs[MATCHING].bucket(
        "values", "terms", field=FACETS_FIELD, size=FACET_SIZE * len(FACET_FIELDS)
    )
    for facet, values in query.filters.items():
        if values:
            aggs[facet] = A("filter", filter=_all_of(selection_filters(query, leave_out=facet)))
            aggs[facet].bucket("values", "terms", field=facet, size=FACET_SIZE)
    return aggs


def counted_filter(query: SearchQuery) -> Query | None:
    """What an entry must match to be counted at all: every selection but at most one
    facet's. The counts do not change; the engine skips the entries no count includes."""
    selected = [facet for facet, values in query.filters.items() if values]
    if not selected:
        return None
    return Q(
        "bool",
        should=[_all_of(selection_filters(query, leave_out=facet)) for facet in selected],
        minimum_should_match=1,
    )


def _all_of(filters: list[Query]) -> Query:
    return Q("bool", filter=filters) if filters else Q("match_all")


def facet_counts_from_aggregations(
    aggregations: dict, query: SearchQuery
) -> tuple[int, dict[str, dict[str, int]]]:
    """The number of hits and the counts of each facet's values, read from the answer to
    facet_aggregations()."""
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACET_FIELDS}
    for bucket in aggregations[MATCHING]["values"]["buckets"]:
        facet, value = facet_value_from_key(bucket["key"])
        if facet in counts and not query.selected(facet):
            counts[facet][value] = bucket["doc_count"]
    for facet in FACET_FIELDS:
        if query.selected(facet):
            buckets = aggregations[facet]["values"]["buckets"]
            counts[facet] = {bucket["key"]: bucket["doc_count"] for bucket in buckets}
    return aggregations[MATCHING]["doc_count"], counts


def _language_label(code: str) -> str | None:
    named = dict(settings.LANGUAGES)
    if code in named:
        return str(named[code])
    language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    return language.name if language else None


def _term_labels() -> dict[tuple[str, str], dict[str, str]]:
    """(facet, slug) -> {language: label} of every term."""
    return {
        (facet, slug): {"en": en, "fr": fr, "de": de}
        for facet, slug, en, fr, de in Term.objects.values_list(
            "facet", "slug", "label_en", "label_fr", "label_de"
        )
    }


def _organisation_names() -> dict[str, str]:
    return dict(OrganisationPage.objects.values_list("slug", "title"))


def facet_labels(values: dict[str, set[str]], language: str) -> dict[str, dict[str, str]]:
    """Labels of the given values of each facet, in the interface language where the
    vocabulary has one (as Term.label_in); organisations by name; values that name nothing
    have none. Read from the process cache, so a search costs no database query for them."""
    labels: dict[str, dict[str, str]] = {facet: {} for facet in values}
    term_values = {facet: codes for facet, codes in values.items() if facet in TERM_FACETS}
    if any(term_values.values()):
        known = process_cached("term-labels", _term_labels)
        for facet, codes in term_values.items():
            for code in codes:
                names = known.get((facet, code))
                if names is not None:
                    labels[facet][code] = names.get(language[:2]) or names["en"]
    if values.get("organisation"):
        names = process_cached("organisation-names", _organisation_names)
        labels["organisation"] = {
            slug: names[slug] for slug in values["organisation"] if slug in names
        }
    for facet, choices in CHOICE_LABELS.items():
        if facet in values:
            labels[facet] = {code: str(choices[code]) for code in values[facet] if code in choices}
    if "language" in values:
        named = {code: _language_label(code) for code in values["language"]}
        labels["language"] = {code: label for code, label in named.items() if label}
    return labels


def query_recognised(query: SearchQuery) -> tuple[SearchQuery, list[tuple[str, str]]]:
    """The query without the filter values that name nothing (a term since renamed, in an
    old link; a typo), and those (facet, value) pairs."""
    labels = facet_labels({facet: set(values) for facet, values in query.filters.items()}, "en")
    unknown = [
        (facet, value)
        for facet, values in query.filters.items()
        for value in values
        if value not in labels[facet]
    ]
    if not unknown:
        return query, []
    filters = {
        facet: kept
        for facet, values in query.filters.items()
        if (kept := tuple(value for value in values if value in labels[facet]))
    }
    return dataclasses.replace(query, filters=filters), unknown


def facet_values(
    counts: dict[str, dict[str, int]], query: SearchQuery
) -> dict[str, list[FacetValue]]:
    """Counted values of every facet as FacetValues, most frequent first. A selected value
    is listed even when nothing is left to count, so that it can be unselected."""
    for facet, selected in query.filters.items():
        for value in selected:
            counts.setdefault(facet, {}).setdefault(value, 0)
    labels = facet_labels(
        {facet: set(counts.get(facet, {})) for facet in FACET_FIELDS}, query.language
    )
    facets = {}
    for facet in FACET_FIELDS:
        selected = set(query.selected(facet))
        values = [
            FacetValue(
                term=value,
                label=labels[facet].get(value, value),
                count=count,
                selected=value in selected,
            )
            for value, count in counts.get(facet, {}).items()
        ]
        values.sort(key=lambda item: (-item.count, item.label.casefold()))
        facets[facet] = values
    return facets
