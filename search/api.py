"""The one public entry point of search. Views, the API, feeds and template tags call these
functions and get plain dataclasses back, whichever backend answered:

    search_entries(reader=..., query=search_query_from_params(request.GET.lists()))
    search_entries(reader=..., query=..., grouped=True)   # each translation group once
    facet_counts(reader=..., query=...)
    cross_counts(reader=..., query=..., pairs=[("domains", "formats")])
    figures(reader=..., query=..., pairs=[...], hits_query=...)   # the overview's, at once
    autocomplete(reader=..., prefix="cha")
    related_entries(reader=..., entry=page)

Each call picks its backend once (search/backends/): the engine when SEARCH_URL is set and
it answers, else the database; an engine that fails during the call hands it to the
database, and the results say engine="database" and, when an engine is configured,
engine_down=True (what pages tell their readers). Nothing here raises because the engine is
down; invalid parameters raise SearchParameterError, and SearchBusy says that the database,
answering for a configured engine, did not answer within SEARCH_FALLBACK_TIMEOUT (pages
answer 503 with Retry-After, RETRY_BUSY_SECONDS).

Translation groups (an entry and its translations, entries/translations.py): the API's search
returns every version, as its contract says; the search page, its feed, the counts of the
overview and related entries show and count each group once, in the reader's language
(django.utils.translation.get_language()) where the reader may see that version.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from typing import TypeVar

from django.conf import settings

from entries.models import EntryPage
from entries.selectors import translation_versions
from entries.translations import translation_group_name
from entries.visibility import Reader
from search.backends.base import BackendUnavailable, SearchBackend, SearchBusy
from search.backends.base import CrossCounts as RawCrossCounts
from search.backends.budget import within_budget
from search.backends.database import DatabaseBackend
from search.backends.engine import EngineBackend
from search.cache import process_cache_clear
from search.client import ENGINE_CLASSES, engine_configured, engine_get
from search.facets import CROSS_FIELDS
from search.indexing import index_rebuild
from search.labels import facet_labels, facet_values, query_recognised
from search.languages import languages_preferred
from search.matching import vocabulary_terms_named
from search.query import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_IDS,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    MAX_YEAR,
    MIN_YEAR,
    PARAMETERS,
    SORTS,
    YEAR_FILTERS,
    SearchParameterError,
    SearchQuery,
    clean_text,
    search_query_from_params,
)
from search.results import (
    Completion,
    CrossCounts,
    EntryVersion,
    FacetCounts,
    Figures,
    SearchHit,
    SearchResults,
)
from vocabulary.facets import FACET_NAMES

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "ENGINE_NAMES",
    "MAX_PAGE_IDS",
    "MAX_PAGE_SIZE",
    "MAX_QUERY_LENGTH",
    "MAX_RESULT_WINDOW",
    "MAX_YEAR",
    "MIN_YEAR",
    "PARAMETERS",
    "RETRY_BUSY_SECONDS",
    "SORTS",
    "YEAR_FILTERS",
    "Completion",
    "CrossCounts",
    "EntryVersion",
    "FacetCounts",
    "Figures",
    "SearchHit",
    "SearchParameterError",
    "SearchBusy",
    "SearchQuery",
    "SearchResults",
    "CROSS_FIELDS",
    "autocomplete",
    "clean_text",
    "cross_counts",
    "facet_counts",
    "figures",
    "query_recognised",
    "related_entries",
    "search_entries",
    "search_index_rebuild",
    "search_query_from_params",
]

# What SearchResults.engine may say.
ENGINE_NAMES = (*ENGINE_CLASSES, DatabaseBackend.name)

T = TypeVar("T")
# What a page answering SearchBusy tells the reader to wait (Retry-After), in seconds.
RETRY_BUSY_SECONDS = 60
_DATABASE = DatabaseBackend()


def _answer(call: Callable[[SearchBackend], T]) -> T:
    """What the engine answers, if one is configured and answers; else the database. In
    place of a configured engine the database answers within SEARCH_FALLBACK_TIMEOUT, else
    SearchBusy; without an engine it is the portal's search, unbounded."""
    engine = engine_get()
    if engine is not None:
        try:
            return call(EngineBackend(engine))
        except BackendUnavailable:
            pass
    if engine_configured():
        return within_budget(lambda: call(_DATABASE), seconds=settings.SEARCH_FALLBACK_TIMEOUT)
    return call(_DATABASE)


