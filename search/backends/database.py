"""The database backend: the same search answered with the ORM when there is no engine or
it does not answer. Less precise (no stemming beyond suffix trimming, no accent folding of
stored text: search/matching.py), but the same parameters, the same visibility rule,
disjunctive counts and vocabulary synonyms."""

from __future__ import annotations

import html
import re

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from entries.markdown import plain_text
from entries.models import EntryPage, published_day
from entries.selectors import entries_filtered, entries_visible
from entries.visibility import Reader
from search.backends.base import RawCounts
from search.labels import facet_values
from search.matching import Vocabulary, any_of, text_match
from search.query import SearchQuery, fold
from search.results import Completion, SearchHit, SearchResults
from vocabulary.facets import FACETS, TERM_FACET_NAMES, FacetDefinition
from vocabulary.models import Term


def _years(entries: QuerySet[EntryPage], query: SearchQuery) -> QuerySet[EntryPage]:
    if query.year_from or query.year_to:
        entries = entries.filter(started__isnull=False)
    if query.year_to:
        entries = entries.filter(started__lte=query.year_to)
    if query.year_from:
        entries = entries.filter(Q(ended__gte=query.year_from) | Q(ended__isnull=True))
    return entries


def _count(entries: QuerySet[EntryPage], facet: FacetDefinition) -> dict[str, int]:
    ids = entries.values("pk")
    if facet.holds_terms:
        through = getattr(EntryPage, facet.name).through
        rows = (
            through.objects.filter(entrypage_id__in=ids)
            .values_list("term__slug")
            .annotate(n=Count("entrypage_id"))
        )
    else:
        rows = entries.order_by().values_list(facet.lookup).annotate(n=Count("pk"))
    return {value: n for value, n in rows if value}


def _facet_counts(entries: QuerySet[EntryPage], query: SearchQuery) -> RawCounts:
    """Disjunctive counts: each facet counted with every other facet's selection."""
    counts = {}
    for facet in FACETS:
        others = {
            name: list(values) for name, values in query.filters.items() if name != facet.name
        }
        counts[facet.name] = _count(entries_filtered(entries, others), facet)
    return counts


