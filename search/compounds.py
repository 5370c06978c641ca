"""The parts of German compounds: "Ausstiegsverbund" is an Ausstieg and a Verbund.

German writes as one word what French and English write as several ("gemeinsame
Qualitätsstandards", "normes de qualité communes"), so a query's word, or its translation
(data: Daten), meets a German entry only where the entry happens to write the word alone
(not in "Datenschutzkonzept"). The database search finds a word inside a longer one by
itself (it matches substrings); the engine matches whole words, so each German entry's
document also holds the parts of its compounds (search.documents.PARTS_FIELD), analysed as
German.

A word is split into the fewest known words of the German dictionaries' headwords
(search/dictionaries.py), joined by the linking letters German puts between them
(Ausstieg-s-verbund), the last one maybe inflected. Without the dictionaries nothing is
split. Splitting by a list of words finds words that are no parts too; the rules below keep
out what was seen doing so in the entries' text.
"""

from __future__ import annotations

import functools
import re

from search.dictionaries import INFLECTIONS, dictionary

# The language whose compounds are split: the only one of the portal's languages that
# writes them as one word.
COMPOUND_LANGUAGE = "de"
# The shortest part: shorter headwords are mostly abbreviations and syllables ("antw",
# "rat", "ung").
SHORTEST_PART = 4
# Shortest part of a word the dictionaries list whole or as an inflection: the common
# compounds are listed (Fortbildung, Nachfrage), and so are words whose four-letter "parts"
# are none (Antworten: "antw", "orten"; warteten: "wart", "eten").
SHORTEST_PART_OF_HEADWORD = 5
# The linking letters between two parts (Ausstieg-s-verbund, Bund-es-land, Melde-register).
LINKS = ("", "s", "es", "n", "en", "e")
# Endings of the last part: the dictionaries' German inflections (Qualitätsstandard-s,
# Beratung-en), and the plural of the feminine (Beraterin-nen).
ENDINGS = ("", *INFLECTIONS[COMPOUND_LANGUAGE], "nen")
# Suffixes that are headwords too (Haft, Lichen): as a last part, they are no word of the
# compound (dauerhaft, Jugendlichen, Zuständigkeiten).
SUFFIXES = frozenset(
    {"heit", "keit", "schaft", "lich", "isch", "sam", "haft", "nis", "tum", "ling"}
)

# Words of two parts or more, up to the longest German compounds in use: the split tries
# every cut of a word, so a run of letters thousands long (pasted code, a hostile entry)
# is left whole rather than slowing the indexing of everything else.
LONGEST_COMPOUND = 40
_WORD = re.compile(rf"\b\w{{{2 * SHORTEST_PART},{LONGEST_COMPOUND}}}\b")


def compound_words() -> frozenset[str]:
    """The words compounds are split into: the German headwords of the dictionaries; none
    without them. Read once per process; asked once per DocumentBuilder."""
    return dictionary().headwords(COMPOUND_LANGUAGE)


def compound_parts(text: str, words: frozenset[str]) -> list[str]:
    """The parts of the compounds of a German text into `words` (compound_words()), each
    compound's in order, lowercase (Ausstiegsverbund: ausstieg, verbund)."""
    if not words:
        return []
    return [part for word in _WORD.findall(text.casefold()) for part in _split(words, word)]


@functools.lru_cache(maxsize=50_000)
def _split(words: frozenset[str], word: str) -> tuple[str, ...]:
    """The parts of one word, each followed by its own; () when it is no compound of
    known words."""
    best = _best_split(words, word, whole=False)
    if not best or _is_suffix(best[-1]):
        return ()
    listed = _known(words, word) or dictionary().lemmas(word, COMPOUND_LANGUAGE)
    if listed and min(map(len, best)) < SHORTEST_PART_OF_HEADWORD:
        return ()
    # A part may be a compound the dictionaries list (Datenschutz-konzept): its own parts
    # are the entry's words too (Daten, Schutz).
    return tuple(found for part in best for found in (part, *_split(words, part)))


def _best_split(words: frozenset[str], rest: str, *, whole: bool) -> tuple[str, ...] | None:
    """The best split of `rest` into known words, the last maybe inflected: the fewest,
    then the one with fewest inflected parts (Melde-register, not Melder-gist-er), then
    the one whose shortest part is longest. `whole`: `rest` may be one part."""
    candidates = []
    if whole and _known(words, rest):
        candidates.append((rest,))
    for end in range(SHORTEST_PART, len(rest) - SHORTEST_PART + 1):
        head = rest[:end]
        if head not in words:
            continue
        for link in LINKS:
            if rest.startswith(link, end) and len(rest) - end - len(link) >= SHORTEST_PART:
                tail = _tail_split(words, rest[end + len(link) :])
                if tail:
                    candidates.append((head, *tail))
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda parts: (
            len(parts),
            sum(part not in words for part in parts),
            -min(map(len, parts)),
        ),
    )


@functools.lru_cache(maxsize=50_000)
def _tail_split(words: frozenset[str], rest: str) -> tuple[str, ...] | None:
    return _best_split(words, rest, whole=True)


def _known(words: frozenset[str], word: str) -> bool:
    return any(
        word.endswith(ending) and word[: len(word) - len(ending)] in words for ending in ENDINGS
    )


def _is_suffix(part: str) -> bool:
    return any(part.startswith(suffix) and part[len(suffix) :] in ENDINGS for suffix in SUFFIXES)