def _engine_down(answered_by: str) -> bool:
    """The database answered although an engine is configured: it did not answer."""
    return answered_by == _DATABASE.name and engine_configured()


def search_entries(*, reader: Reader, query: SearchQuery, grouped: bool = False) -> SearchResults:
    """Entries matching the query among those the reader may see, one page of them, with
    the counts of every facet. `grouped`: each translation group once (counted once, shown
    in the reader's language where they may see it), each hit naming the group's other
    versions the reader may see; else every version (the API)."""
    results = _answer(lambda backend: backend.search(reader=reader, query=query, grouped=grouped))
    results = dataclasses.replace(results, engine_down=_engine_down(results.engine))
    if grouped:
        hits = _with_other_versions(reader, results.results)
    else:
        hits = _groups_as_seen(reader, results.results)
        if query.text and query.sort == "relevance":
            hits = _versions_in_language_first(hits, query.text)
    return dataclasses.replace(results, results=hits)


def _groups_as_seen(reader: Reader, hits: list[SearchHit]) -> list[SearchHit]:
    """The hits with each group named as the reader may know it: after its original
    (`<organisation>/<id of the original>`), or, when the reader may not see the original,
    after the first of its versions (by id) they may see. A group's name would otherwise
    tell that a hidden entry exists, and its id. Only groups whose original is not on the
    page are looked up (most entries are their own group's original)."""
    on_page = {
        translation_group_name(organisation=hit.organisation, original=hit.id) for hit in hits
    }
    unsure = {hit.group for hit in hits if hit.group not in on_page}
    if reader.sees_everything or not unsure:
        return hits
    names = {}
    for group, versions in translation_versions(reader=reader, groups=unsure).items():
        seen = {
            translation_group_name(organisation=version.organisation.slug, original=version.slug)
            for version in versions
        }
        if seen and group not in seen:
            names[group] = min(seen)
    return [dataclasses.replace(hit, group=names.get(hit.group, hit.group)) for hit in hits]


def _versions_in_language_first(hits: list[SearchHit], text: str) -> list[SearchHit]:
    """The page with the versions of each group together, at the best place one of them
    reached, the one in the query's language (else the reader's) first."""
    preferred = languages_preferred(text)

    def rank(hit: SearchHit) -> int:
        return preferred.index(hit.language) if hit.language in preferred else len(preferred)

    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.group, []).append(hit)
    return [hit for versions in groups.values() for hit in sorted(versions, key=rank)]


def _with_other_versions(reader: Reader, hits: list[SearchHit]) -> list[SearchHit]:
    versions = translation_versions(reader=reader, groups=[hit.group for hit in hits])
    return [
        dataclasses.replace(
            hit,
            other_versions=tuple(
                EntryVersion(language=version.language, title=version.title, url=version.url)
                for version in versions.get(hit.group, [])
                if (version.organisation.slug, version.slug) != (hit.organisation, hit.id)
            ),
        )
        for hit in hits
    ]


def facet_counts(*, reader: Reader, query: SearchQuery, grouped: bool = True) -> FacetCounts:
    """The number of entries matching the query that the reader may see, and the counts of
    every facet (as search_entries gives them), without the hits: each translation group
    once, unless `grouped` is False."""
    engine, (count, counts) = _answer(
        lambda backend: (
            backend.name,
            backend.counts(reader=reader, query=query, grouped=grouped),
        )
    )
    return FacetCounts(
        count=count,
        facets=facet_values(counts, query),
        engine=engine,
        engine_down=_engine_down(engine),
    )


