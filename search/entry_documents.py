"""Entries as search documents: one document per entry, built from rows, not from page
objects. A chunk of entries is read with one query for the entries and one per relation
the document uses (terms, tags, metrics, recommendations), so a rebuild costs a few queries
per thousand entries and well under a millisecond of Python per document. Single-entry
updates use the same builder.

The index holds every live entry whatever its visibility; who may see what is decided in
each query (search/facets.py), so a visibility change is one document update.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import orjson
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language_from_path
from wagtail.models import Site

from entries.markdown import plain_text
from entries.models import (
    EntryMetric,
    EntryPage,
    EntryRecommendation,
    EntryTag,
    Visibility,
    published_day,
)
from entries.selectors import entries_visible
from entries.translations import translated_originals, translation_chains, translation_group_name
from entries.visibility import EVERYTHING, MEMBERS_ONLY_FIELDS
from search.compounds import COMPOUND_LANGUAGE, compound_parts, compound_words
from search.documents import (
    DIGEST_FIELD,
    FACETS_FIELD,
    GROUP_FIELD,
    LANGUAGES,
    NEUTRAL_FIELD,
    NEUTRAL_TITLE_FIELD,
    PARTS_FIELD,
    SHARED_FIELD,
    SHARED_GROUP_FIELD,
    facet_value_key,
)
from search.fields import DETAIL_COLUMNS, TEXT_FIELDS
from search.labels import facet_labels
from vocabulary.facets import (
    ABSENT,
    COUNTRIES,
    PRESENCE_FACETS,
    PRESENT,
    TERM_FACET_NAMES,
    VALUE_FACETS,
    Labels,
)
from vocabulary.models import Term

ENTRY_COLUMNS = (
    "pk",
    "slug",
    "title",
    "url_path",
    "visibility",
    "summary",
    "body",
    "started",
    "ended",
    "published_date",
    "first_published_at",
    "organisation__title",
    "organisation_id",
    "translation_of",
    # The value of each facet holding one value per entry.
    *(facet.lookup for facet in VALUE_FACETS),
    *DETAIL_COLUMNS,
)
# Facets whose values have names a reader searches with: what a result card and the
# sidebar call an entry's kind, verdict, evaluation and status ("Lesson learned",
# "Promising practice", "Pilot"), so they are among the entry's names.
NAMED_VALUE_FACETS = [facet for facet in VALUE_FACETS if facet.labels is Labels.CHOICES]


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
    vocabulary, the site roots), read once per rebuild or update."""

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
        # The name of each value of the named facets, looked up once per builder: asked of
        # facet_labels per document (a translation lookup per value), they cost a sixth of
        # the builder's time.
        self.value_names = facet_labels(
            {facet.name: set(facet.choices.values) for facet in NAMED_VALUE_FACETS}, "en"
        )
        # The originals of translations of translations, and of every translation.
        self.chains = translation_chains()
        self.translated = translated_originals(self.chains)
        self.site_roots = list(Site.get_site_root_paths())
        try:
            # Where Wagtail serves pages; a page's URL is this plus its path under its site.
            # Kept without the language prefix: one document serves readers of every
            # language, and a hit takes the reader's (search.results.url_in_reader_language).
            serve_prefix = reverse("wagtail_serve", args=("",))
        except NoReverseMatch:
            self.serve_prefix: str | None = None
        else:
            language = get_language_from_path(serve_prefix)
            self.serve_prefix = serve_prefix.removeprefix(f"/{language}" if language else "")

    @cached_property
    def compound_words(self) -> frozenset[str]:
        """The words German compounds are split into (search/compounds.py): read when the
        first German document is built, not for a builder that builds none."""
        return compound_words()

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
        for facet in TERM_FACET_NAMES:
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
        # Per facet derived from a relation, the entries that have some of it (reviewed).
        present = {
            facet.name: set(
                EntryPage.objects.filter(
                    **_between("pk", span), **{f"{facet.lookup}__isnull": False}
                ).values_list("pk", flat=True)
            )
            for facet in PRESENCE_FACETS
        }
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
            derived = {
                name: PRESENT if pk in having else ABSENT for name, having in present.items()
            }
            yield (
                pk,
                self._document(
                    row, terms.get(pk, []), tags.get(pk, []), details.get(pk, []), derived
                ),
            )

    def _document(
        self,
        row: dict,
        terms: list[_TermInfo],
        tags: list[str],
        extra: list[str],
        derived: dict[str, str],
    ) -> dict:
        language = row["language"]
        # Whoever may find a public entry may not read its members-only fields: those are
        # left out of its document, so that no search reveals a word of them.
        withheld = MEMBERS_ONLY_FIELDS if row["visibility"] == Visibility.PUBLIC else ()
        details = [row[name] for name in DETAIL_COLUMNS if name not in withheld and row[name]]
        details += [part for part in extra if part]
        text = {
            "title": row["title"],
            "summary": row["summary"],
            "body": plain_text(row["body"]),
            "details": "\n".join(details),
        }
        terms.sort(key=lambda term: term.order)
        by_facet: dict[str, list[str]] = {facet: [] for facet in TERM_FACET_NAMES}
        names: dict[str, None] = {}
        for term in terms:
            by_facet[term.facet].append(term.slug)
            names.update(term.names)
        by_facet[COUNTRIES] = sorted(by_facet.get(COUNTRIES, []))
        values = {facet.name: row[facet.lookup] or None for facet in VALUE_FACETS}
        published = published_day(row["published_date"], row["first_published_at"])
        document = {
            "page_id": row["pk"],
            "id": row["slug"],
            "organisation_name": row["organisation__title"],
            "visibility": row["visibility"],
            "url": self._url(row["url_path"]),
            "started": row["started"] or None,
            "ended": row["ended"],
            "published": published.isoformat() if published else None,
            "tags": sorted(tags),
            GROUP_FIELD: translation_group_name(
                organisation=row["organisation__slug"],
                original=self.chains.get(row["pk"]) or row["translation_of"] or row["slug"],
            ),
            SHARED_GROUP_FIELD: bool(row["translation_of"])
            or (row["organisation_id"], row["slug"]) in self.translated,
            "title_complete": text["title"],
            # Shown on result cards; not indexed under these names.
            "title": text["title"],
            "summary": text["summary"],
            **values,
            **derived,
            **by_facet,
        }
        for facet in NAMED_VALUE_FACETS:
            name = self.value_names[facet.name].get(values[facet.name])
            if name:
                names[name] = None
        document["terms"] = list(names)
        document[FACETS_FIELD] = [term.facet_key for term in terms] + [
            facet_value_key(facet, value)
            for facet, value in {**values, **derived}.items()
            if value is not None
        ]
        if language in LANGUAGES:
            # Analysed once in the entry's language; copied to the shared folded field.
            document.update({f"{field}_{language}": text[field] for field in TEXT_FIELDS})
            if language == COMPOUND_LANGUAGE:
                parts = compound_parts(" ".join(text.values()), self.compound_words)
                document[PARTS_FIELD] = " ".join(parts)
        else:
            document[SHARED_FIELD] = [text[field] for field in TEXT_FIELDS if text[field]]
            document[NEUTRAL_FIELD] = document[SHARED_FIELD]
            document[NEUTRAL_TITLE_FIELD] = text["title"]
        document[DIGEST_FIELD] = document_digest(document)
        return document


def document_digest(document: dict) -> str:
    """A digest of everything the document says but its digest. (Encoded with orjson, as
    the documents are sent: the standard library's encoder took a third of building them.
    Documents indexed before this encoding look stale to the drift check once, which
    re-indexes them.)"""
    content = {key: value for key, value in document.items() if key != DIGEST_FIELD}
    encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(encoded).hexdigest()


def entry_document(entry: EntryPage) -> dict:
    """The search document of one entry (as a rebuild builds it)."""
    for _pk, document in DocumentBuilder().documents([entry.pk]):
        return document
    raise ValueError(f"entry {entry.pk} is not live: it has no search document")


def entries_for_index():
    """Every live entry, whatever its visibility."""
    return entries_visible(reader=EVERYTHING)
