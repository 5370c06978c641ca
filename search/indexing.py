"""Entries into the index: one document per entry, bulk rebuilds behind an alias, and
single-entry updates.

The index holds every live entry whatever its visibility; who may see what is decided in
each query (search/facets.py), so a visibility change is one document update.

Documents are built from rows, not from page objects: a chunk of entries is read with one
query for the entries and one per relation the document uses (terms, tags, metrics,
recommendations), so a rebuild costs a few queries per thousand entries and well under a
millisecond of Python per document. Single-entry updates use the same builder.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import Site

from entries.markdown import plain_text
from entries.models import (
    Assessment,
    EntryMetric,
    EntryPage,
    EntryRecommendation,
    EntryTag,
    Evaluation,
    Kind,
    Status,
    Visibility,
)
from entries.selectors import entries_visible
from entries.visibility import EVERYTHING, MEMBERS_ONLY_FIELDS
from search.client import Engine, EngineError, alias_name, engine_get
from search.documents import (
    FACET_FIELDS,
    FACETS_FIELD,
    LANGUAGES,
    SHARED_FIELD,
    TERM_FACETS,
    TEXT_FIELDS,
    facet_value_key,
    index_body,
    new_index_name,
)
from search.models import PendingIndexUpdate
from vocabulary.models import Term

logger = logging.getLogger(__name__)

# Entries read and sent per bulk request, and bulk requests in flight at once.
BULK_CHUNK = 1000
BULK_IN_FLIGHT = 2
DETAIL_FIELDS = ("outcomes", "context", "what_worked", "what_did_not_work", "ethics", "safety")
ENTRY_COLUMNS = (
    "pk",
    "slug",
    "title",
    "url_path",
    "content_type_id",
    "language",
    "visibility",
    "summary",
    "body",
    "assessment",
    "evaluation",
    "status",
    "started",
    "ended",
    "published_date",
    "first_published_at",
    "organisation__slug",
    "organisation__title",
    *DETAIL_FIELDS,
)


# The facets that hold one value per entry (the others hold the entry's terms).
SCALAR_FACETS = [facet for facet in FACET_FIELDS if facet not in TERM_FACETS]
# What a result card and the sidebar call an entry's kind, verdict, evaluation and status
# ("Lesson learned", "Promising practice", "Pilot"): words a reader searches with, so they
# are among the entry's names.
VALUE_NAMES = {
    facet: {value: str(label) for value, label in choices.choices}
    for facet, choices in (
        ("kind", Kind),
        ("assessment", Assessment),
        ("evaluation", Evaluation),
        ("status", Status),
    )
}


def _between(column: str, span: tuple[int, int]) -> dict:
    return {f"{column}__gte": span[0], f"{column}__lte": span[1]}


@dataclass(frozen=True)
class _TermInfo:
    facet: str
    slug: str
    order: tuple
    # Each distinct name once, as dict keys: the same label in three languages is one name.
    names: dict[str, None]
    # The term as a value of FACETS_FIELD.
    facet_key: str


class DocumentBuilder:
    """Builds the documents of entries from rows. Holds what every document shares (the
    vocabulary, the kinds of page, the site roots), read once per rebuild or update."""

    def __init__(self) -> None:
        self.terms: dict[int, _TermInfo] = {}
        for term in Term.objects.all():
            names = [term.label_en, term.label_fr, term.label_de, *term.synonym_list]
            self.terms[term.pk] = _TermInfo(
                facet=term.facet,
                slug=term.slug,
                order=(term.sort_order, term.slug),
                names=dict.fromkeys(name for name in names if name),
                facet_key=facet_value_key(term.facet, term.slug),
            )
        self.kinds: dict[int, str] = {}
        self.site_roots = list(Site.get_site_root_paths())
        try:
            # Where Wagtail serves pages; a page's URL is this plus its path under its site.
            self.serve_prefix: str | None = reverse("wagtail_serve", args=("",))
        except NoReverseMatch:
            self.serve_prefix = None

    def _kind(self, content_type_id: int) -> str:
        if content_type_id not in self.kinds:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            self.kinds[content_type_id] = getattr(model, "entry_kind", "")
        return self.kinds[content_type_id]

    def _url(self, url_path: str) -> str:
        """What Page.get_url() gives without a request, without reading the sites or
        resolving the URL again for every entry."""
        if self.serve_prefix is None:
            return ""
        for _site_id, root_path, root_url, _language in self.site_roots:
            if url_path.startswith(root_path):
                path = self.serve_prefix + url_path[len(root_path) :]
                return path if len(self.site_roots) == 1 else root_url + path
        return ""

    def documents(self, entry_ids: list[int]) -> Iterator[tuple[int, dict]]:
        """(page id, document) of each of these entries that is live, in id order."""
        if not entry_ids:
            return
        # Rows are read by id range, and those of other pages in the range skipped: a range
        # costs the database one comparison, a list of a thousand ids costs Django a
        # thousand conversions per query.
        span = (min(entry_ids), max(entry_ids))
        wanted = set(entry_ids)
        rows = [
            row
            for row in entries_for_index()
            .filter(**_between("pk", span))
            .order_by("pk")
            .values(*ENTRY_COLUMNS)
            if row["pk"] in wanted
        ]
        ids = {row["pk"] for row in rows}
        if not ids:
            return
        terms: dict[int, list[_TermInfo]] = defaultdict(list)
        for facet in TERM_FACETS:
            through = getattr(EntryPage, facet).through
            for entry_id, term_id in through.objects.filter(
                **_between("entrypage_id", span)
            ).values_list("entrypage_id", "term_id"):
                if entry_id in ids and term_id in self.terms:
                    terms[entry_id].append(self.terms[term_id])
        tags: dict[int, list[str]] = defaultdict(list)
        for entry_id, name in EntryTag.objects.filter(
            **_between("content_object_id", span)
        ).values_list("content_object_id", "tag__name"):
            if entry_id in ids:
                tags[entry_id].append(name)
        details: dict[int, list[str]] = defaultdict(list)
        for model, column in ((EntryRecommendation, "text"), (EntryMetric, "name")):
            for entry_id, text in (
                model.objects.filter(**_between("entry_id", span))
                .order_by("entry_id", "sort_order", "pk")
                .values_list("entry_id", column)
            ):
                if entry_id in ids:
                    details[entry_id].append(text)
        for row in rows:
            pk = row["pk"]
            yield pk, self._document(row, terms.get(pk, []), tags.get(pk, []), details.get(pk, []))

    def _document(
        self, row: dict, terms: list[_TermInfo], tags: list[str], extra: list[str]
    ) -> dict:
        language = row["language"]
        # Whoever may find a public entry may not read its members-only fields: those are
        # left out of its document, so that no search reveals a word of them.
        withheld = MEMBERS_ONLY_FIELDS if row["visibility"] == Visibility.PUBLIC else ()
        details = [row[name] for name in DETAIL_FIELDS if name not in withheld and row[name]]
        details += [part for part in extra if part]
        text = {
            "title": row["title"],
            "summary": row["summary"],
            "body": plain_text(row["body"]),
            "details": "\n".join(details),
        }
        terms.sort(key=lambda term: term.order)
        by_facet: dict[str, list[str]] = {facet: [] for facet in TERM_FACETS}
        names: dict[str, None] = {}
        for term in terms:
            by_facet[term.facet].append(term.slug)
            names.update(term.names)
        by_facet["countries"] = sorted(by_facet.get("countries", []))
        published = row["published_date"] or (
            row["first_published_at"].date() if row["first_published_at"] else None
        )
        document = {
            "page_id": row["pk"],
            "id": row["slug"],
            "organisation": row["organisation__slug"],
            "organisation_name": row["organisation__title"],
            "kind": self._kind(row["content_type_id"]),
            "language": language,
            "visibility": row["visibility"],
            "url": self._url(row["url_path"]),
            "assessment": row["assessment"] or None,
            "evaluation": row["evaluation"] or None,
            "status": row["status"] or None,
            "started": row["started"] or None,
            "ended": row["ended"],
            "published": published.isoformat() if published else None,
            "tags": sorted(tags),
            "title_complete": text["title"],
            # Shown on result cards; not indexed under these names.
            "title": text["title"],
            "summary": text["summary"],
            **by_facet,
        }
        for facet, names_of_values in VALUE_NAMES.items():
            if document[facet] in names_of_values:
                names[names_of_values[document[facet]]] = None
        document["terms"] = list(names)
        document[FACETS_FIELD] = [term.facet_key for term in terms] + [
            facet_value_key(facet, document[facet])
            for facet in SCALAR_FACETS
            if document[facet] is not None
        ]
        if language in LANGUAGES:
            # Analysed once in the entry's language; copied to the shared folded field.
            document.update({f"{field}_{language}": text[field] for field in TEXT_FIELDS})
        else:
            document[SHARED_FIELD] = [text[field] for field in TEXT_FIELDS if text[field]]
        return document


def entry_document(entry: EntryPage) -> dict:
    """The search document of one entry (as a rebuild builds it)."""
    for _pk, document in DocumentBuilder().documents([entry.pk]):
        return document
    raise ValueError(f"entry {entry.pk} is not live: it has no search document")


def entries_for_index():
    """Every live entry, whatever its visibility."""
    return entries_visible(reader=EVERYTHING)


def _chunks(size: int) -> Iterator[list[int]]:
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
        for ids in _chunks(chunk_size):
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
    for _pk, document in DocumentBuilder().documents([page_id]):
        engine.index_document(alias, str(page_id), document)
        return "indexed"
    engine.delete_document(alias, str(page_id))
    return "deleted"