def _pairs_checked(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    unknown = [field for pair in pairs for field in pair if field not in CROSS_FIELDS]
    if unknown:
        raise ValueError(f"no cross counts by {unknown[0]}")
    return list(pairs)


def cross_counts(
    *, reader: Reader, query: SearchQuery, pairs: list[tuple[str, str]]
) -> dict[tuple[str, str], CrossCounts]:
    """For each pair of fields (rows, columns) of CROSS_FIELDS (the facets, and "started",
    the year an entry started): how many entries hold each row value and each column
    value, each translation group once, among those the reader may see; values labelled
    as facet_counts labels them, those that name nothing left out. As a facet's counts, a pair is
    counted with every selection but its own two fields' (a cell's link selects its row
    and column values instead). One request for all the pairs."""
    pairs = _pairs_checked(pairs)
    raw = _answer(lambda backend: backend.cross_counts(reader=reader, query=query, pairs=pairs))
    return _cross_labelled(raw, query)


def _cross_labelled(raw: RawCrossCounts, query: SearchQuery) -> dict[tuple[str, str], CrossCounts]:
    answer = {}
    for (rows, columns), cells in raw.items():
        values = {
            rows: set(cells),
            columns: {column for row in cells.values() for column in row},
        }
        labels = {
            field: {value: value for value in found}
            if field not in FACET_NAMES
            else facet_labels({field: found}, query.language)[field]
            for field, found in values.items()
        }
        answer[(rows, columns)] = CrossCounts(
            cells={
                row: {column: n for column, n in row_cells.items() if column in labels[columns]}
                for row, row_cells in cells.items()
                if row in labels[rows]
            },
            row_labels=labels[rows],
            column_labels=labels[columns],
        )
    return answer


def figures(
    *,
    reader: Reader,
    query: SearchQuery,
    pairs: list[tuple[str, str]],
    facets: Collection[str] = FACET_NAMES,
    hits_query: SearchQuery | None = None,
) -> Figures:
    """What the overview shows, in one request to the engine (one pass of the database):
    facet_counts(query) of `facets` (the others list their selected values only, uncounted),
    cross_counts(query, pairs), and the hits that search_entries(hits_query, grouped=True)
    finds (without their other versions; none without hits_query). hits_query has the
    query's words and years, its own filters, sort and page."""
    pairs = _pairs_checked(pairs)
    if hits_query is not None and any(
        getattr(hits_query, name) != getattr(query, name) for name in ("text", *YEAR_FILTERS)
    ):
        raise ValueError("the hits' query must have the counted query's words and years")
    engine, (count, counts, crossed, hits) = _answer(
        lambda backend: (
            backend.name,
            backend.figures(
                reader=reader, query=query, pairs=pairs, facets=facets, hits_query=hits_query
            ),
        )
    )
    return Figures(
        counts=FacetCounts(
            count=count,
            facets=facet_values(counts, query),
            engine=engine,
            engine_down=_engine_down(engine),
        ),
        crossed=_cross_labelled(crossed, query),
        hits=hits,
    )


def autocomplete(
    *, reader: Reader, prefix: str, size: int = 8, language: str = "en"
) -> list[Completion]:
    """Entry titles the reader may see, then vocabulary terms matching what was typed that
    some entry the reader may see carries."""
    prefix = " ".join(clean_text(prefix).split())[:100]
    if len(prefix) < 2:
        return []
    candidates = vocabulary_terms_named(prefix)
    titles, terms = _answer(
        lambda backend: backend.autocomplete(
            reader=reader, prefix=prefix, size=size, terms=candidates
        )
    )
    return titles + [
        Completion(text=term.label_in(language), kind="term", facet=term.facet, term=term.slug)
        for term in terms[:size]
    ]


def related_entries(*, reader: Reader, entry: EntryPage, size: int = 5) -> list[SearchHit]:
    """Entries like this one that the reader may see (more like this): one version of each
    translation group, in the reader's language where they may see it, never the entry
    itself nor another version of it."""
    return _answer(lambda backend: backend.related(reader=reader, entry=entry, size=size))


def search_index_rebuild() -> int | None:
    """Build the engine's index anew from the database (after a restore): the number of
    entries indexed, or None without SEARCH_URL, where the database answers searches."""
    if engine_get(even_if_down=True) is None:
        return None
    return index_rebuild().count


def search_caches_clear() -> None:
    """Forget what this process keeps of the vocabulary and the organisations: after a
    restore replaced them without a save() whose signal would have said so."""
    process_cache_clear()
