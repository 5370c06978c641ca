"""The engine backend: OpenSearch or Elasticsearch (search/engine_adapters.py), asked the
bodies of search/builders.py. Every engine failure is BackendUnavailable, for search/api.py
to ask the database instead; after any answer the engine is up, so the queue of index
updates is drained."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Collection
from typing import Any

from entries.models import EntryPage
from entries.translations import entry_group, reader_language
from entries.visibility import Reader
from search.backends.base import BackendUnavailable, CrossCounts, RawCounts
from search.builders import (
    MAX_VERSIONS,
    TERMS_IN_USE,
    VERSIONS,
    autocomplete_body,
    counts_body,
    cross_counts_body,
    did_you_mean_body,
    figures_body,
    hits_body,
    related_body,
    search_bodies,
    versions_body,
)
from search.client import alias_name, engine_mark_down
from search.documents import GROUP_FIELD, facet_value_key
from search.engine_adapters import (
    Engine,
    EngineError,
    EngineTimedOut,
    EngineUnavailable,
    QueryTooLarge,
)
from search.facets import cross_counts_from_aggregations, facet_counts_from_aggregations
from search.fields import TEXT_FIELDS
from search.labels import facet_values
from search.languages import language_boosts
from search.matching import Vocabulary
from search.query import MAX_QUERY_WORDS, SearchQuery, text_bounded
from search.queue import index_queue_drain_if_pending
from search.results import Completion, SearchHit, SearchResults, url_in_reader_language
from vocabulary.models import Term

logger = logging.getLogger(__name__)


def _highlight(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """Per-language and shared field highlights merged under the contract's names."""
    merged: dict[str, list[str]] = {}
    for field, fragments in sorted(raw.items(), key=lambda item: "_" not in item[0]):
        name = field.split("_")[0]
        if name in TEXT_FIELDS:
            for fragment in fragments:
                if fragment not in merged.setdefault(name, []):
                    merged[name].append(fragment)
    return {name: fragments[:2] for name, fragments in merged.items()}


def _hit(raw: dict) -> SearchHit:
    source = raw["_source"]
    return SearchHit(
        organisation=source["organisation"],
        id=source["id"],
        kind=source["kind"],
        language=source["language"],
        title=source["title"],
        summary=source["summary"],
        url=url_in_reader_language(source.get("url", "")),
        organisation_name=source.get("organisation_name", ""),
        assessment=source.get("assessment") or "",
        published=source.get("published"),
        highlight=_highlight(raw.get("highlight", {})),
        score=raw.get("_score"),
        group=source.get("group", ""),
        visibility=source["visibility"],
    )


def _shown(raw: dict, *, original_first: bool) -> dict:
    """The version of a collapsed hit to show: the one in the reader's language, else the
    best matching (or, `original_first`, the original)."""
    versions = raw.get("inner_hits", {}).get(VERSIONS, {}).get("hits", {}).get("hits") or [raw]
    language = reader_language()
    for version in versions:
        if version["_source"]["language"] == language:
            return version
    if original_first:
        for version in versions:
            source = version["_source"]
            if source.get("group") == f"{source['organisation']}/{source['id']}":
                return version
    return versions[0]


def _suggestion(answer: dict) -> str | None:
    for option in answer.get("suggest", {}).get("did_you_mean", [{}])[0].get("options", []):
        return option["text"]
    return None


def _hits(answer: dict, query: SearchQuery, *, grouped: bool) -> list[SearchHit]:
    return [
        _hit(_shown(raw, original_first=not query.text) if grouped else raw)
        for raw in answer["hits"]["hits"]
    ]


