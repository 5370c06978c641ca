"""The database fallback: the same search, answered with the ORM when there is no engine
or it does not answer. Less precise (no stemming beyond suffix trimming, no accent folding
of stored text), but the same parameters, the same visibility rule, disjunctive counts and
vocabulary synonyms: a query word or phrase naming a term (label in any language, synonym,
id) matches the entries carrying that term."""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, FloatField, Func, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from entries.kinds import PAGE_CLASSES
from entries.markdown import plain_text
from entries.models import EntryPage, Visibility
from entries.selectors import entries_filtered, entries_visible
from entries.visibility import MEMBERS_ONLY_FIELDS, Reader
from search.documents import FACET_FIELDS, TERM_FACETS
from search.facets import facet_values, process_cached
from search.query import STOP_WORDS, SearchQuery, fold, words_kept
from search.results import Completion, SearchHit, SearchResults
from vocabulary.models import Term

ENGINE_NAME = "database"
TEXT_WEIGHTS = {"title": 4.0, "summary": 2.5, "body": 1.0, "details": 1.0}
DETAIL_COLUMNS = ("outcomes", "context", "what_worked", "what_did_not_work", "ethics", "safety")
ORGANISATION_WEIGHT = 1.5
TERM_PHRASE_WEIGHT = 3.0
TERM_WORD_WEIGHT = 1.0
PHRASE_WEIGHT = 3.0

# Endings trimmed so that a word finds its inflections (counselling -> counsell...).
_SUFFIXES = """ations ation ements ement ings ing ies ers er es s ed ly ungen ung en e ité ités
eurs eur euse euses ions ion ismus"""
SUFFIXES = sorted(
    _SUFFIXES.split(),
    key=len,
    reverse=True,
)


def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@dataclass
class Vocabulary:
    """Every name of every term, folded, for matching query words and phrases."""

    names: dict[str, set[int]] = field(default_factory=dict)  # folded name -> term ids
    facet_of: dict[int, str] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> Vocabulary:
        """The vocabulary, from the process cache (search.facets.process_cached)."""
        return process_cached("vocabulary", cls._build)

    @classmethod
    def _build(cls) -> Vocabulary:
        vocabulary = cls()
        for term in Term.objects.all():
            vocabulary.facet_of[term.pk] = term.facet
            names = [*term.names]
            if term.facet != "countries":
                names.append(term.slug.replace("-", " "))
            for name in names:
                folded = fold(name)
                if len(folded) > 1:
                    vocabulary.names.setdefault(folded, set()).add(term.pk)
                    vocabulary.words.update(folded.split())
        return vocabulary

    def phrase_terms(self, folded_text: str) -> set[int]:
        """Terms one of whose names appears, as whole words, in the query."""
        padded = f" {folded_text} "
        return {
            term for name, terms in self.names.items() if f" {name} " in padded for term in terms
        }

    def word_terms(self, word: str) -> set[int]:
        """Terms with a name containing a word that starts like this one."""
        pattern = re.compile(rf"\b{re.escape(word)}")
        return {
            term for name, terms in self.names.items() if pattern.search(name) for term in terms
        }

    def correct(self, word: str) -> str | None:
        if word in self.words or len(word) < 5:
            return None
        close = difflib.get_close_matches(word, self.words, n=1, cutoff=0.8)
        return close[0] if close else None


def _words(text: str, vocabulary: Vocabulary) -> list[tuple[str, str, int]]:
    """Distinct query words, folded and as typed (lowercase: stored text keeps its accents),
    in the order typed, with how often each comes in the words typed once each: a repeated
    word counts once, a compound repeating one ("face-to-face") keeps its weight. At most
    search.query.MAX_QUERY_WORDS of them, those words_kept."""
    typed: dict[str, str] = {}
    for token in text.casefold().split():
        typed.setdefault(fold(token), token)
    times: dict[str, int] = {}
    as_typed: dict[str, str] = {}
    for token in typed.values():
        for raw in re.sub(r"[^\w]+", " ", token).split():
            folded = fold(raw)
            if folded not in STOP_WORDS and len(folded) > 1:
                times[folded] = times.get(folded, 0) + 1
                as_typed.setdefault(folded, raw)
    kept = words_kept(list(times), vocabulary.words)
    return [(folded, as_typed[folded], count) for folded, count in times.items() if folded in kept]


def _any(conditions: list[Q]) -> Q:
    """One flat OR, whatever the number of conditions."""
    return Q(*conditions, _connector=Q.OR)


class _Sum(Func):
    """Scores added in one flat expression: a + b nested per word grows the SQL's expression
    tree past what SQLite parses and Django's compiler recurses through."""

    arg_joiner = " + "
    template = "(%(expressions)s)"
    output_field = FloatField()


def _contains(columns: list[str], needles: list[str]) -> Q:
    return _any([_column_contains(column, needles) for column in columns])


