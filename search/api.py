"""The one public entry point of search. Views, the API, feeds and template tags call these
functions and get plain dataclasses back, whichever backend answered:

    search_entries(reader=..., query=search_query_from_params(request.GET.lists()))
    facet_counts(reader=..., query=...)
    autocomplete(reader=..., prefix="cha")
    related_entries(reader=..., entry=page)

Each call picks its backend once (search/backends/): the engine when SEARCH_URL is set and
it answers, else the database; an engine that fails during the call hands it to the
database, and the results say engine="database". Nothing here raises because the engine is
down; invalid parameters raise SearchParameterError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from entries.models import EntryPage
from entries.visibility import Reader
from search.backends.base import BackendUnavailable, SearchBackend
from search.backends.database import DatabaseBackend
from search.backends.engine import EngineBackend
from search.client import ENGINE_CLASSES, engine_get
from search.labels import facet_values, query_recognised
from search.matching import vocabulary_terms_named
from search.query import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    MAX_YEAR,
    MIN_YEAR,
    PARAMETERS,
    SORTS,
    SearchParameterError,
    SearchQuery,
    clean_text,
    search_query_from_params,
)
from search.results import Completion, FacetCounts, SearchHit, SearchResults

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "ENGINE_NAMES",
    "MAX_PAGE_SIZE",
    "MAX_QUERY_LENGTH",
    "MAX_RESULT_WINDOW",
    "MAX_YEAR",
    "MIN_YEAR",
    "PARAMETERS",
    "SORTS",
    "Completion",
    "FacetCounts",
    "SearchHit",
    "SearchParameterError",
    "SearchQuery",
    "SearchResults",
    "autocomplete",
    "facet_counts",
    "query_recognised",
    "related_entries",
    "search_entries",
    "search_query_from_params",
]

# What SearchResults.engine may say.
ENGINE_NAMES = (*ENGINE_CLASSES, DatabaseBackend.name)

T = TypeVar("T")
_DATABASE = DatabaseBackend()


def _answer(call: Callable[[SearchBackend], T]) -> T:
    """What the engine answers, if one is configured and answers; else the database."""
    engine = engine_get()
    if engine is not None:
        try:
            return call(EngineBackend(engine))
        except BackendUnavailable:
            pass
    return call(_DATABASE)


def search_entries(*, reader: Reader, query: SearchQuery) -> SearchResults:
    """Entries matching the query among those the reader may see, one page of them, with
    the counts of every facet."""
    return _answer(lambda backend: backend.search(reader=reader, query=query))


def facet_counts(*, reader: Reader, query: SearchQuery) -> FacetCounts:
    """The number of entries matching the query that the reader may see, and the counts of
    every facet (as search_entries gives them), without the hits."""
    engine, (count, counts) = _answer(
        lambda backend: (backend.name, backend.counts(reader=reader, query=query))
    )
    return FacetCounts(count=count, facets=facet_values(counts, query), engine=engine)


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
    """Entries like this one that the reader may see (more like this)."""
    return _answer(lambda backend: backend.related(reader=reader, entry=entry, size=size))
