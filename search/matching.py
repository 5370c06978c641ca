"""Text matching of the database search: query words, stemmed by suffix trimming and
corrected against the vocabulary, matched in the entry's text columns with the same field
weights as the engine (search/fields.py); a query word or phrase naming a term (label in
any language, synonym, id) matches the entries carrying that term."""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

from django.db.models import Case, Count, FloatField, Func, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from entries.models import EntryPage, Visibility
from entries.visibility import MEMBERS_ONLY_FIELDS
from search.cache import process_cached
from search.documents import NEUTRAL_LENGTH
from search.fields import DETAIL_COLUMNS, FIELD_WEIGHTS
from search.query import words_kept
from search.words import STOP_WORDS, fold
from vocabulary.facets import COUNTRIES
from vocabulary.models import Term

TERM_PHRASE_WEIGHT = 3.0
# A word's rarity (BM25's inverse document frequency) divided by this, so that the fixed
# weights of vocabulary matches and phrases keep their place among the words' weights.
RARITY_SCALE = 1.5
TERM_WORD_WEIGHT = 1.0
PHRASE_WEIGHT = 3.0
# A word's rarity (BM25's inverse document frequency) divided by this, so that the fixed
# weights of vocabulary matches and phrases keep their place among the words' weights.
RARITY_SCALE = 1.5

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
    slug_of: dict[int, str] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    # The folded words of the terms' labels in each language (search/languages.py).
    label_words: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Vocabulary:
        """The vocabulary, from the process cache (search.cache.process_cached)."""
        return process_cached("vocabulary", cls._build)

    @classmethod
    def _build(cls) -> Vocabulary:
        vocabulary = cls()
        for term in Term.objects.all():
            vocabulary.facet_of[term.pk] = term.facet
            vocabulary.slug_of[term.pk] = term.slug
            for language in ("en", "fr", "de"):
                label = getattr(term, f"label_{language}", "")
                vocabulary.label_words.setdefault(language, set()).update(fold(label).split())
            names = [*term.names]
            if term.facet != COUNTRIES:
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


def any_of(conditions: list[Q]) -> Q:
    """One flat OR, whatever the number of conditions."""
    return Q(*conditions, _connector=Q.OR)


class _Sum(Func):
    """Scores added in one flat expression: a + b nested per word grows the SQL's expression
    tree past what SQLite parses and Django's compiler recurses through."""

    arg_joiner = " + "
    template = "(%(expressions)s)"
    output_field = FloatField()


def _contains(columns: list[str], needles: list[str]) -> Q:
    return any_of([_column_contains(column, needles) for column in columns])


def _column_contains(column: str, needles: list[str]) -> Q:
    """The column contains one of the needles: one group of the WHERE clause."""
    condition = any_of([Q(**{f"{column}__icontains": needle}) for needle in needles])
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
    return any_of(conditions) if conditions else Q(pk__in=[])


def _weighted(condition: Q, weight: float) -> Case:
    return Case(When(condition, then=Value(weight)), default=Value(0.0), output_field=FloatField())


@dataclass(frozen=True)
class TextMatch:
    condition: Q
    score: object  # a database expression
    needles: list[str]


def _rarity(
    entries: QuerySet[EntryPage], needles: list[str], columns: dict[str, list[str]]
) -> dict[str, float]:
    """How much each needle tells entries apart: the inverse document frequency of the
    engine's ranking (BM25's), counted over `entries` in one query."""
    every_column = [column for cols in columns.values() for column in cols]
    counts = entries.aggregate(
        total=Count("pk"),
        **{
            f"n{at}": Count("pk", filter=_contains(every_column, [needle]))
            for at, needle in enumerate(needles)
        },
    )
    total = counts["total"]
    return {
        needle: math.log(1 + (total - counts[f"n{at}"] + 0.5) / (counts[f"n{at}"] + 0.5))
        / RARITY_SCALE
        for at, needle in enumerate(needles)
    }


def text_match(
    text: str, vocabulary: Vocabulary, entries: QuerySet[EntryPage] | None = None
) -> TextMatch | None:
    """What an entry must match, and its score. Each word scores once, by its best form,
    in each field, weighed by its rarity among `entries` (when given); what must match is
    one condition per column (any word in it), so that the SQL's expression tree, which
    SQLite bounds, grows with the words only as wide as one column's list."""
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
    weights = {**FIELD_WEIGHTS, "organisation": FIELD_WEIGHTS["organisation_name"]}
    scores: list = []
    needles: list[str] = []
    term_ids: set[int] = set()
    word_scores: list[dict[str, _Sum]] = []
    for word, raw, times in words:
        variants = {stem(word), stem(raw)}
        corrected = vocabulary.correct(word)
        if corrected:
            variants.add(stem(corrected))
        # Its language-neutral stem, where cognates and inflections meet (as the engine's
        # search.documents.NEUTRAL_FIELD).
        variants.add(word[:NEUTRAL_LENGTH])
        variant_scores = {}
        for variant in sorted(variants):
            needles.append(variant)
            variant_scores[variant] = _Sum(
                *(
                    _weighted(_contains(cols, [variant]), weights[name] * times)
                    for name, cols in columns.items()
                )
            )
            variant_terms = vocabulary.word_terms(variant)
            if variant_terms:
                term_ids |= variant_terms
                by_term = _has_terms(variant_terms, vocabulary)
                scores.append(_weighted(by_term, TERM_WORD_WEIGHT * times))
        word_scores.append(variant_scores)
    if entries is not None and word_scores:
        rarity = _rarity(entries, [variant for found in word_scores for variant in found], columns)
    else:
        rarity = {}
    for variant_scores in word_scores:
        # A word counts once, by its best form, weighed by how rare that form is.
        weighed = [
            score * Value(rarity.get(variant, 1.0)) for variant, score in variant_scores.items()
        ]
        scores.append(weighed[0] if len(weighed) == 1 else Greatest(*weighed))
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
    return TextMatch(condition=any_of(conditions), score=_Sum(*scores), needles=needles)


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
