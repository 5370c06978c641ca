"""The database backend: the same search answered with the ORM when there is no engine or
it does not answer. Less precise (no stemming beyond suffix trimming, no accent folding of
stored text: search/matching.py), but the same parameters, the same visibility rule,
disjunctive counts, vocabulary synonyms, language boosts (search/languages.py) and
translation groups (counted as distinct groups, one version shown per group)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Collection

from django.db import connection
from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat

from entries.markdown import plain_text
from entries.models import EntryPage, published_day
from entries.selectors import entries_filtered, entries_visible, selected_terms
from entries.translations import (
    entries_with_group,
    entry_group,
    reader_language,
    translation_chains,
    translation_original_expression,
)
from entries.visibility import Reader
from search.backends.base import CrossCounts, RawCounts
from search.backends.database_order import HitRow, hits_ordered
from search.backends.database_scan import text_scanned
from search.backends.database_scope import ScopeRead, facet_value
from search.labels import facet_values
from search.languages import language_boosts, languages_preferred
from search.matching import Vocabulary, any_of, text_match
from search.query import SearchQuery
from search.results import Completion, SearchHit, SearchResults
from search.translation import query_translations
from search.words import fold
from vocabulary.facets import FACET_NAMES, TERM_FACET_NAMES
from vocabulary.models import Term


def ids_parameter(ids: list[int]) -> RawSQL:
    """The ids as one query parameter (a JSON array on SQLite, an array on PostgreSQL): the
    ids matching words may outnumber the parameters a query may have."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::integer[])", [ids])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


def _years(entries: QuerySet[EntryPage], query: SearchQuery) -> QuerySet[EntryPage]:
    """As search.facets.year_filters says."""
    if query.started:
        entries = entries.filter(started=query.started)
    if query.year_from or query.year_to:
        entries = entries.filter(started__isnull=False)
    if query.year_to:
        entries = entries.filter(started__lte=query.year_to)
    if query.year_from:
        entries = entries.filter(Q(ended__gte=query.year_from) | Q(ended__isnull=True))
    return entries


def _counted(prefix: str, chains: dict[int, str] | None) -> Count:
    """Entries counted (chains is None), or their distinct translation groups."""
    if chains is None:
        return Count(f"{prefix}pk" if prefix else "pk")
    # The organisation's id stands for its slug in the group's name: the same groups,
    # without joining the organisation and its page in every count.
    group = Concat(
        Cast(f"{prefix}organisation_id", CharField()),
        Value("/"),
        translation_original_expression(prefix, chains),
        output_field=CharField(),
    )
    return Count(group, distinct=True)


def _cross_counts(
    scope: QuerySet[EntryPage],
    query: SearchQuery,
    pairs: list[tuple[str, str]],
    chains: dict[int, str],
) -> CrossCounts:
    """Per pair of fields, the translation groups of the scope holding each row value and
    each column value, with every selection but the pair's own."""
    answer: CrossCounts = {}
    selected = _selected(query)
    terms = selected_terms(selected)
    for rows, columns in pairs:
        pair = (rows, columns)
        others = {name: v for name, v in selected.items() if name not in pair}
        ids = entries_filtered(scope, others, terms).values("pk")
        counted = (
            EntryPage.objects.filter(pk__in=ids)
            .order_by()
            .annotate(row_value=facet_value(rows), column_value=facet_value(columns))
            .values_list("row_value", "column_value")
            .annotate(n=_counted("", chains))
        )
        cells = answer[pair] = {}
        for row, column, n in counted:
            if row and column:
                cells.setdefault(str(row), {})[str(column)] = n
    return answer


def _read_for_one_query(
    scope: QuerySet[EntryPage], scores: dict[int, float] | None, query: SearchQuery
) -> ScopeRead:
    """The scope read for one query's hits, their total and every facet's counts."""
    return ScopeRead(
        scope,
        scores=scores,
        chains=translation_chains(),
        facets=FACET_NAMES,
        filters=[query.filters],
    )


def _count(rows: list[HitRow], grouped: bool) -> int:
    """The hits' total: their translation groups when `grouped`."""
    return len({row.group for row in rows}) if grouped else len(rows)


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


def _hit(entry: EntryPage, needles: list[str], group: str = "") -> SearchHit:
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
        group=getattr(entry, "group", None) or group,
        visibility=entry.visibility,
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
    match = text_match(suggestion, vocabulary, languages_preferred(suggestion)[0])
    if match is None:
        return None
    return suggestion if text_scanned(candidates, match).pks else None


