"""Entries into the index: one document per entry, bulk rebuilds behind an alias, and
single-entry updates.

The index holds every live entry whatever its visibility; who may see what is decided in
each query (search/facets.py), so a visibility change is one document update.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags

from entries.interchange import entry_to_interchange
from entries.models import EntryPage, Visibility
from entries.selectors import entries_visible
from entries.visibility import ANONYMOUS, EVERYTHING, withheld_fields
from search.client import Engine, EngineError, alias_name, engine_get
from search.documents import LANGUAGES, TERM_FACETS, TEXT_FIELDS, index_body, new_index_name
from search.models import PendingIndexUpdate
from vocabulary.models import Term

logger = logging.getLogger(__name__)

BULK_CHUNK = 500
DETAIL_FIELDS = ("outcomes", "context", "what_worked", "what_did_not_work", "ethics", "safety")


def _plain(rich_text: str) -> str:
    return " ".join(html.unescape(strip_tags(rich_text or "")).split())


def _term_names(term: Term) -> list[str]:
    return [term.label_en, term.label_fr, term.label_de, *term.synonym_list]


def term_names_by_slug() -> dict[tuple[str, str], list[str]]:
    """(facet, slug) -> every name of the term: read once for a whole rebuild."""
    return {(term.facet, term.slug): _term_names(term) for term in Term.objects.all()}


def entry_document(
    entry: EntryPage, term_names: dict[tuple[str, str], list[str]] | None = None
) -> dict:
    """The search document of one entry: the interchange fields that are searched or
    filtered on, plus what results show (url, organisation name) and the term labels.
    A bulk load passes the names of every term (term_names_by_slug), which spares it
    reading the entry's terms a second time."""
    data = entry_to_interchange(entry)
    language = data["language"]
    # Whoever may find a public entry may not read its members-only fields: those are
    # left out of its document, so that no search reveals a word of them.
    withheld = withheld_fields(ANONYMOUS, data) if data["visibility"] == Visibility.PUBLIC else []
    details = [data.get(name, "") for name in DETAIL_FIELDS if name not in withheld]
    details += data.get("recommendations", [])
    details += [metric["name"] for metric in data.get("metrics", [])]
    text = {
        "title": data["title"],
        "summary": data["summary"],
        "body": _plain(entry.body),
        "details": "\n".join(part for part in details if part),
    }
    if term_names is None:
        names = [
            name
            for facet in TERM_FACETS
            for term in getattr(entry, facet).all()
            for name in _term_names(term)
        ]
    else:
        names = [
            name
            for facet in TERM_FACETS
            for slug in data.get(facet, [])
            for name in term_names.get((facet, slug), [])
        ]
    document = {
        "page_id": entry.pk,
        "id": data["id"],
        "organisation": data["organisation"]["id"],
        "organisation_name": data["organisation"]["name"],
        "kind": data["kind"],
        "language": language,
        "visibility": data["visibility"],
        "url": entry.get_url() or "",
        "assessment": data.get("assessment"),
        "evaluation": data.get("evaluation"),
        "status": data.get("status"),
        "started": data.get("started"),
        "ended": data.get("ended"),
        "published": data.get("published")
        or (entry.first_published_at.date().isoformat() if entry.first_published_at else None),
        "tags": data.get("tags", []),
        "terms": [name for name in names if name],
        "title_complete": data["title"],
        "suggest": [text["title"], text["summary"]],
        **{facet: data.get(facet, []) for facet in TERM_FACETS},
        **text,
    }
    if language in LANGUAGES:
        document.update({f"{field}_{language}": text[field] for field in TEXT_FIELDS})
    return document


def entries_for_index() -> QuerySet[EntryPage]:
    """Every live entry, with what its document needs fetched in a few queries."""
    term_fields = [Prefetch(facet, queryset=Term.objects.all()) for facet in TERM_FACETS]
    return (
        entries_visible(reader=EVERYTHING)
        .select_related("organisation", "content_type")
        .prefetch_related(
            *term_fields, "partners", "tags", "metrics", "links", "recommendations", "relations"
        )
        .order_by("pk")
    )