def _column_contains(column: str, needles: list[str]) -> Q:
    """The column contains one of the needles: one group of the WHERE clause."""
    condition = _any([Q(**{f"{column}__icontains": needle}) for needle in needles])
    if column in MEMBERS_ONLY_FIELDS:
        # As in the index: a public entry's members-only fields are not searched.
        condition &= ~Q(visibility=Visibility.PUBLIC)
    return condition


def _has_terms(term_ids: set[int], vocabulary: Vocabulary) -> Q:
    by_facet: dict[str, list[int]] = {}
    for term_id in term_ids:
        by_facet.setdefault(vocabulary.facet_of[term_id], []).append(term_id)
    conditions = [
        Q(
            pk__in=getattr(EntryPage, facet)
            .through.objects.filter(term_id__in=ids)
            .values("entrypage_id")
        )
        for facet, ids in by_facet.items()
    ]
    return _any(conditions) if conditions else Q(pk__in=[])


def _weighted(condition: Q, weight: float) -> Case:
    return Case(When(condition, then=Value(weight)), default=Value(0.0), output_field=FloatField())


@dataclass(frozen=True)
class TextMatch:
    condition: Q
    score: object  # a database expression
    needles: list[str]


def text_match(text: str, vocabulary: Vocabulary) -> TextMatch | None:
    """What an entry must match, and its score. Each word scores in each field; what must
    match is one condition per column (any word in it), so that the SQL's expression tree,
    which SQLite bounds, grows with the words only as wide as one column's list."""
    words = _words(text, vocabulary)
    folded = fold(text)
    if not folded:
        return None
    columns = {
        "title": ["title"],
        "summary": ["summary"],
        "body": ["body"],
        "details": list(DETAIL_COLUMNS),
        "organisation": ["organisation__title"],
    }
    weights = {**TEXT_WEIGHTS, "organisation": ORGANISATION_WEIGHT}
    scores: list = []
    needles: list[str] = []
    term_ids: set[int] = set()
    for word, raw, times in words:
        variants = {stem(word), stem(raw)}
        corrected = vocabulary.correct(word)
        if corrected:
            variants.add(stem(corrected))
        for variant in variants:
            needles.append(variant)
            for name, cols in columns.items():
                condition = _contains(cols, [variant])
                scores.append(_weighted(condition, weights[name] * times))
            variant_terms = vocabulary.word_terms(variant)
            if variant_terms:
                term_ids |= variant_terms
                by_term = _has_terms(variant_terms, vocabulary)
                scores.append(_weighted(by_term, TERM_WORD_WEIGHT * times))
    distinct = list(dict.fromkeys(needles))
    conditions = [
        _column_contains(column, distinct)
        for cols in columns.values()
        for column in cols
        if distinct
    ]
    if term_ids:
        conditions.append(_has_terms(term_ids, vocabulary))
    phrase_terms = vocabulary.phrase_terms(folded)
    if phrase_terms:
        by_phrase = _has_terms(phrase_terms, vocabulary)
        conditions.append(by_phrase)
        scores.append(_weighted(by_phrase, TERM_PHRASE_WEIGHT))
    if sum(times for _, _, times in words) != 1:
        # Several words, or only short ones ("1-2-1"): the text as typed counts too.
        phrase = _contains(["title", "summary", "body"], [text.strip()])
        conditions.append(phrase)
        scores.append(_weighted(phrase, PHRASE_WEIGHT))
    return TextMatch(condition=_any(conditions), score=_Sum(*scores), needles=needles)


def _years(entries: QuerySet[EntryPage], query: SearchQuery) -> QuerySet[EntryPage]:
    if query.year_from or query.year_to:
        entries = entries.filter(started__isnull=False)
    if query.year_to:
        entries = entries.filter(started__lte=query.year_to)
    if query.year_from:
        entries = entries.filter(Q(ended__gte=query.year_from) | Q(ended__isnull=True))
    return entries


def _kind_of_content_type() -> dict[int, str]:
    return {ContentType.objects.get_for_model(cls).pk: kind for kind, cls in PAGE_CLASSES.items()}


def _count(entries: QuerySet[EntryPage], facet: str) -> dict[str, int]:
    ids = entries.values("pk")
    if facet in TERM_FACETS:
        through = getattr(EntryPage, facet).through
        rows = (
            through.objects.filter(entrypage_id__in=ids)
            .values_list("term__slug")
            .annotate(n=Count("entrypage_id"))
        )
    elif facet == "kind":
        kinds = _kind_of_content_type()
        rows = entries.order_by().values_list("content_type").annotate(n=Count("pk"))
        return {kinds[pk]: n for pk, n in rows if pk in kinds}
    else:
        column = "organisation__slug" if facet == "organisation" else facet
        rows = entries.order_by().values_list(column).annotate(n=Count("pk"))
    return {value: n for value, n in rows if value}