class DatabaseBackend:
    name = "database"

    def _scope(self, reader: Reader, query: SearchQuery, vocabulary: Vocabulary):
        """The entries the reader may see in the query's years (and among its page_ids),
        those matching its text, the text match (None without text) and the score of each
        entry matching it (None without text)."""
        visible = _years(entries_visible(reader=reader), query)
        if query.page_ids is not None:
            visible = visible.filter(pk__in=query.page_ids)
        scope = visible
        match = (
            text_match(
                query.text,
                vocabulary,
                languages_preferred(query.text)[0],
                query_translations(query.text),
            )
            if query.text
            else None
        )
        scores = None
        if match is not None:
            # The words are looked for in one pass over the text, which reads what each
            # matching entry's score is made of; the total, the page and every facet's
            # count then read the ids found.
            factors = language_boosts(query.text)
            scanned = text_scanned(scope, match)
            scores = {
                pk: score * factors.get(language, 1.0)
                for pk, language, score in zip(
                    scanned.pks,
                    scanned.languages,
                    match.scores(scanned.flags, scanned.read),
                    strict=True,
                )
            }
            scope = scope.filter(pk__in=ids_parameter(list(scores)))
        return visible, scope, match, scores

    def _page(
        self, rows: list[HitRow], query: SearchQuery, match, *, grouped: bool
    ) -> list[SearchHit]:
        """One page of the hits (rows: the entries matching the query and its selections),
        in the query's order; `grouped`: one version of each translation group."""
        ordered = hits_ordered(
            rows,
            sort=query.sort,
            grouped=grouped,
            language=reader_language(),
            first=query.offset + query.page_size,
        )[query.offset :]
        entries = EntryPage.objects.select_related("organisation").in_bulk(
            [row.pk for row, _score in ordered]
        )
        needles = match.needles if match else []
        page = []
        for row, _score in ordered:
            entry = entries[row.pk]
            entry.score, entry.group = row.score, row.group
            page.append(_hit(entry, needles))
        return page

    def search(self, *, reader: Reader, query: SearchQuery, grouped: bool) -> SearchResults:
        vocabulary = Vocabulary.load()
        visible, scope, match, scores = self._scope(reader, query, vocabulary)
        read = _read_for_one_query(scope, scores, query)
        rows = read.hits(query.filters)
        count = _count(rows, grouped)
        did_you_mean = (
            _did_you_mean(entries_filtered(visible, _selected(query)), query, vocabulary)
            if count == 0 and query.text
            else None
        )
        return SearchResults(
            count=count,
            page=query.page,
            page_size=query.page_size,
            results=self._page(rows, query, match, grouped=grouped),
            facets=facet_values(
                read.counts(query.filters, grouped=grouped, facets=FACET_NAMES), query
            ),
            engine=self.name,
            did_you_mean=did_you_mean,
        )

    def counts(self, *, reader: Reader, query: SearchQuery, grouped: bool) -> tuple[int, RawCounts]:
        _visible, scope, _match, scores = self._scope(reader, query, Vocabulary.load())
        read = _read_for_one_query(scope, scores, query)
        counts = read.counts(query.filters, grouped=grouped, facets=FACET_NAMES)
        return _count(read.hits(query.filters), grouped), counts

    def cross_counts(
        self, *, reader: Reader, query: SearchQuery, pairs: list[tuple[str, str]]
    ) -> CrossCounts:
        _visible, scope, _match, _scores = self._scope(reader, query, Vocabulary.load())
        return _cross_counts(scope, query, pairs, translation_chains())

    def figures(
        self,
        *,
        reader: Reader,
        query: SearchQuery,
        pairs: list[tuple[str, str]],
        facets: Collection[str],
        hits_query: SearchQuery | None,
    ) -> tuple[int, RawCounts, CrossCounts, list[SearchHit]]:
        # The words are matched, the entries read and the translation chains read once for
        # all three.
        _visible, scope, match, scores = self._scope(reader, query, Vocabulary.load())
        chains = translation_chains()
        read = ScopeRead(
            scope,
            scores=scores,
            chains=chains,
            facets=facets,
            filters=[query.filters, *([hits_query.filters] if hits_query else [])],
        )
        count = _count(read.hits(query.filters), grouped=True)
        hits = (
            self._page(read.hits(hits_query.filters), hits_query, match, grouped=True)
            if hits_query is not None
            else []
        )
        return (
            count,
            read.counts(query.filters, grouped=True, facets=facets),
            _cross_counts(scope, query, pairs, chains),
            hits,
        )

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
        """Entries sharing the most terms with this one, one version of each translation
        group (the reader's language first, else the one sharing most), none of its own."""
        shared: dict[int, int] = {}
        for facet in TERM_FACET_NAMES:
            through = getattr(EntryPage, facet).through
            term_ids = through.objects.filter(entrypage_id=entry.pk).values("term_id")
            for page_id in through.objects.filter(term_id__in=term_ids).values_list(
                "entrypage_id", flat=True
            ):
                shared[page_id] = shared.get(page_id, 0) + 1
        visible = (
            entries_with_group(entries_visible(reader=reader))
            .filter(pk__in=list(shared))
            .exclude(group=entry_group(entry))
            .select_related("organisation")
        )
        language = reader_language()
        groups: dict[str, list[EntryPage]] = {}
        for other in sorted(visible, key=lambda other: (-shared[other.pk], other.title)):
            groups.setdefault(other.group, []).append(other)
        shown = [
            next((other for other in versions if other.language == language), versions[0])
            for versions in groups.values()
        ]
        return [_hit(other, []) for other in shown[:size]]
