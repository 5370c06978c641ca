"""The one interface of a search backend: the engine (search/backends/engine.py) and the
database (search/backends/database.py) each implement it; search/api.py picks one per call
and falls back to the database when the engine fails (BackendUnavailable)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from entries.models import EntryPage
from entries.visibility import Reader
from search.query import SearchQuery
from search.results import Completion, SearchHit, SearchResults
from vocabulary.models import Term

# Each facet's values and how many entries hold each.
RawCounts = dict[str, dict[str, int]]
# Per pair of fields (rows, columns): row value -> column value -> translation groups.
CrossCounts = dict[tuple[str, str], dict[str, dict[str, int]]]


class BackendUnavailable(Exception):
    """The backend gave no answer (the engine is down or refused the request): the
    database answers instead."""


class SearchBusy(Exception):
    """The database, answering in place of a configured engine, did not answer within
    SEARCH_FALLBACK_TIMEOUT: the reader is asked to try again shortly."""


class SearchBackend(Protocol):
    # What SearchResults.engine says: "opensearch", "elasticsearch" or "database".
    name: str

    def search(self, *, reader: Reader, query: SearchQuery, grouped: bool) -> SearchResults:
        """One page of the entries matching the query among those the reader may see, with
        the counts of every facet; `grouped`: each translation group once, in the
        reader's language where they may see that version, counted once."""
        ...

    def counts(self, *, reader: Reader, query: SearchQuery, grouped: bool) -> tuple[int, RawCounts]:
        """The number of entries matching the query and the counts of every facet, without
        hits (the same numbers as search()); `grouped`: of translation groups."""
        ...

    def cross_counts(
        self, *, reader: Reader, query: SearchQuery, pairs: list[tuple[str, str]]
    ) -> CrossCounts:
        """For each pair of fields (facets, or "started"), how many translation groups hold
        each row value and each column value, with every selection but the pair's own."""
        ...

    def figures(
        self,
        *,
        reader: Reader,
        query: SearchQuery,
        pairs: list[tuple[str, str]],
        facets: Collection[str],
        hits_query: SearchQuery | None,
    ) -> tuple[int, RawCounts, CrossCounts, list[SearchHit]]:
        """What counts(grouped=True) answers for `facets` and cross_counts() for the query,
        and the hits search(grouped=True) finds for hits_query (same words and years; none
        without it), at once."""
        ...

    def autocomplete(
        self, *, reader: Reader, prefix: str, size: int, terms: list[Term]
    ) -> tuple[list[Completion], list[Term]]:
        """Titles the reader may see starting like the prefix, and those of the given terms
        that some entry the reader may see carries, in the order given."""
        ...

    def related(self, *, reader: Reader, entry: EntryPage, size: int) -> list[SearchHit]:
        """Entries like this one that the reader may see: one version of each translation
        group (the reader's language first), none of the entry's own group."""
        ...
