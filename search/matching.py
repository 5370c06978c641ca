"""Text matching of the database search: query words, stemmed by suffix trimming and
corrected against the vocabulary, matched in the entry's text columns with the same field
weights as the engine (search/fields.py); a query word or phrase naming a term (label in
any language, synonym, id) matches the entries carrying that term. Which words of a query
count (informative_text) and the vocabulary are the engine's too (search/builders.py)."""

from __future__ import annotations

import difflib
import functools
import math
import re
from dataclasses import dataclass, field
from itertools import zip_longest

from django.db.models import Q
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from search.cache import process_cached
from search.dictionaries import WordTranslations, dictionary
from search.documents import NEUTRAL_LENGTH
from search.fields import DETAIL_COLUMNS, FIELD_WEIGHTS, TRANSLATION_WEIGHT
from search.query import words_kept
from search.words import STOP_WORDS, cognate_spellings, english_spellings, fold
from vocabulary.facets import COUNTRIES
from vocabulary.models import Term

TERM_PHRASE_WEIGHT = 3.0
# Dictionary translations a query looks for in all (search/translation.py), shared by its
# words: a question's needles stay within a bound however many words it has.
TRANSLATION_NEEDLES = 32
# A word's rarity (BM25's inverse document frequency) divided by this, so that the fixed
# weights of vocabulary matches and phrases keep their place among the words' weights.
RARITY_SCALE = 1.5
TERM_WORD_WEIGHT = 1.0
PHRASE_WEIGHT = 3.0
# How close a word must be to a vocabulary word to be taken for a typo of it (difflib's
# ratio).
TYPO_CUTOFF = 0.8
# Corrections a Vocabulary keeps (it lives search.cache.CACHE_SECONDS): beyond, it starts
# afresh, so that a flood of made-up words cannot grow it without end.
CORRECTIONS_KEPT = 10_000