def facet_counts(entries: QuerySet[EntryPage], query: SearchQuery) -> dict[str, dict[str, int]]:
    """Disjunctive counts: each facet counted with every other facet's selection."""
    counts = {}
    for facet in FACET_FIELDS:
        others = {name: list(values) for name, values in query.filters.items() if name != facet}
        counts[facet] = _count(entries_filtered(entries, others), facet)
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


def _hit(entry: EntryPage, kinds: dict[int, str], needles: list[str]) -> SearchHit:
    highlight = {}
    for name, text in (
        ("title", entry.title),
        ("summary", entry.summary),
        ("body", plain_text(entry.body)),
    ):
        if fragments := _highlight(text, needles):
            highlight[name] = fragments
    return SearchHit(
        organisation=entry.organisation.slug,
        id=entry.slug,
        kind=kinds.get(entry.content_type_id, ""),
        language=entry.language,
        title=entry.title,
        summary=entry.summary,
        url=entry.get_url() or "",
        organisation_name=entry.organisation.title,
        assessment=entry.assessment,
        published=_published(entry),
        highlight=highlight,
        score=getattr(entry, "score", None),
    )


def _published(entry: EntryPage) -> str | None:
    """The publisher's date, else the day the entry went live (as the index has it)."""
    published = entry.published_date or (
        entry.first_published_at.date() if entry.first_published_at else None
    )
    return published.isoformat() if published else None


def _selected(query: SearchQuery) -> dict[str, list[str]]:
    return {name: list(values) for name, values in query.filters.items()}


def database_search(*, reader: Reader, query: SearchQuery) -> SearchResults:
    vocabulary = Vocabulary.load()
    visible = _years(entries_visible(reader=reader), query)
    scope = visible
    match = text_match(query.text, vocabulary) if query.text else None
    if match is not None:
        scope = scope.filter(pk__in=scope.filter(match.condition).values("pk"))
    hits = entries_filtered(scope, _selected(query))
    count = hits.count()
    newest = F("published_date").desc(nulls_last=True)
    if match is not None:
        hits = hits.annotate(score=Coalesce(match.score, Value(0.0)))
        order = (
            ["-score", newest, "-pk"] if query.sort == "relevance" else [newest, "-score", "-pk"]
        )
    else:
        order = [newest, "-pk"]
    page = list(
        hits.select_related("organisation").order_by(*order)[
            query.offset : query.offset + query.page_size
        ]
    )
    kinds = _kind_of_content_type()
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
        results=[_hit(entry, kinds, needles) for entry in page],
        facets=facet_values(facet_counts(scope, query), query),
        engine=ENGINE_NAME,
        did_you_mean=did_you_mean,
    )


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


def database_autocomplete(*, reader: Reader, prefix: str, size: int) -> list[Completion]:
    entries = (
        entries_visible(reader=reader)
        .filter(Q(title__istartswith=prefix) | Q(title__icontains=f" {prefix}"))
        .order_by("title")[:size]
    )
    return [
        Completion(text=entry.title, kind="entry", url=entry.get_url() or "") for entry in entries
    ]


def vocabulary_terms_named(prefix: str) -> list[Term]:
    """Vocabulary terms one of whose names starts with the prefix, or has a word that does,
    in vocabulary order."""
    folded = fold(prefix)
    vocabulary = Vocabulary.load()
    ids = {
        term
        for name, terms in vocabulary.names.items()
        if name.startswith(folded) or f" {folded}" in f" {name}"
        for term in terms
    }
    return list(Term.objects.filter(pk__in=ids).order_by("facet", "sort_order"))


def database_terms_in_use(*, reader: Reader, terms: list[Term]) -> list[Term]:
    """The terms that some entry the reader may see carries, in the order given."""
    if not terms:
        return []
    visible = entries_visible(reader=reader).values("pk")
    facets = dict.fromkeys(term.facet for term in terms)
    used = set(
        Term.objects.filter(pk__in=[term.pk for term in terms])
        .filter(
            _any(
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


def database_related(*, reader: Reader, entry: EntryPage, size: int) -> list[SearchHit]:
    """Entries sharing the most terms with this one."""
    shared: dict[int, int] = {}
    for facet in TERM_FACETS:
        through = getattr(EntryPage, facet).through
        term_ids = through.objects.filter(entrypage_id=entry.pk).values("term_id")
        for page_id in through.objects.filter(term_id__in=term_ids).values_list(
            "entrypage_id", flat=True
        ):
            shared[page_id] = shared.get(page_id, 0) + 1
    shared.pop(entry.pk, None)
    visible = (
        entries_visible(reader=reader).filter(pk__in=list(shared)).select_related("organisation")
    )
    ranked = sorted(visible, key=lambda other: (-shared[other.pk], other.title))[:size]
    kinds = _kind_of_content_type()
    return [_hit(other, kinds, []) for other in ranked]
