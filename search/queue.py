"""The durable queue of index updates (search.models.PendingIndexUpdate).

A change to an entry queues its page id in the same database transaction, then tries to
apply it (entry_index_update: index or delete its document) as soon as the transaction
commits. When the engine is down the row stays, and is applied by `process_search_queue`,
or by a search that reaches the engine: the next one in the process that queued it, within
BACKLOG_CHECK_SECONDS in any other.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from search.client import alias_name, engine_get, engine_mark_down, engine_mark_up
from search.engine_adapters import EngineUnavailable
from search.entry_documents import DocumentBuilder
from search.models import PendingIndexUpdate

logger = logging.getLogger(__name__)

# How long a process whose searches the engine answers goes without looking for a backlog
# that another process left: the look is a database query, which would otherwise be the
# only one of an anonymous search, for a backlog that exists only after an outage.
BACKLOG_CHECK_SECONDS = 5.0
# When this process looks next (time.monotonic()); 0: at the next answer.
_backlog_check_at = 0.0


def _backlog_expected() -> None:
    """This process queued updates, or failed to apply some: the next answer looks."""
    global _backlog_check_at
    _backlog_check_at = 0.0


@dataclass(frozen=True)
class QueueReport:
    applied: int
    remaining: int
    error: str = ""


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
    for _pk, document in DocumentBuilder().documents([page_id]):
        engine.index_document(alias, str(page_id), document)
        return "indexed"
    engine.delete_document(alias, str(page_id))
    return "deleted"


def index_update_enqueue(page_ids: list[int]) -> None:
    """Queue updates of these pages and apply them once the current transaction commits."""
    if not page_ids or engine_get(even_if_down=True) is None:
        return  # No engine configured: the database search needs no index.
    _backlog_expected()
    now = timezone.now()
    for page_id in page_ids:
        # A newer time marks the row as changed again, even while it is being applied.
        if not PendingIndexUpdate.objects.filter(page_id=page_id).update(queued_at=now):
            PendingIndexUpdate.objects.get_or_create(page_id=page_id)
    transaction.on_commit(lambda: index_queue_process(page_ids=page_ids))


def index_queue_process(*, page_ids: list[int] | None = None, limit: int = 1000) -> QueueReport:
    """Apply queued updates (all, or those of the given pages) in the order queued.

    Stops at the first sign that the engine is down, leaving the rest queued.
    """
    pending = PendingIndexUpdate.objects.all()
    if page_ids is not None:
        pending = pending.filter(page_id__in=page_ids)
    applied = 0
    for row in list(pending[:limit]):
        try:
            entry_index_update(row.page_id)
        except EngineUnavailable as error:
            engine_mark_down(error)
            _backlog_expected()
            PendingIndexUpdate.objects.filter(pk=row.pk).update(
                attempts=F("attempts") + 1, last_error=str(error)[:2000]
            )
            return QueueReport(applied, PendingIndexUpdate.objects.count(), str(error))
        # Delete only the row we applied: a change queued meanwhile has a newer time.
        PendingIndexUpdate.objects.filter(pk=row.pk, queued_at=row.queued_at).delete()
        applied += 1
    if applied:
        engine_mark_up()
    return QueueReport(applied, PendingIndexUpdate.objects.count())


def index_queue_drain_if_pending() -> None:
    """Called after a search the engine answered: it is up, so catch up on the backlog, if
    one may have been left since this process last looked."""
    global _backlog_check_at
    now = time.monotonic()
    if now < _backlog_check_at:
        return
    _backlog_check_at = now + BACKLOG_CHECK_SECONDS
    if PendingIndexUpdate.objects.exists():
        try:
            index_queue_process(limit=200)
        except Exception:  # A search must never fail because of the backlog.
            logger.exception("applying queued index updates failed")
