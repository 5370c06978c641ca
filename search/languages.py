"""Language in ranking: the reader's language and the query's, each boosting the entries
written in it, on both backends (the engine as function_score weights, the database as
score factors), so that a German query ranks German entries and German versions above
equal matches in other languages. A boost multiplies a score, it adds no match: an entry
found through the vocabulary in another language is still found, and a much better match
in another language still ranks first.

The versions of one translation group that a page of the API's search lists (it lists every
version) come together at the best place one of them reached, the one in the query's
language (else the reader's) first, whatever their scores (search/api.py): the relevance
report grades the other versions of a relevant entry one grade less, not as other entries.

The query's language is guessed lightly from its words: function words of each language,
the words of the vocabulary's labels that only one language uses, and letters only one of
them writes (ß, ä; é, ç). A query that says nothing of its language is taken to be in the
reader's.
"""

from __future__ import annotations

import re
import unicodedata

from entries.translations import reader_language
from search.cache import process_cached
from search.documents import LANGUAGES
from search.matching import Vocabulary
from search.words import FUNCTION_WORDS, fold

# How much an entry in the query's language, and one in the reader's, gains: enough to
# lead equal matches, too little to pass a better one (the relevance report measured
# larger factors: they push entries in the query's language above better matches in
# other languages). An entry in both gains both.
QUERY_LANGUAGE_BOOST = 1.05
READER_LANGUAGE_BOOST = 1.02

# Letters written in one of the languages only (of the three).
_LETTERS = {"de": "äöüß", "fr": "éèêàâçœëïîôûù"}


def _words_of_one_language() -> dict[str, set[str]]:
    """Each language's words: function words and label words that no other language has."""
    vocabulary = Vocabulary.load()
    words = {
        language: FUNCTION_WORDS.get(language, set()) | vocabulary.label_words.get(language, set())
        for language in LANGUAGES
    }
    return {
        language: own - set().union(*(words[other] for other in LANGUAGES if other != language))
        for language, own in words.items()
    }


def query_language(text: str) -> str | None:
    """The language the query is written in, when its words say so; else None."""
    # Kept with the vocabulary it comes from: a search asks three times.
    own = process_cached("words_of_one_language", _words_of_one_language)
    scores = dict.fromkeys(LANGUAGES, 0)
    for raw in re.sub(r"[^\w]+", " ", unicodedata.normalize("NFC", text.casefold())).split():
        word = fold(raw)
        for language in LANGUAGES:
            if word in own[language]:
                scores[language] += 1
            if any(letter in raw for letter in _LETTERS.get(language, "")):
                scores[language] += 1
    best = max(scores.values())
    leaders = [language for language, score in scores.items() if score == best]
    return leaders[0] if best and len(leaders) == 1 else None


def languages_preferred(text: str) -> list[str]:
    """The languages whose versions of a group come first: the query's, then the
    reader's."""
    reader = reader_language()
    return list(dict.fromkeys([query_language(text) or reader, reader]))


def language_boosts(text: str) -> dict[str, float]:
    """The factor each language's entries get in the ranking of this query (none without
    words: a list has no ranking to change)."""
    if not text:
        return {}
    reader = reader_language()
    query = query_language(text) or reader
    boosts = {reader: READER_LANGUAGE_BOOST}
    boosts[query] = boosts.get(query, 1.0) * QUERY_LANGUAGE_BOOST
    return boosts