def _chunks(entries: QuerySet[EntryPage], size: int) -> Iterator[list[EntryPage]]:
    # Paging by primary key keeps prefetching per chunk (iterator() would drop it).
    last = 0
    while True:
        chunk = list(entries.filter(pk__gt=last)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _bulk_operations(
    index: str, entries: Iterable[EntryPage], term_names: dict[tuple[str, str], list[str]]
) -> list[dict]:
    operations: list[dict] = []
    for entry in entries:
        operations.append({"index": {"_index": index, "_id": str(entry.pk)}})
        operations.append(entry_document(entry, term_names))
    return operations


def _bulk_send(engine: Engine, operations: list[dict]) -> int:
    if not operations:
        return 0
    answer = engine.bulk(operations)
    if answer.get("errors"):
        failed = [item for item in answer["items"] if item["index"].get("error")]
        raise EngineError(f"{len(failed)} documents refused, first: {failed[0]['index']['error']}")
    return len(operations) // 2


# While a new index is filled nobody searches it: no refreshes, no replica to keep in step,
# no fsync per request. The live settings are put back before the alias points at it.
BULK_LOAD_SETTINGS = {
    "refresh_interval": "-1",
    "auto_expand_replicas": False,
    "number_of_replicas": 0,
    "translog.durability": "async",
}
LIVE_SETTINGS = {
    "refresh_interval": None,  # back to the engine's default
    "auto_expand_replicas": "0-1",
    "translog.durability": "request",
}


def _bulk_load(engine: Engine, index: str, chunk_size: int) -> int:
    """Every live entry into the index. Documents of the next chunk are built (database
    reads and Python) while the engine indexes the previous one."""
    count = 0
    term_names = term_names_by_slug()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk") as sender:
        pending: Future | None = None
        for chunk in _chunks(entries_for_index(), chunk_size):
            operations = _bulk_operations(index, chunk, term_names)
            if pending is not None:
                count += pending.result()
            pending = sender.submit(_bulk_send, engine, operations)
        if pending is not None:
            count += pending.result()
    return count


@dataclass(frozen=True)
class RebuildReport:
    index: str
    count: int
    removed: list[str]


def index_rebuild(*, chunk_size: int = BULK_CHUNK) -> RebuildReport:
    """Build a new index from the database, then point the alias at it in one atomic
    step and drop the old ones: searches see the old index until the new one is full."""
    engine = engine_get(even_if_down=True)
    if engine is None:
        raise EngineError("SEARCH_URL is not set: there is no search index to rebuild")
    alias = alias_name()
    index = new_index_name()
    started = timezone.now()
    body = index_body()
    engine.create_index(index, {**body, "settings": {**body["settings"], **BULK_LOAD_SETTINGS}})
    try:
        count = _bulk_load(engine, index, chunk_size)
        engine.put_settings(index, LIVE_SETTINGS)
        engine.refresh(index)
    except Exception:
        engine.delete_index(index)
        raise
    old = engine.alias_targets(alias)
    actions = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": index, "alias": alias}})
    engine.update_aliases(actions)
    # Updates queued before the rebuild began are in the new index; those queued while
    # it ran may have gone to the old one, so they stay queued and are applied now.
    PendingIndexUpdate.objects.filter(queued_at__lt=started).delete()
    from search.queue import index_queue_process

    index_queue_process()
    # Earlier failed rebuilds may have left indices behind; none but the new one is live.
    stale = [name for name in engine.indices_matching(f"{alias}-*") if name != index]
    for name in stale:
        engine.delete_index(name)
    return RebuildReport(index=index, count=count, removed=stale)


def index_drop_all() -> None:
    """Delete every index of this prefix (tests clean up with it)."""
    engine = engine_get(even_if_down=True)
    if engine is not None:
        for name in engine.indices_matching(f"{alias_name()}-*"):
            engine.delete_index(name)


def entry_index_update(page_id: int) -> str:
    """Bring one entry's document in line with the database: index it when it is live,
    delete it otherwise. Returns what was done. Raises EngineUnavailable when the
    engine does not answer, so the caller can keep the update queued."""
    engine = engine_get(even_if_down=True)
    if engine is None:
        return "skipped"
    alias = alias_name()
    if not engine.alias_targets(alias):
        # No index yet: the first rebuild will include this entry.
        return "skipped"
    entry = entries_for_index().filter(pk=page_id).first()
    if entry is None:
        engine.delete_document(alias, str(page_id))
        return "deleted"
    engine.index_document(alias, str(page_id), entry_document(entry))
    return "indexed"
