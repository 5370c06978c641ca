"""Drift between the index and the database, found and repaired without a rebuild.

After a crash, a restore, an operator's mistake or a bug, the index may hold documents of
entries that are gone (extra), lack some live entries (missing), or say something else of
an entry than the database does (stale: another title, visibility, term, translation...).
Every document carries a digest of its content (search.entry_documents.document_digest);
the check builds each live entry's document as a rebuild would and compares digests. Entries
with an update still queued (search/queue.py) are left to the queue.

A field the portal's mapping has gained (a new facet, search/documents.py) makes every older
document stale, but re-indexing them into an index whose mapping lacks the field would not
make it searchable: the check names such fields, and only a rebuild adds them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from search.client import alias_name, engine_get
from search.documents import DIGEST_FIELD, index_mappings
from search.engine_adapters import EngineError
from search.entry_documents import DocumentBuilder
from search.indexing import BULK_CHUNK, live_entry_chunks
from search.models import PendingIndexUpdate
from search.queue import entry_index_update

logger = logging.getLogger(__name__)

# Documents read from the index per request.
READ_PAGE = 1000


@dataclass(frozen=True)
class DriftReport:
    checked: int
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    repaired: bool = False
    # Fields of the portal's mapping that the live index does not map: a rebuild is due.
    unmapped: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.unmapped)

    def summary(self) -> str:
        done = "repaired" if self.repaired else "found"
        summary = (
            f"{self.checked} live entries checked; {done}: {len(self.missing)} missing, "
            f"{len(self.stale)} stale, {len(self.extra)} extra documents"
        )
        if self.unmapped:
            summary += (
                f"; the index does not map {', '.join(self.unmapped)}, which this version "
                "of the portal searches: rebuild it (manage.py rebuild_search_index)"
            )
        return summary


def _database_digests() -> dict[str, str]:
    builder = DocumentBuilder()
    return {
        str(pk): document[DIGEST_FIELD]
        for ids in live_entry_chunks(BULK_CHUNK)
        for pk, document in builder.documents(ids)
    }


def _index_digests(engine, alias: str) -> dict[str, str]:
    """Every document's id and digest, a page at a time in page id order."""
    digests: dict[str, str] = {}
    body: dict = {
        "size": READ_PAGE,
        "_source": [DIGEST_FIELD],
        # Page ids are the documents' ids, one each.
        "sort": [{"page_id": {"order": "asc", "missing": "_last"}}],
        "query": {"match_all": {}},
        "track_total_hits": False,
    }
    while True:
        hits = engine.search(alias, body)["hits"]["hits"]
        for hit in hits:
            digests[hit["_id"]] = hit["_source"].get(DIGEST_FIELD, "")
        if len(hits) < READ_PAGE:
            return digests
        body["search_after"] = hits[-1]["sort"]


def index_drift_check(*, repair: bool = False) -> DriftReport:
    """Compare the index with the database; with `repair`, re-index the missing and stale
    entries and delete the extra documents, each one alone."""
    engine = engine_get(even_if_down=True)
    if engine is None:
        raise EngineError("SEARCH_URL is not set: there is no search index to check")
    alias = alias_name()
    if not engine.alias_targets(alias):
        raise EngineError(f"no index behind {alias}: run manage.py rebuild_search_index")
    unmapped = sorted(set(index_mappings()["properties"]) - engine.mapped_fields(alias))
    database = _database_digests()
    index = _index_digests(engine, alias)
    queued = {str(pk) for pk in PendingIndexUpdate.objects.values_list("page_id", flat=True)}
    missing = sorted(int(pk) for pk in database.keys() - index.keys() - queued)
    stale = sorted(
        int(pk)
        for pk in database.keys() & index.keys()
        if database[pk] != index[pk] and pk not in queued
    )
    extra = sorted(index.keys() - database.keys() - queued)
    if repair:
        for page_id in [*missing, *stale]:
            entry_index_update(page_id)
        for doc_id in extra:
            engine.delete_document(alias, doc_id)
    report = DriftReport(len(database), missing, stale, extra, repaired=repair, unmapped=unmapped)
    if repair and not report.clean:
        logger.warning("search index drift %s", report.summary())
    return report
