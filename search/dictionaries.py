"""Bilingual dictionaries between the portal's languages, for translating a query's words
(search/translation.py): the FreeDict dictionaries that Debian packages as
dict-freedict-{deu-eng,eng-deu,fra-eng,eng-fra,deu-fra,fra-deu}, in dictd's format, under
settings.SEARCH_DICTIONARY_DIR.

Read once into a lookup file (SQLite, under var/: a word's translations are one indexed
row, read on demand, so a process neither parses the 140 MB of text nor holds it in
memory), rebuilt when the dictionaries change. Without them there is no lookup: the search
works as before, and the log says so once.

Headwords of two and three words are read too ("young people": Jugendliche), as words of a
query typed together are looked up (search/translation.py).

A word typed inflected is found by its lemma (simplemma's lemma lists, stored in the same
file for the dictionaries' headwords), else by trimming its ending.

Each pair is read in both directions and united (the French-English pair holds 8,000
words, the German-English one 500,000): a translation attested by more senses, in either
direction, comes first, so that the few a query uses are the common ones. A word a pair
lacks is translated by its lemma's translations when it is an inflection the other pair
lists (lemma_translations: bedroht, bedrohen), else through the third language
(pivot_translations).
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from contextlib import closing
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

from search.words import fold

logger = logging.getLogger(__name__)

# The portal's languages and the FreeDict names of them.
FREEDICT_NAMES = {"en": "eng", "fr": "fra", "de": "deu"}
PAIRS = [
    (source, target) for source in FREEDICT_NAMES for target in FREEDICT_NAMES if source != target
]
# Raised when the reading of the files changes, so that an older lookup file is rebuilt.
FORMAT_VERSION = 8
# Translations kept per word and target language, the most attested first.
STORED_TRANSLATIONS = 20
# Translations of more words are mostly explanations ("person who ..."), not words.
MAX_TRANSLATION_WORDS = 2
# Headwords of up to this many words are read: a phrase the dictionaries list as one
# ("young people", "quality standards") translates as one word of the other language
# (Jugendliche, Qualitätsstandards), which its words one by one do not meet.
MAX_HEADWORD_WORDS = 3

# Endings tried, in turn, when a word is not a headword: dictionaries list the lemma
# (falsch, Profil, reconnu), queries hold inflections (falschen, Profilen, reconnus).
INFLECTIONS = {
    "de": ("en", "n", "e", "er", "es", "s", "em", "ern"),
    "fr": ("s", "x", "e", "es"),
    "en": ("s", "es", "ies", "ed", "ing"),
}


@dataclass(frozen=True)
class WordTranslations:
    """One word of a query, its translations per target language and, when it is an
    inflection no dictionary lists, its lemmas in its own language (s'épuisent: épuiser),
    which find its other inflections (épuisée, épuisement) where a stemmer does not."""

    word: str
    translations: dict[str, tuple[str, ...]]
    lemmas: tuple[str, ...] = ()


_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_DIGIT = {char: value for value, char in enumerate(_BASE64)}
# What a translation line holds besides translations: sense numbers, parts of speech,
# labels, glosses, cross-references.
_NOISE = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|(?:^|\s)\d+\.")
_NUMBERED = re.compile(r"^\d+\.\s")


def _number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + _DIGIT[char]
    return value


def dictionary_files(directory: Path, source: str, target: str) -> tuple[Path, Path]:
    name = f"freedict-{FREEDICT_NAMES[source]}-{FREEDICT_NAMES[target]}"
    return directory / f"{name}.index", directory / f"{name}.dict.dz"


def _translation_lines(entry: str) -> list[str]:
    """The lines of a dictd entry that hold its translations: after the headword line,
    those not indented (or only to a [label]), not examples, synonyms, notes or
    cross-references; of numbered senses each sense's first line, else the first line (the
    French-German pairs follow each with a definition in the source language)."""
    lines = [
        line
        for line in entry.split("\n")[1:]
        if line.strip()
        and (not line.startswith(" ") or line.startswith(" ["))
        and not line.strip().startswith(('"', "Synonym", "see:", "Note:"))
    ]
    numbered = [line for line in lines if _NUMBERED.match(line)]
    return numbered or lines[:1]


def entry_translations(entry: str) -> list[str]:
    """The translations an entry gives, in its order, each of at most
    MAX_TRANSLATION_WORDS words."""
    found = []
    for line in _translation_lines(entry):
        for part in re.split(r"[,;]", _NOISE.sub(" ", line)):
            words = part.replace("…", " ").split()
            if words[:1] == ["to"]:
                words = words[1:]
            if 0 < len(words) <= MAX_TRANSLATION_WORDS and not any(char.isdigit() for char in part):
                found.append(headword_key(" ".join(words)))
    return found


def headword_key(word: str) -> str:
    """A word as the lookup holds it: lowercase, accents kept (fold() would make
    fälschen of falschen)."""
    return unicodedata.normalize("NFC", word.casefold())


def read_pair(index: Path, data: Path) -> list[tuple[str, list[str]]]:
    """Each headword of one dictionary (headword_key) of at most MAX_HEADWORD_WORDS words,
    with its translations."""
    with gzip.open(data) as compressed:
        text = compressed.read()
    entries = []
    with index.open(encoding="utf-8") as lines:
        for line in lines:
            headword, offset, length = line.rstrip("\n").split("\t")[:3]
            word = headword_key(headword.strip())
            if (
                not word
                or len(word.split()) > MAX_HEADWORD_WORDS
                or headword.startswith("00database")
            ):
                continue
            start = _number(offset)
            entry = text[start : start + _number(length)].decode("utf-8", "replace")
            entries.append((word, entry_translations(entry)))
    return entries


def _tally(
    into: dict[tuple[str, str, str], dict[str, int]], key: tuple[str, str, str], word: str
) -> None:
    counts = into.setdefault(key, {})
    counts[word] = counts.get(word, 0) + 1


def _fingerprint(directory: Path) -> str:
    files = []
    for source, target in PAIRS:
        for path in dictionary_files(directory, source, target):
            stat = path.stat()
            files.append([str(path), stat.st_size, int(stat.st_mtime)])
    # simplemma's lemma lists come with its version.
    return json.dumps({"version": FORMAT_VERSION, "lemmas": version("simplemma"), "files": files})


def dictionaries_present(directory: Path) -> bool:
    return all(
        path.is_file()
        for source, target in PAIRS
        for path in dictionary_files(directory, source, target)
    )


def lookup_build(directory: Path, destination: Path) -> int:
    """Reads the six dictionaries into a new lookup file at `destination` (replaced whole,
    so a reader never sees half of one); returns the number of words."""
    tallies: dict[tuple[str, str, str], dict[str, int]] = {}
    for source, target in PAIRS:
        for word, translations in read_pair(*dictionary_files(directory, source, target)):
            for translation in translations:
                _tally(tallies, (source, word, target), translation)
                # The other direction: the translation, when one word, translates back
                # to a one-word headword; not to a phrase, so that a word's own
                # translations stay those of the words' entries.
                if " " not in translation and " " not in word:
                    _tally(tallies, (target, headword_key(translation), source), word)
    headwords = {(source, word) for source, word, _target in tallies}
    inflections = _inflections(headwords)
    lemma_translations(tallies, inflections)
    pivot_translations(tallies)
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=destination.parent, suffix=".tmp")
    os.close(handle)
    try:
        with closing(sqlite3.connect(temporary)) as database, database:
            database.execute(
                "CREATE TABLE translation (source TEXT, word TEXT, folded TEXT, target TEXT,"
                " words TEXT, PRIMARY KEY (source, word, target)) WITHOUT ROWID"
            )
            # A query typed without accents (securite) finds its word by the folded form.
            database.execute("CREATE INDEX translation_folded ON translation (source, folded)")
            database.execute(
                "CREATE TABLE lemma (source TEXT, form TEXT, lemma TEXT,"
                " PRIMARY KEY (source, form)) WITHOUT ROWID"
            )
            # The lemmas of inflections that are no headword themselves (reconnus:
            # reconnaître; craignent: craindre): a query's word is found by them.
            database.executemany(
                "INSERT INTO lemma VALUES (?, ?, ?)",
                (
                    (language, form, lemma)
                    for language, forms in inflections.items()
                    for form, lemma in forms.items()
                    if (language, form) not in headwords
                ),
            )
            database.execute("CREATE TABLE meta (fingerprint TEXT)")
            database.executemany(
                "INSERT INTO translation VALUES (?, ?, ?, ?, ?)",
                (
                    (
                        source,
                        word,
                        fold(word),
                        target,
                        "\t".join(
                            f"{translation}:{counts[translation]}"
                            for translation in _ranked(counts)[:STORED_TRANSLATIONS]
                        ),
                    )
                    for (source, word, target), counts in tallies.items()
                ),
            )
            database.execute("INSERT INTO meta VALUES (?)", [_fingerprint(directory)])
            # Statistics, without which the planner scans a language for a folded word.
            database.execute("ANALYZE")
        # mkstemp's file is the builder's only; every process of the portal reads this one.
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return len({(source, word) for source, word, _target in tallies})


def pivot_translations(tallies: dict[tuple[str, str, str], dict[str, int]]) -> None:
    """Translations through the third language for the words a pair lacks: the
    French-English pair gives 7,500 French words an English translation, not épuisement,
    which the French-German pair translates as Erschöpfung and the German-English one
    Erschöpfung as exhaustion. Through the word's most attested translations only, and
    only through one that translates back most attested to the word (selten: rare,
    rarely, seldom, each twice): further down, and through words of several senses (Fall:
    case, chute), the meaning drifts; among equals, the dictionaries' order says nothing.
    Attested once: where a query word's lemmas have their translations merged
    (_translations), a dictionary's own come first."""
    pivoted = {}
    for (source, word, pivot), into_pivot in tallies.items():
        for middle in _most_attested(into_pivot):
            back = tallies.get((pivot, middle, source), {})
            if not back or back.get(word) != max(back.values()):
                continue
            for target in FREEDICT_NAMES.keys() - {source, pivot}:
                onward = tallies.get((pivot, middle, target))
                if (source, word, target) not in tallies and onward:
                    pivoted.setdefault((source, word, target), {_ranked(onward)[0]: 1})
    tallies.update(pivoted)


