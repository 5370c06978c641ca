"""The one public entry point of search. Views, the API and feeds call these functions and
get plain dataclasses back, whichever engine answered:

    search_entries(reader=..., query=search_query_from_params(request.GET.lists()))
    autocomplete(reader=..., prefix="cha")
    related_entries(reader=..., entry=page)

With SEARCH_URL unset, or when the engine does not answer, the database answers instead
(search/database.py) and the results say engine="database". Nothing here raises because
the engine is down; invalid parameters raise SearchParameterError.
"""

from __future__ import annotations

import dataclasses
import logging

from entries.models import EntryPage
from entries.visibility import Reader
from search.builders import (
    TERMS_IN_USE,
    autocomplete_body,
    did_you_mean_body,
    related_body,
    search_bodies,
)
from search.client import (
    Engine,
    EngineError,
    EngineUnavailable,
    QueryTooLarge,
    alias_name,
    engine_get,
    engine_mark_down,
)
from search.database import (
    Vocabulary,
    database_autocomplete,
    database_related,
    database_search,
    database_terms_in_use,
    vocabulary_terms_named,
)
from search.documents import facet_value_key
from search.facets import facet_counts_from_aggregations, facet_values, query_recognised
from search.query import (
    MAX_QUERY_WORDS,
    PARAMETERS,
    SearchParameterError,
    SearchQuery,
    clean_text,
    search_query_from_params,
    text_bounded,
)
from search.queue import index_queue_drain_if_pending
from search.results import Completion, FacetValue, SearchHit, SearchResults

__all__ = [
    "PARAMETERS",
    "Completion",
    "FacetValue",
    "SearchHit",
    "SearchParameterError",
    "SearchQuery",
    "SearchResults",
    "autocomplete",
    "query_recognised",
    "related_entries",
    "search_entries",
    "search_query_from_params",
]

logger = logging.getLogger(__name__)

HIGHLIGHT_NAMES = ("title", "summary", "body", "details")


def _ask(
    engine: Engine, body: dict | list[dict], *, too_large_raises: bool = False
) -> dict | list[dict] | None:
    """The engine's answer (to several bodies: its answers, in one round trip), or None
    when the database must answer instead; QueryTooLarge when asked to, for the caller to
    ask a smaller query."""
    try:
        if isinstance(body, list):
            answer = engine.msearch(alias_name(), body)
        else:
            answer = engine.search(alias_name(), body)
    except EngineUnavailable as error:
        engine_mark_down(error)
        return None
    except QueryTooLarge:
        if too_large_raises:
            raise
        logger.exception("the search engine refused a query as too large")
        return None
    except EngineError:
        # A request the engine refuses is a bug here; the reader still gets an answer.
        logger.exception("the search engine refused a request")
        return None
    index_queue_drain_if_pending()
    return answer


def _highlight(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """Per-language and shared field highlights merged under the contract's names."""
    merged: dict[str, list[str]] = {}
    for field, fragments in sorted(raw.items(), key=lambda item: "_" not in item[0]):
        name = field.split("_")[0]
        if name in HIGHLIGHT_NAMES:
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
        url=source.get("url", ""),
        organisation_name=source.get("organisation_name", ""),
        assessment=source.get("assessment") or "",
        published=source.get("published"),
        highlight=_highlight(raw.get("highlight", {})),
        score=raw.get("_score"),
    )


def _suggestion(answer: dict) -> str | None:
    for option in answer.get("suggest", {}).get("did_you_mean", [{}])[0].get("options", []):
        return option["text"]
    return None


def _ask_bounded(
    engine: Engine, reader: Reader, query: SearchQuery
) -> tuple[SearchQuery, list[dict] | None]:
    """The query as asked and the engine's answers. The engine refuses a query of too many
    clauses: it is asked the informative words, at most MAX_QUERY_WORDS of them (as the
    database search), and half as many again while it refuses (words with many synonyms
    cost more clauses)."""
    known = Vocabulary.load().words
    limit = MAX_QUERY_WORDS
    while True:
        bounded = text_bounded(query.text, known, limit)
        asked = dataclasses.replace(query, text=bounded) if bounded != query.text else query
        try:
            return asked, _ask(engine, search_bodies(reader, asked), too_large_raises=True)
        except QueryTooLarge:
            if limit == 1:
                logger.exception("the search engine refused even one word")
                return asked, None
            limit //= 2


def search_entries(*, reader: Reader, query: SearchQuery) -> SearchResults:
    """Entries matching the query among those the reader may see, one page of them, with
    the counts of every facet, from the engine if it answers, else from the database."""
    engine = engine_get()
    if engine is None:
        return database_search(reader=reader, query=query)
    asked, answers = _ask_bounded(engine, reader, query)
    if answers is None:
        return database_search(reader=reader, query=query)
    hits, counts = answers
    count, facet_counts = facet_counts_from_aggregations(counts["aggregations"], query)
    suggestion = None
    if count == 0 and query.text:
        suggested = _ask(engine, did_you_mean_body(reader, asked))
        suggestion = _suggestion(suggested) if suggested else None
    return SearchResults(
        count=count,
        page=query.page,
        page_size=query.page_size,
        results=[_hit(raw) for raw in hits["hits"]["hits"]],
        facets=facet_values(facet_counts, query),
        engine=engine.name,
        did_you_mean=suggestion,
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
    keys = [facet_value_key(term.facet, term.slug) for term in candidates]
    engine = engine_get()
    answer = _ask(engine, autocomplete_body(reader, prefix, size, keys)) if engine else None
    if answer is not None:
        titles = [
            Completion(
                text=hit["_source"]["title"], kind="entry", url=hit["_source"].get("url", "")
            )
            for hit in answer["hits"]["hits"]
        ]
        buckets = answer.get("aggregations", {}).get(TERMS_IN_USE, {}).get("visible", {})
        used = {bucket["key"] for bucket in buckets.get("terms", {}).get("buckets", [])}
        terms = [term for term, key in zip(candidates, keys, strict=True) if key in used]
    else:
        titles = database_autocomplete(reader=reader, prefix=prefix, size=size)
        terms = database_terms_in_use(reader=reader, terms=candidates)
    return titles + [
        Completion(text=term.label_in(language), kind="term", facet=term.facet, term=term.slug)
        for term in terms[:size]
    ]


def related_entries(*, reader: Reader, entry: EntryPage, size: int = 5) -> list[SearchHit]:
    """Entries like this one that the reader may see (more like this)."""
    engine = engine_get()
    answer = _ask(engine, related_body(reader, alias_name(), entry.pk, size)) if engine else None
    if answer is not None:
        return [_hit(raw) for raw in answer["hits"]["hits"]]
    return database_related(reader=reader, entry=entry, size=size)
