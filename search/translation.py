"""Query translation through bilingual dictionaries (search/dictionaries.py): the bridge
between languages where no cognate and no vocabulary term meets (grenzüberschreitend /
cross-border, Wahl / choice, warten / wait), on both backends.

Each informative word of the query, read in the query's language (else the reader's), is
looked up; its translations into the other two languages form one synonym set (Pirkola's
structured query): the set counts as one word, by its best translation, so a word with
twenty senses weighs no more than a word with one. The set scores below the words typed
(TRANSLATION_WEIGHT), is never required, and finds entries in the target language through
that language's fields. Translations are not highlighted: the reader did not type them.
Two or three words typed together that the dictionaries list as one headword form one more
set, of their one-word translations ("young people": Jugendliche, "point of contact":
Anlaufstelle).
"""

from __future__ import annotations

import re

from elasticsearch.dsl import Q
from elasticsearch.dsl.query import Query

from entries.translations import reader_language
from search.dictionaries import WordTranslations, dictionary
from search.documents import NEUTRAL_LENGTH, language_text_fields
from search.fields import FIELD_TIE, TRANSLATION_WEIGHT
from search.languages import query_language
from search.matching import informative, informative_text
from search.query import MAX_QUERY_WORDS
from search.words import STOP_WORDS, fold

# Translations of one word into one language, the most attested first; and up to how
# many when those attested as often as the last are kept too.
TRANSLATIONS_PER_LANGUAGE = 5
TRANSLATIONS_TIED_MAX = 10


def _neutral(word: str) -> str:
    return fold(word)[:NEUTRAL_LENGTH]


def _spellings_merged(attested: list[tuple[str, int]]) -> list[tuple[tuple[str, ...], int]]:
    """One translation per word however the dictionaries spell it (crossborder,
    cross-border, cross border): its spellings together, attested by the senses of all of
    them, the most attested first. Each spelling is looked for: text writes
    "cross-border" and "cooperation" as often as "crossborder" and "co-operation"."""
    merged: dict[str, tuple[tuple[str, ...], int]] = {}
    for translation, count in attested:
        key = re.sub(r"[\s-]+", "", translation)
        spellings, total = merged.get(key, ((), 0))
        merged[key] = ((*spellings, translation), total + count)
    return sorted(merged.values(), key=lambda item: -item[1])


def _kept(word: str, attested: list[tuple[str, int]]) -> tuple[str, ...]:
    """The translations of one word into one language that the query uses: none when one
    of them is the word's cognate (Profil / profile: the word meets that language without a
    dictionary, and its other senses would only add noise); no function word ("between");
    none attested less than half as often as the most attested (récit: Erzählung 3 times,
    Bericht once); of the rest, the most attested (and those as attested as the last),
    each in all its spellings."""
    if any(_neutral(translation) == _neutral(word) for translation, _count in attested):
        return ()
    translations = _spellings_merged(attested)
    best = max((count for _spellings, count in translations), default=0)
    kept = [
        (spellings, count)
        for spellings, count in translations
        if not set(fold(spellings[0]).split()) <= STOP_WORDS and count * 2 >= best
    ]
    # Those as attested as the last kept are kept too: the dictionaries' order among equals
    # says nothing (reconnaître: recognize, sixth of eight senses attested twice).
    if len(kept) > TRANSLATIONS_PER_LANGUAGE:
        least = kept[TRANSLATIONS_PER_LANGUAGE - 1][1]
        kept = [item for item in kept if item[1] >= least][:TRANSLATIONS_TIED_MAX]
    return tuple(spelling for spellings, _count in kept for spelling in spellings)


def _phrases(text: str) -> list[str]:
    """The runs of two or three words typed next to each other that begin and end with an
    informative word ("young people", "quality standards", "loss of control"), the longer
    first."""
    tokens = re.sub(r"[^\w]+", " ", text).split()
    counted = [informative(token) for token in tokens]
    runs = [
        (start, start + size)
        for size in (3, 2)
        for start in range(len(tokens) - size + 1)
        # A function word inside is part of the phrase ("point of contact": Anlaufstelle).
        if counted[start] and counted[start + size - 1]
    ]
    return [" ".join(tokens[start:end]) for start, end in runs]


def _translated(word: str, source: str, *, one_word: bool = False) -> dict[str, tuple[str, ...]]:
    """The translations of a word (or phrase) the query uses, per target language (_kept);
    `one_word`: those of one word only."""
    kept = {}
    for target, attested in dictionary().translations(word, source).items():
        if one_word:
            attested = [(translation, n) for translation, n in attested if " " not in translation]
        if translations := _kept(word, attested):
            kept[target] = translations
    return kept


def query_translations(text: str) -> list[WordTranslations]:
    """The informative words of the text that the dictionaries translate or know as an
    inflection, each with its translations into the portal's other languages (_kept) and
    its lemmas; then the phrases of the text (_phrases) that the dictionaries list as one
    headword, each as one more word, by its one-word translations: one of several words
    renders the phrase word by word ("transboundary cooperation"), as its words' own
    translations do."""
    source = query_language(text) or reader_language()
    found = []
    words = dict.fromkeys(re.sub(r"[^\w]+", " ", informative_text(text)).split())
    for word in list(words)[:MAX_QUERY_WORDS]:
        kept = _translated(word, source)
        lemmas = dictionary().lemmas(word, source)
        if kept or lemmas:
            found.append(WordTranslations(word=word, translations=kept, lemmas=lemmas))
    found_phrases: list[str] = []
    for phrase in _phrases(text)[:MAX_QUERY_WORDS]:
        # Not again as part of a longer phrase found.
        if any(f" {phrase} " in f" {longer} " for longer in found_phrases):
            continue
        if kept := _translated(phrase, source, one_word=True):
            found_phrases.append(phrase)
            found.append(WordTranslations(word=phrase, translations=kept))
    return found


def translation_queries(words: list[WordTranslations]) -> list[Query]:
    """The engine's clauses: per word, its best translation, in its language's fields, all
    of a translation's words (cross-border), analysed as that language's words, weighed by
    its rarity in the language's whole text (cross_fields), as a word typed is
    (search.builders._word_query) and as the database weighs it."""
    return [
        Q(
            "dis_max",
            queries=[
                Q(
                    "multi_match",
                    query=translation,
                    type="cross_fields",
                    operator="and",
                    fields=language_text_fields(target),
                    analyzer=target,
                    tie_breaker=FIELD_TIE,
                )
                for target, translations in sorted(word.translations.items())
                for translation in translations
            ],
            boost=TRANSLATION_WEIGHT,
        )
        for word in words
        if word.translations
    ]