def _highlight(text: str, needles: list[str], size: int = 160) -> list[str]:
    if not text or not needles:
        return []
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)) + r")\w*",
        re.IGNORECASE,
    )
    match = pattern.search(text)
    if match is None:
        return []
    # Whole words around the first match, as the engine's fragments are; the page puts the
    # ellipses around them.
    start = max(0, match.start() - size // 3)
    if start:
        start = text.find(" ", start, match.start()) + 1 or match.start()
    end = min(len(text), start + size)
    if end < len(text) and " " in text[match.end() : end]:
        end = text.rfind(" ", match.end(), end)
    marked = pattern.sub(lambda m: f"\0{m.group(0)}\1", text[start:end])
    escaped = html.escape(marked).replace("\0", "<mark>").replace("\1", "</mark>")
    return [escaped]


def _hit(entry: EntryPage, needles: list[str]) -> SearchHit:
    highlight = {}
    for name, text in (
        ("title", entry.title),
        ("summary", entry.summary),
        ("body", plain_text(entry.body)),
    ):
        if fragments := _highlight(text, needles):
            highlight[name] = fragments
    published = published_day(entry.published_date, entry.first_published_at)
    return SearchHit(
        organisation=entry.organisation.slug,
        id=entry.slug,
        kind=entry.kind,
        language=entry.language,
        title=entry.title,
        summary=entry.summary,
        url=entry.get_url() or "",
        organisation_name=entry.organisation.title,
        assessment=entry.assessment,
        published=published.isoformat() if published else None,
        highlight=highlight,
        score=getattr(entry, "score", None),
    )


def _selected(query: SearchQuery) -> dict[str, list[str]]:
    return {name: list(values) for name, values in query.filters.items()}


def _did_you_mean(
    candidates: QuerySet[EntryPage], query: SearchQuery, vocabulary: Vocabulary
) -> str | None:
    """Corrected words, when they find one of the candidates: the entries the caller may see
    with the same filters, else following the suggestion would find nothing again."""
    words = fold(query.text).split()
    corrected = [vocabulary.correct(word) or word for word in words]
    if corrected == words:
        return None
    suggestion = " ".join(corrected)
    match = text_match(suggestion, vocabulary)
    if match is None:
        return None
    return suggestion if candidates.filter(match.condition).exists() else None


class DatabaseBackend:
    name = "database"

    def _scope(self, reader: Reader, query: SearchQuery, vocabulary: Vocabulary):
        """The entries the reader may see in the query's years, those matching its text,
        and the text match (None without text)."""
        visible = _years(entries_visible(reader=reader), query)
        scope = visible
        match = text_match(query.text, vocabulary) if query.text else None
        if match is not None:
            scope = scope.filter(pk__in=scope.filter(match.condition).values("pk"))
        return visible, scope, match

    def search(self, *, reader: Reader, query: SearchQuery) -> SearchResults:
        vocabulary = Vocabulary.load()
        visible, scope, match = self._scope(reader, query, vocabulary)
        hits = entries_filtered(scope, _selected(query))
        count = hits.count()
        newest = F("published_date").desc(nulls_last=True)
        if match is not None:
            hits = hits.annotate(score=Coalesce(match.score, Value(0.0)))
            order = (
                ["-score", newest, "-pk"]
                if query.sort == "relevance"
                else [newest, "-score", "-pk"]
            )
        else:
            order = [newest, "-pk"]
        page = list(
            hits.select_related("organisation").order_by(*order)[
                query.offset : query.offset + query.page_size
            ]
        )
        needles = match.needles if match else []
        did_you_mean = (
            _did_you_mean(entries_filtered(visible, _selected(query)), query, vocabulary)
            if count == 0 and query.text
            else None
        )
        return SearchResults(
            count=count,
            page=query.page,
            page_size=query.page_size,
            results=[_hit(entry, needles) for entry in page],
            facets=facet_values(_facet_counts(scope, query), query),
            engine=self.name,
            did_you_mean=did_you_mean,
        )

    def counts(self, *, reader: Reader, query: SearchQuery) -> tuple[int, RawCounts]:
        _visible, scope, _match = self._scope(reader, query, Vocabulary.load())
        count = entries_filtered(scope, _selected(query)).count()
        return count, _facet_counts(scope, query)

    def autocomplete(
        self, *, reader: Reader, prefix: str, size: int, terms: list[Term]
    ) -> tuple[list[Completion], list[Term]]:
        entries = (
            entries_visible(reader=reader)
            .filter(Q(title__istartswith=prefix) | Q(title__icontains=f" {prefix}"))
            .order_by("title")[:size]
        )
        titles = [
            Completion(text=entry.title, kind="entry", url=entry.get_url() or "")
            for entry in entries
        ]
        return titles, self._terms_in_use(reader, terms)

    def _terms_in_use(self, reader: Reader, terms: list[Term]) -> list[Term]:
        """The terms that some entry the reader may see carries, in the order given."""
        if not terms:
            return []
        visible = entries_visible(reader=reader).values("pk")
        facets = dict.fromkeys(term.facet for term in terms)
        used = set(
            Term.objects.filter(pk__in=[term.pk for term in terms])
            .filter(
                any_of(
                    [
                        Q(
                            pk__in=getattr(EntryPage, facet)
                            .through.objects.filter(entrypage_id__in=visible)
                            .values("term_id")
                        )
                        for facet in facets
                    ]
                )
            )
            .values_list("pk", flat=True)
        )
        return [term for term in terms if term.pk in used]

    def related(self, *, reader: Reader, entry: EntryPage, size: int) -> list[SearchHit]:
        """Entries sharing the most terms with this one."""
        shared: dict[int, int] = {}
        for facet in TERM_FACET_NAMES:
            through = getattr(EntryPage, facet).through
            term_ids = through.objects.filter(entrypage_id=entry.pk).values("term_id")
            for page_id in through.objects.filter(term_id__in=term_ids).values_list(
                "entrypage_id", flat=True
            ):
                shared[page_id] = shared.get(page_id, 0) + 1
        shared.pop(entry.pk, None)
        visible = (
            entries_visible(reader=reader)
            .filter(pk__in=list(shared))
            .select_related("organisation")
        )
        ranked = sorted(visible, key=lambda other: (-shared[other.pk], other.title))[:size]
        return [_hit(other, []) for other in ranked]