def _most_attested(counts: dict[str, int]) -> list[str]:
    """The words attested as often as the most attested, in the dictionaries' order: the
    order among equals says nothing."""
    best = max(counts.values())
    return [word for word, count in counts.items() if count == best]


def lemma_translations(
    tallies: dict[tuple[str, str, str], dict[str, int]], inflections: dict[str, dict[str, str]]
) -> None:
    """Translations of an inflected headword into a language its own entries lack, from
    its lemma's: the German-English dictionary lists "bedroht" (threatened), the
    German-French one only "bedrohen" (menacer). Before the third language
    (pivot_translations): the lemma's own translations are a dictionary's."""
    filled = {}
    for source, word, _target in tallies:
        lemma = inflections[source].get(word)
        if lemma is None:
            continue
        for target in FREEDICT_NAMES.keys() - {source}:
            if (source, word, target) not in tallies and (source, lemma, target) in tallies:
                filled[(source, word, target)] = dict(tallies[(source, lemma, target)])
    tallies.update(filled)


def _inflections(headwords: set[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Per language, each inflected form whose lemma the dictionaries hold, and that
    lemma (reconnus: reconnaître; Profilen: Profil; bedroht: bedrohen), from simplemma's
    lemma lists (Wiktionary's inflection tables): the lookup finds a word by its lemma
    where trimming an ending cannot (-aître, -ndre)."""
    found: dict[str, dict[str, str]] = {}
    for language in FREEDICT_NAMES:
        forms = found[language] = {}
        for form, lemma in DefaultDictionaryFactory().get_dictionary(language).items():
            form, lemma = headword_key(form), headword_key(lemma)
            if form != lemma and (language, lemma) in headwords:
                forms.setdefault(form, lemma)
    return found


def _ranked(counts: dict[str, int]) -> list[str]:
    """The most attested first; among equals, the order the dictionaries gave."""
    order = {word: at for at, word in enumerate(counts)}
    return sorted(counts, key=lambda word: (-counts[word], order[word]))


def _attested(stored: str) -> list[tuple[str, int]]:
    return [
        (translation, int(count))
        for translation, count in (item.rsplit(":", 1) for item in stored.split("\t"))
    ]


class Dictionary:
    """Translations of folded words between the portal's languages, read from the lookup
    file."""

    def __init__(self, path: Path | None):
        self.path = path

    def translations(self, word: str, source: str) -> dict[str, list[tuple[str, int]]]:
        """The translations of a word of `source` (as typed) into each other language, each
        with the number of senses attesting it, the most attested first: into each
        language, the word's as typed when it is a headword there, else those of every
        headword it may be an inflection of (its lemma, its endings taken off); else the
        same by the folded forms; {} when none is."""
        if self.path is None or source not in INFLECTIONS:
            return {}
        return _translations(self.path, word, source)

    def lemmas(self, word: str, source: str) -> tuple[str, ...]:
        """The lemmas of a word of `source` that is an inflection and no headword itself
        (craignent: craindre); () for any other word."""
        if self.path is None or source not in INFLECTIONS:
            return ()
        return _lemmas_of(self.path, headword_key(word), source)

    def headwords(self, source: str) -> frozenset[str]:
        """Every one-word headword of `source`, lowercase, accents kept: the words a
        compound is split into (search/compounds.py); empty without the dictionaries."""
        if self.path is None:
            return frozenset()
        return _headwords(self.path, source)

    def knows(self, word: str) -> bool:
        """Whether a language's dictionaries list the word as typed (or without its
        accents), as a headword or an inflection of one: a word spelt right, that no typo
        correction should replace (lessons is no typo of sessions)."""
        return self.path is not None and _known(self.path, headword_key(word))


_connections = threading.local()


def _lookup_connection(path: Path) -> sqlite3.Connection:
    """A read-only connection to the lookup file, kept by each thread (a connection may not
    cross threads): opening one cost twenty times the lookup it served, several times per
    search. A rebuilt file (lookup_build replaces it whole) gets a connection of its own."""
    found = path.stat()
    identity = (found.st_ino, found.st_mtime_ns)
    kept = _connections.__dict__.setdefault("kept", {})
    if path in kept and kept[path][0] == identity:
        return kept[path][1]
    if path in kept:
        kept[path][1].close()
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    kept[path] = (identity, database)
    return database


# Kept per process: a query's words come back in the next queries, and the lookup file
# changes only with the dictionaries' packages.
@functools.lru_cache(maxsize=10_000)
def _known(path: Path, typed: str) -> bool:
    # Each query by its table's index: the language first.
    queries = (
        "SELECT 1 FROM translation WHERE source = ? AND word = ? LIMIT 1",
        "SELECT 1 FROM translation WHERE source = ? AND folded = ? LIMIT 1",
        "SELECT 1 FROM lemma WHERE source = ? AND form = ? LIMIT 1",
    )
    database = _lookup_connection(path)
    return any(
        database.execute(query, [source, typed]).fetchone()
        for source in INFLECTIONS
        for query in queries
    )


@functools.lru_cache(maxsize=len(INFLECTIONS))
def _headwords(path: Path, source: str) -> frozenset[str]:
    # Read whole once per process (a quarter of a second, 270,000 German words): a
    # compound is tried against dozens of its substrings.
    rows = _lookup_connection(path).execute(
        "SELECT DISTINCT word FROM translation WHERE source = ?", [source]
    )
    return frozenset(word for (word,) in rows if word.isalpha())


@functools.lru_cache(maxsize=10_000)
def _lemmas_of(path: Path, form: str, source: str) -> tuple[str, ...]:
    rows = _lookup_connection(path).execute(
        "SELECT lemma FROM lemma WHERE source = ? AND form = ?", [source, form]
    )
    return tuple(lemma for (lemma,) in rows)


@functools.lru_cache(maxsize=10_000)
def _translations(path: Path, word: str, source: str) -> dict[str, list[tuple[str, int]]]:
    typed = headword_key(word)
    database = _lookup_connection(path)
    forms = list(
        dict.fromkeys(
            [typed, *_lemmas_of(path, typed, source)]
            + [
                typed[: -len(ending)]
                for ending in INFLECTIONS[source]
                if typed.endswith(ending) and len(typed) - len(ending) >= 3
            ]
        )
    )
    # Then by the folded forms, for a word typed without its accents (securite).
    for column, keys in (("word", forms), ("folded", [fold(form) for form in forms])):
        rows = database.execute(
            f"SELECT {column}, target, words FROM translation"  # noqa: S608 (names, not input)
            f" WHERE source = ? AND {column} IN ({', '.join('?' * len(keys))})",
            [source, *keys],
        ).fetchall()
        as_typed = {target: _attested(words) for at, target, words in rows if at == keys[0]}
        # Into a language the word as typed has no translation into, every lemma it may be
        # an inflection of, together (communes: commune, the town, and commun, common),
        # each translation attested by the senses of all of them: a pair may list a plural
        # the other lacks (teenagers: Jugendliche, but only teenager: adolescent).
        merged: dict[str, dict[str, int]] = {}
        for key in keys[1:]:
            for at, target, words in rows:
                if at == key and target not in as_typed:
                    counts = merged.setdefault(target, {})
                    for translation, count in _attested(words):
                        counts[translation] = counts.get(translation, 0) + count
        if as_typed or merged:
            return as_typed | {
                target: [(word, counts[word]) for word in _ranked(counts)]
                for target, counts in merged.items()
            }
    return {}


_dictionaries: dict[tuple[Path, Path], Dictionary] = {}
_lock = threading.Lock()


def _lookup_current(path: Path, directory: Path) -> bool:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as database:
            (stored,) = database.execute("SELECT fingerprint FROM meta").fetchone()
    except (sqlite3.Error, TypeError):
        return False
    return stored == _fingerprint(directory)


def lookup_ensure(directory: Path, path: Path) -> bool:
    """Builds the lookup file from the dictionaries unless it is current; whether it
    built one."""
    if _lookup_current(path, directory):
        return False
    logger.info("Building the dictionary lookup %s from %s", path, directory)
    lookup_build(directory, path)
    return True


def dictionary() -> Dictionary:
    """The dictionary of settings.SEARCH_DICTIONARY_DIR, its lookup file built on first use
    unless `manage.py build_search_dictionary` built it ahead (as the setup does); one per
    process."""
    directory = Path(settings.SEARCH_DICTIONARY_DIR)
    path = Path(settings.SEARCH_DICTIONARY_LOOKUP)
    key = (directory, path)
    if key in _dictionaries:
        return _dictionaries[key]
    with _lock:
        if key not in _dictionaries:
            if dictionaries_present(directory):
                lookup_ensure(directory, path)
                _dictionaries[key] = Dictionary(path)
            else:
                logger.warning(
                    "No bilingual dictionaries in %s (Debian's dict-freedict-* packages):"
                    " queries are not translated",
                    directory,
                )
                _dictionaries[key] = Dictionary(None)
    return _dictionaries[key]