class EngineBackend:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.name = engine.name

    def _ask(self, body: dict | list[dict], *, too_large_raises: bool = False) -> Any:
        """The engine's answer (to several bodies: its answers, in one round trip);
        BackendUnavailable when the database must answer instead; QueryTooLarge when asked
        to, for the caller to ask a smaller query."""
        try:
            if isinstance(body, list):
                answer = self.engine.msearch(alias_name(), body)
            else:
                answer = self.engine.search(alias_name(), body)
        except EngineTimedOut as error:
            # A timeout is a busy engine, not a dead one: it stays up, and the next request
            # asks it again. Marking it down would send every reader for the next seconds to
            # the database, far slower at a large collection, while the engine's caches
            # stay cold; this one request falls back within SEARCH_FALLBACK_TIMEOUT. A
            # refused connection (below) is a dead node: one failure, then the database.
            logger.warning("search engine timed out, using the database once: %s", error)
            raise BackendUnavailable from error
        except EngineUnavailable as error:
            engine_mark_down(error)
            raise BackendUnavailable from error
        except QueryTooLarge as error:
            if too_large_raises:
                raise
            logger.exception("the search engine refused a query as too large")
            raise BackendUnavailable from error
        except EngineError as error:
            # A request the engine refuses is a bug here; the reader still gets an answer.
            logger.exception("the search engine refused a request")
            raise BackendUnavailable from error
        index_queue_drain_if_pending()
        return answer

    def _ask_bounded(
        self,
        build: Callable[[Reader, SearchQuery], dict | list[dict]],
        reader: Reader,
        query: SearchQuery,
    ) -> tuple[SearchQuery, Any, Any]:
        """The query as asked, what build(reader, query) built and the engine's answer to
        it. The engine refuses a query of too many clauses: it is asked the informative
        words, at most MAX_QUERY_WORDS of them (as the database search), and half as many
        again while it refuses (words with many synonyms cost more clauses)."""
        known = Vocabulary.load().words
        limit = MAX_QUERY_WORDS
        while True:
            bounded = text_bounded(query.text, known, limit)
            asked = dataclasses.replace(query, text=bounded) if bounded != query.text else query
            built = build(reader, asked)
            try:
                return asked, built, self._ask(built, too_large_raises=True)
            except QueryTooLarge as error:
                if limit == 1:
                    logger.exception("the search engine refused even one word")
                    raise BackendUnavailable from error
                limit //= 2

    def _versions_attached(self, hits: dict, body: dict, text: str) -> None:
        """Each collapsed hit of a grouped search's answer given its versions (best first),
        as the collapse's inner hits would give them (builders.versions_body)."""
        collapsed = hits["hits"]["hits"]
        groups = [raw["_source"][GROUP_FIELD] for raw in collapsed]
        if not groups:
            return
        versions: dict[str, list[dict]] = {group: [] for group in groups}
        for raw in self._ask(versions_body(body, groups, text))["hits"]["hits"]:
            found = versions.get(raw["_source"][GROUP_FIELD])
            if found is not None and len(found) < MAX_VERSIONS:
                found.append(raw)
        for raw, group in zip(collapsed, groups, strict=True):
            raw["inner_hits"] = {VERSIONS: {"hits": {"hits": versions[group]}}}

    def search(self, *, reader: Reader, query: SearchQuery, grouped: bool) -> SearchResults:
        build = functools.partial(
            search_bodies, grouped=grouped, boosts=language_boosts(query.text)
        )
        asked, bodies, answers = self._ask_bounded(build, reader, query)
        hits, counts = answers[0], answers[-1]  # one answer when the hits carry the counts
        if grouped:
            self._versions_attached(hits, bodies[0], asked.text)
        count, facet_counts = facet_counts_from_aggregations(counts["aggregations"], query)
        suggestion = None
        if count == 0 and query.text:
            try:
                suggestion = _suggestion(self._ask(did_you_mean_body(reader, asked)))
            except BackendUnavailable:
                suggestion = None
        return SearchResults(
            count=count,
            page=query.page,
            page_size=query.page_size,
            results=_hits(hits, query, grouped=grouped),
            facets=facet_values(facet_counts, query),
            engine=self.name,
            did_you_mean=suggestion,
        )

    def counts(self, *, reader: Reader, query: SearchQuery, grouped: bool) -> tuple[int, RawCounts]:
        build = functools.partial(counts_body, grouped=grouped)
        _asked, _body, answer = self._ask_bounded(build, reader, query)
        return facet_counts_from_aggregations(answer["aggregations"], query)

    def cross_counts(
        self, *, reader: Reader, query: SearchQuery, pairs: list[tuple[str, str]]
    ) -> CrossCounts:
        build = functools.partial(cross_counts_body, pairs=pairs)
        _asked, _body, answer = self._ask_bounded(build, reader, query)
        return cross_counts_from_aggregations(answer["aggregations"], pairs)

    def figures(
        self,
        *,
        reader: Reader,
        query: SearchQuery,
        pairs: list[tuple[str, str]],
        facets: Collection[str],
        hits_query: SearchQuery | None,
    ) -> tuple[int, RawCounts, CrossCounts, list[SearchHit]]:
        boosts = language_boosts(query.text)

        def build(reader: Reader, asked: SearchQuery) -> list[dict]:
            bodies = [figures_body(reader, asked, pairs, facets)]
            if hits_query is not None:
                # Bounded to the same words as the counted query.
                hits_asked = dataclasses.replace(hits_query, text=asked.text)
                # Its versions as inner hits: the overview asks the engine once, for a few
                # hits of a narrow selection.
                bodies.append(
                    hits_body(reader, hits_asked, grouped=True, boosts=boosts, inner_versions=True)
                )
            return bodies

        _asked, _bodies, (counted, *hits) = self._ask_bounded(build, reader, query)
        count, counts = facet_counts_from_aggregations(counted["aggregations"], query)
        crossed = cross_counts_from_aggregations(counted["aggregations"], pairs)
        found = _hits(hits[0], hits_query, grouped=True) if hits_query is not None else []
        return count, counts, crossed, found

    def autocomplete(
        self, *, reader: Reader, prefix: str, size: int, terms: list[Term]
    ) -> tuple[list[Completion], list[Term]]:
        keys = [facet_value_key(term.facet, term.slug) for term in terms]
        answer = self._ask(autocomplete_body(reader, prefix, size, keys))
        titles = [
            Completion(
                text=hit["_source"]["title"],
                kind="entry",
                url=url_in_reader_language(hit["_source"].get("url", "")),
            )
            for hit in answer["hits"]["hits"]
        ]
        buckets = answer.get("aggregations", {}).get(TERMS_IN_USE, {}).get("visible", {})
        used = {bucket["key"] for bucket in buckets.get("terms", {}).get("buckets", [])}
        return titles, [term for term, key in zip(terms, keys, strict=True) if key in used]

    def related(self, *, reader: Reader, entry: EntryPage, size: int) -> list[SearchHit]:
        answer = self._ask(related_body(reader, alias_name(), entry.pk, size, entry_group(entry)))
        return [_hit(_shown(raw, original_first=False)) for raw in answer["hits"]["hits"]]
