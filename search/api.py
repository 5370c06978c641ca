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

import logging

from entries.models import EntryPage
from entries.visibility import Reader
from search.builders import (
    autocomplete_body,
    did_you_mean_body,
    related_body,
    search_bodies,
)
from search.client import (
    Engine,
    EngineError,
    EngineUnavailable,
    alias_name,
    engine_get,
    engine_mark_down,
)
from search.database import (
    Vocabulary,
    database_autocomplete,
    database_related,
    database_search,
    fold,
)
from search.facets import facet_counts_from_aggregations, facet_values
from search.query import SearchParameterError, SearchQuery, search_query_from_params
from search.queue import index_queue_drain_if_pending
from search.results import Completion, FacetValue, SearchHit, SearchResults

__all__ = [
    "Completion",
    "FacetValue",
    "SearchHit",
    "SearchParameterError",
    "SearchQuery",
    "SearchResults",
    "autocomplete",
    "related_entries",
    "search_entries",
    "search_query_from_params",
]

logger = logging.getLogger(__name__)

HIGHLIGHT_NAMES = ("title", "summary", "body", "details")


def _ask(engine: Engine, body: dict | list[dict]) -> dict | list[dict] | None:
    """The engine's answer (to several bodies: its answers, in one round trip), or None
    when the database must answer instead."""
    try:
        if isinstance(body, list):
            answer = engine.msearch(alias_name(), body)
        else:
            answer = engine.search(alias_name(), body)
    except EngineUnavailable as error:
        engine_mark_down(error)
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


def search_entries(*, reader: Reader, query: SearchQuery) -> SearchResults:
    """Entries matching the query among those the reader may see, one page of them, with
    the counts of every facet, from the engine if it answers, else from the database."""
    engine = engine_get()
    answers = _ask(engine, search_bodies(reader, query)) if engine is not None else None
    if answers is None:
        return database_search(reader=reader, query=query)
    hits, counts = answers
    count, facet_counts = facet_counts_from_aggregations(counts["aggregations"], query)
    suggestion = None
    if count == 0 and query.text:
        suggested = _ask(engine, did_you_mean_body(reader, query))
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


def _term_completions(prefix: str, language: str, size: int) -> list[Completion]:
    """Vocabulary terms one of whose names starts with the prefix (public, not entries)."""
    from vocabulary.models import Term

    folded = fold(prefix)
    vocabulary = Vocabulary.load()
    ids = {
        term
        for name, terms in vocabulary.names.items()
        if name.startswith(folded) or f" {folded}" in f" {name}"
        for term in terms
    }
    terms = Term.objects.filter(pk__in=ids).order_by("facet", "sort_order")[:size]
    return [
        Completion(text=term.label_in(language), kind="term", facet=term.facet, term=term.slug)
        for term in terms
    ]


def autocomplete(
    *, reader: Reader, prefix: str, size: int = 8, language: str = "en"
) -> list[Completion]:
    """Entry titles the reader may see, then vocabulary terms, matching what was typed."""
    prefix = " ".join(prefix.split())[:100]
    if len(prefix) < 2:
        return []
    engine = engine_get()
    answer = _ask(engine, autocomplete_body(reader, prefix, size)) if engine else None
    if answer is not None:
        titles = [
            Completion(
                text=hit["_source"]["title"], kind="entry", url=hit["_source"].get("url", "")
            )
            for hit in answer["hits"]["hits"]
        ]
    else:
        titles = database_autocomplete(reader=reader, prefix=prefix, size=size)
    return titles + _term_completions(prefix, language, size)


def related_entries(*, reader: Reader, entry: EntryPage, size: int = 5) -> list[SearchHit]:
    """Entries like this one that the reader may see (more like this)."""
    engine = engine_get()
    answer = _ask(engine, related_body(reader, alias_name(), entry.pk, size)) if engine else None
    if answer is not None:
        return [_hit(raw) for raw in answer["hits"]["hits"]]
    return database_related(reader=reader, entry=entry, size=size)