# A word one typo from a function word of this many letters or more, and no word of the
# dictionaries, is that function word mistyped ("wrden", "Commnet"); a shorter function
# word is one typo from too many words the dictionaries do not know ("doing": "doxing").
MISSPELT_FUNCTION_WORD_LETTERS = 6
LONG_FUNCTION_WORDS = tuple(
    sorted(word for word in STOP_WORDS if len(word) >= MISSPELT_FUNCTION_WORD_LETTERS)
)

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
    # What correct() answered, by word: a query's words come back in the next queries, and
    # comparing a word with every vocabulary word costs more than building its query.
    _corrections: dict[str, str | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

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
        """The vocabulary's word a folded query word is a typo of, if it is one: no word of
        the vocabulary or of the dictionaries, and close to a word of the vocabulary."""
        if word in self._corrections:
            return self._corrections[word]
        corrected = None
        if word not in self.words and len(word) >= 5 and not dictionary().knows(word):
            close = difflib.get_close_matches(
                word, self._within_reach(word), n=1, cutoff=TYPO_CUTOFF
            )
            corrected = close[0] if close else None
        if len(self._corrections) >= CORRECTIONS_KEPT:
            self._corrections.clear()
        self._corrections[word] = corrected
        return corrected

    def spelt(self, text: str) -> str:
        """The text with each word the vocabulary's word it is a typo of (correct), folded,
        and the others as typed: a misspelt concept still names its term."""
        return " ".join(self.correct(fold(word)) or word for word in text.split())

    def _within_reach(self, word: str) -> list[str]:
        """The words whose difflib ratio to this one may reach TYPO_CUTOFF. difflib's ratio
        counts the letters of its matching blocks, which form a common subsequence, so it is
        never above rapidfuzz's Indel similarity (the longest common subsequence, measured
        in C): a word under the cutoff there is under it in difflib too, and difflib chooses
        among the rest as it would among all."""
        candidates = process.extract(
            word,
            self._of_length(len(word)),
            scorer=Indel.normalized_similarity,
            # Below the cutoff: rapidfuzz refuses a score of exactly the cutoff (it turns
            # it into a distance, and rounds), and a prefilter may only let more through.
            score_cutoff=TYPO_CUTOFF - 0.01,
            limit=None,
        )
        return [candidate for candidate, _score, _index in candidates]

    def _of_length(self, length: int) -> list[str]:
        """The words that get_close_matches would not rule out by their length alone (its
        real_quick_ratio, the same sum): the same closest match as among every word (the
        best ratio, ties to the greatest word, whatever their order), found without
        comparing the others."""
        return [
            word
            for size, words in self._by_length.items()
            if 2.0 * min(size, length) / (size + length) >= TYPO_CUTOFF
            for word in words
        ]

    @functools.cached_property
    def _by_length(self) -> dict[int, list[str]]:
        by_length: dict[int, list[str]] = {}
        for word in self.words:
            by_length.setdefault(len(word), []).append(word)
        return by_length


def function_word(folded: str) -> bool:
    """Whether a folded query word carries no evidence: a function word (search.words), or
    one mistyped. Scored, a mistyped "werden" would be one more word for the entries to
    have, and its typo tolerance would find the entries saying "werden"."""
    if folded in STOP_WORDS:
        return True
    return _near_function_word(folded) and not dictionary().knows(folded)


@functools.lru_cache(maxsize=10_000)
def _near_function_word(folded: str) -> bool:
    """One typo (a letter added, dropped, changed, or two swapped) from a long function
    word."""
    if len(folded) < MISSPELT_FUNCTION_WORD_LETTERS - 1:
        return False
    return any(
        OSA.distance(folded, word, score_cutoff=1) <= 1
        for word in LONG_FUNCTION_WORDS
        if abs(len(word) - len(folded)) <= 1
    )


def informative(word: str) -> bool:
    """Whether a word as typed counts as evidence: two letters or more, no function word."""
    return len(word) > 1 and not function_word(fold(word))


def informative_text(text: str) -> str:
    """The words of the text that are informative, as typed, in order; the text itself when
    it has no other word (a search for "who" still looks for "who")."""
    kept = [word for word in re.sub(r"[^\w]+", " ", text).split() if informative(word)]
    return " ".join(kept) or text


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
            if len(folded) > 1 and not function_word(folded):
                times[folded] = times.get(folded, 0) + 1
                as_typed.setdefault(folded, raw)
    kept = words_kept(list(times), vocabulary.words)
    return [(folded, as_typed[folded], count) for folded, count in times.items() if folded in kept]


def any_of(conditions: list[Q]) -> Q:
    """One flat OR, whatever the number of conditions."""
    return Q(*conditions, _connector=Q.OR)


# The entry's free keywords, a column of their own table.
TAGS_COLUMN = "tags"
# The columns of each field the words are looked for in, as the engine's fields
# (search.documents).
FIELD_COLUMNS = {
    "title": ("title",),
    "summary": ("summary",),
    "body": ("body",),
    "details": DETAIL_COLUMNS,
    "organisation": ("organisation__title",),
    "tags": (TAGS_COLUMN,),
}
TEXT_COLUMNS = tuple(column for columns in FIELD_COLUMNS.values() for column in columns)


@dataclass(frozen=True)
class Contains:
    """An entry holds the needle in one of these columns (a public entry's members-only
    columns are not searched, as in the index); with `other_language`, only an entry in
    another language does."""

    columns: tuple[str, ...]
    needle: str
    other_language: str = ""


@dataclass(frozen=True)
class HoldsTerms:
    """An entry carries one of these vocabulary terms: (facet, term ids) pairs."""

    by_facet: tuple[tuple[str, tuple[int, ...]], ...]


Condition = Contains | HoldsTerms


def _holds_terms(term_ids: set[int], vocabulary: Vocabulary) -> HoldsTerms:
    by_facet: dict[str, list[int]] = {}
    for term_id in sorted(term_ids):
        by_facet.setdefault(vocabulary.facet_of[term_id], []).append(term_id)
    return HoldsTerms(tuple((facet, tuple(ids)) for facet, ids in sorted(by_facet.items())))


# A part of a score: a flag's weight when the entry has it, or a word: per form of it, the
# weights of the flags (its fields) that hold it; a flag is named by its place in `flags`.
ScorePart = tuple[int, float] | dict[str, list[tuple[int, float]]]


def _rarity(total: int, holding: int) -> float:
    """How much a needle found in `holding` of `total` entries tells them apart: the
    inverse document frequency of the engine's ranking (BM25's)."""
    return math.log(1 + (total - holding + 0.5) / (holding + 0.5)) / RARITY_SCALE


@dataclass(frozen=True)
class TextMatch:
    """What an entry must match (any of `matches`), the needles its highlights mark, and
    what its score is made of: `flags`, conditions read for each matching entry in the same
    pass (search.backends.database_scan), and the score's parts (TextMatch.scores)."""

    matches: list[Condition]
    needles: list[str]
    flags: list[Condition]
    parts: list[ScorePart]

    def scores(self, columns: list[list[bool]], total: int) -> list[float]:
        """The score of each matching entry, from `columns`: per flag, in the order of
        `flags`, whether each matching entry has it, among `total` entries searched; a
        needle's rarity is counted on these entries, since an entry holding a needle
        matches. Computed a flag's column at a time, so that the loops over thousands of
        entries run inside Python's builtins."""
        if not columns or not columns[0]:
            return []
        rarity: dict[str, float] = {}
        for part in self.parts:
            if isinstance(part, dict):
                for variant, fields in part.items():
                    holding = sum(map(any, zip(*(columns[at] for at, _w in fields), strict=True)))
                    rarity[variant] = _rarity(total, holding)
        scores = [0.0] * len(columns[0])
        for part in self.parts:
            if isinstance(part, tuple):
                at, weight = part
                scores = [
                    score + (weight if held else 0.0)
                    for score, held in zip(scores, columns[at], strict=True)
                ]
                continue
            # A word counts once, by its best form, weighed by how rare that form is.
            best: list[float] | None = None
            for variant, fields in part.items():
                # The weights of the fields holding the form, added in the fields' order.
                held_weights = [0.0] * len(scores)
                for at, weight in fields:
                    if not any(columns[at]):
                        continue
                    held_weights = [
                        sum_ + weight if held else sum_
                        for sum_, held in zip(held_weights, columns[at], strict=True)
                    ]
                forms = [sum_ * rarity[variant] for sum_ in held_weights]
                best = forms if best is None else list(map(max, best, forms))
            scores = [score + form for score, form in zip(scores, best, strict=True)]
        return scores


def text_match(
    text: str,
    vocabulary: Vocabulary,
    language: str,
    translations: list[WordTranslations] | None = None,
) -> TextMatch | None:
    """What an entry must match, and its score. Each word scores once, by its best form,
    in each field, weighed by its rarity among the entries searched. `language`: the
    query's (else the reader's); a word's neutral stem counts as a title's in the titles of
    entries in other languages only (as the engine's: search.builders._word_query). The
    dictionaries' `translations` of the words (search/translation.py) score as the engine's:
    each word's set once, by its best translation, TRANSLATION_WEIGHT of a word typed; they
    are not highlighted. A word's lemmas there count as its own forms."""
    words = _words(text, vocabulary)
    folded = fold(text)
    if not folded:
        return None
    weights = {**FIELD_WEIGHTS, "organisation": FIELD_WEIGHTS["organisation_name"]}
    flags: list[Condition] = []
    term_parts: list[ScorePart] = []
    word_parts: list[ScorePart] = []
    needles: list[str] = []
    term_ids: set[int] = set()

    def flag(condition: Condition) -> int:
        flags.append(condition)
        return len(flags) - 1

    lemmas = {fold(word.word): word.lemmas for word in translations or []}
    for word, raw, times in words:
        # An inflection's lemma (s'épuisent: épuiser) finds its other inflections.
        variants = {stem(word), stem(raw), *(stem(lemma) for lemma in lemmas.get(word, ()))}
        corrected = vocabulary.correct(word)
        if corrected:
            variants.add(stem(corrected))
        # Its other English spelling: stored text is not normalised as the engine's is.
        variants |= {stem(spelling) for spelling in english_spellings(word)}
        # Its language-neutral stem, where cognates and inflections meet (as the engine's
        # search.documents.NEUTRAL_FIELD), folded and as typed: stored text keeps its
        # accents ("épuis" of "s'épuisent" in "épuisée"); and as the other languages spell
        # it ("konta" of "contact" in "Kontakt").
        neutral = {
            word[:NEUTRAL_LENGTH],
            raw[:NEUTRAL_LENGTH],
            *cognate_spellings(word, NEUTRAL_LENGTH),
        } - variants
        variants |= neutral
        word_part = {}
        for variant in sorted(variants):
            needles.append(variant)
            if variant in neutral:
                # As the engine's neutral fields: anywhere in the entry, weighed as body
                # text; in a title of another language than the query's, as a title.
                title = Contains(FIELD_COLUMNS["title"], variant, other_language=language)
                word_part[variant] = [
                    (flag(Contains(TEXT_COLUMNS, variant)), weights["body"] * times),
                    (flag(title), weights["title"] * times),
                ]
            else:
                word_part[variant] = [
                    (flag(Contains(columns, variant)), weights[name] * times)
                    for name, columns in FIELD_COLUMNS.items()
                ]
            variant_terms = vocabulary.word_terms(variant)
            if variant_terms:
                term_ids |= variant_terms
                by_term = _holds_terms(variant_terms, vocabulary)
                term_parts.append((flag(by_term), TERM_WORD_WEIGHT * times))
        word_parts.append(word_part)
    translated: list[str] = []
    translated_words = [word for word in translations or [] if word.translations]
    per_word = max(1, TRANSLATION_NEEDLES // max(1, len(translated_words)))
    for word in translated_words:
        word_part = {}
        # The languages' translations in turn, the most attested first.
        ranked = [t for ts in zip_longest(*word.translations.values()) for t in ts if t]
        # Each in its other English spelling too (recognize: recognise).
        spelt = (
            stem(spelling) for t in ranked for spelling in (t, *sorted(english_spellings(fold(t))))
        )
        for variant in sorted(set(list(dict.fromkeys(spelt))[:per_word])):
            translated.append(variant)
            word_part[variant] = [
                (flag(Contains(columns, variant)), weights[name] * TRANSLATION_WEIGHT)
                for name, columns in FIELD_COLUMNS.items()
            ]
        word_parts.append(word_part)
    parts = [*term_parts, *word_parts]
    matches: list[Condition] = [
        Contains(TEXT_COLUMNS, needle) for needle in dict.fromkeys(needles + translated)
    ]
    if term_ids:
        matches.append(_holds_terms(term_ids, vocabulary))
    phrase_terms = vocabulary.phrase_terms(fold(vocabulary.spelt(text)))
    if phrase_terms:
        by_phrase = _holds_terms(phrase_terms, vocabulary)
        matches.append(by_phrase)
        parts.append((flag(by_phrase), TERM_PHRASE_WEIGHT))
    if sum(times for _, _, times in words) != 1:
        # Several words, or only short ones ("1-2-1"): the text as typed counts too.
        phrase = Contains(("title", "summary", "body"), text.strip())
        matches.append(phrase)
        parts.append((flag(phrase), PHRASE_WEIGHT))
    return TextMatch(matches=matches, needles=needles, flags=flags, parts=parts)


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
