"""The index's lifecycle: bulk rebuilds behind an alias (searches see the old index until
the new one is full), and dropping every index of this prefix. Documents come from
search/entry_documents.py; updates queued meanwhile are applied by search/queue.py."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.utils import timezone

from search.client import alias_name, engine_get
from search.documents import (
    SYNONYM_FILTER,
    index_body,
    new_index_name,
    synonym_filter,
    synonym_rules,
)
from search.engine_adapters import Engine, EngineError
from search.entry_documents import DocumentBuilder, entries_for_index
from search.models import PendingIndexUpdate
from search.queue import index_queue_process
from search.warmup import index_warm_up

# Entries read and sent per bulk request, and bulk requests in flight at once.
BULK_CHUNK = 1000
BULK_IN_FLIGHT = 2


def live_entry_chunks(size: int) -> Iterator[list[int]]:
    """The ids of every live entry, a chunk at a time."""
    ids = list(entries_for_index().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _bulk_operations(index: str, builder: DocumentBuilder, ids: list[int]) -> list[dict]:
    operations: list[dict] = []
    for pk, document in builder.documents(ids):
        operations.append({"index": {"_index": index, "_id": str(pk)}})
        operations.append(document)
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
    """Every live entry into the index. Documents of the next chunks are built (database
    reads and Python) while the engine indexes earlier ones, BULK_IN_FLIGHT at a time."""
    count = 0
    builder = DocumentBuilder()
    pending: list[Future] = []
    with ThreadPoolExecutor(max_workers=BULK_IN_FLIGHT, thread_name_prefix="bulk") as sender:
        for ids in live_entry_chunks(chunk_size):
            operations = _bulk_operations(index, builder, ids)
            if len(pending) >= BULK_IN_FLIGHT:
                count += pending.pop(0).result()
            pending.append(sender.submit(_bulk_send, engine, operations))
        for future in pending:
            count += future.result()
    return count


@dataclass(frozen=True)
class RebuildReport:
    index: str
    count: int
    removed: list[str]
    # The typical searches run on the new index before the alias pointed at it.
    warm_up_searches: int


def index_rebuild(*, chunk_size: int = BULK_CHUNK) -> RebuildReport:
    """Build a new index from the database, make it durable, warm it up with typical
    searches (search/warmup.py), then point the alias at it in one atomic step and drop the
    old ones: searches see the old index until the new one is
    full, and an engine that crashes meanwhile leaves the alias on the old one."""
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
        # A Lucene commit before the alias points at the index: what the bulk load wrote
        # under async durability is otherwise in no commit and maybe in no synced translog,
        # and a crash of the engine soon after would leave the alias on an empty index.
        engine.flush(index)
        warmed = index_warm_up(engine, index)
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
    index_queue_process()
    # Earlier failed rebuilds may have left indices behind; none but the new one is live.
    stale = [name for name in engine.indices_matching(f"{alias}-*") if name != index]
    for name in stale:
        engine.delete_index(name)
    return RebuildReport(index=index, count=count, removed=stale, warm_up_searches=warmed)


def synonyms_reload() -> list[str]:
    """Apply the vocabulary's labels and synonyms as they are now to the live index, without
    a rebuild: they are in the search analyzers only, so no stored text changes. The index
    is closed for the time its settings take (about a second; searches meanwhile fall back
    to the database), then reopened. Returns the indices updated."""
    engine = engine_get(even_if_down=True)
    if engine is None:
        return []
    settings = {"analysis": {"filter": {SYNONYM_FILTER: synonym_filter(synonym_rules())}}}
    updated = engine.alias_targets(alias_name())
    for index in updated:
        engine.close_index(index)
        try:
            engine.put_settings(index, settings)
        finally:
            engine.open_index(index)
    return updated


def index_drop_all() -> None:
    """Delete every index of this prefix (tests clean up with it)."""
    engine = engine_get(even_if_down=True)
    if engine is not None:
        for name in engine.indices_matching(f"{alias_name()}-*"):
            engine.delete_index(name)
