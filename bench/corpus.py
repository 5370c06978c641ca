"""Text for generated entries, with the word statistics of real text: each language's
vocabulary ranked by frequency and drawn with Zipf's law (a word's chance falls as
1 / (rank + ZIPF_SHIFT)), so that a few words are in most entries, most words in few.

The vocabulary of a language merges three sources, each by the frequencies it has:
- the demo entries' words (the portal's domain: exit work, counselling, platforms);
- the vocabulary's labels in that language (what a reader names a concept by);
- a general word list: the translation catalogues of the machine's programs
  (/usr/share/locale/<lang>/LC_MESSAGES/*.mo: about 300,000 words and 11,000 to 19,000
  distinct ones per language; English from their source strings). No general word list
  (/usr/share/dict, wordfreq) is installed here; the catalogues are real sentences in all
  three languages, if more technical than the portal's.
Recombining the 48 demo entries' sentences instead gave every generated entry the same
few hundred words, and common queries matched 70 % of the collection.
"""

from __future__ import annotations

import gettext
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

CATALOGUES = Path("/usr/share/locale")
# The catalogues of each language, by the folder they are in: English text is the source
# strings of the French catalogues.
CATALOGUE_FOLDER = {"en": "fr", "fr": "fr", "de": "de"}
# Each source's share of the merged counts, before ranking: the domain's words weigh as
# much as the general ones, so that the portal's subject stays what its entries are about.
SOURCE_SHARES = {"demo": 0.45, "labels": 0.1, "general": 0.45}
ZIPF_SHIFT = 2.7  # Mandelbrot's shift: the first ranks of real text are flatter than 1/rank
WORD = re.compile(r"[^\W\d_]{2,}")
# What a catalogue string holds that is not a word of its language.
MARKUP = re.compile(r"%[-#+ \w.]*[a-zA-Z]|\{[^}]*\}|<[^>]+>|--?[\w-]+|\\[a-z]|https?://\S+")
# Query words: long enough to say something (the shorter ones are mostly function words).
QUERY_WORD_LETTERS = 5


def _markdown_plain(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return re.sub(r"[*_#>`]+", "", text)


def _words(text: str) -> list[str]:
    return [word.casefold() for word in WORD.findall(text)]


def catalogue_counts(lang: str) -> Counter:
    """Word counts of the machine's translation catalogues in the language (empty where
    there are none)."""
    counts: Counter = Counter()
    for path in sorted((CATALOGUES / CATALOGUE_FOLDER[lang] / "LC_MESSAGES").glob("*.mo")):
        if path.name.startswith("iso_"):  # names of countries, scripts, currencies
            continue
        try:
            with path.open("rb") as file:
                catalogue = gettext.GNUTranslations(file)._catalog
        except (OSError, UnicodeDecodeError):
            continue  # a catalogue in a legacy encoding: the others suffice
        for key, translated in catalogue.items():
            source = key[0] if isinstance(key, tuple) else key
            if not source:
                continue  # the catalogue's header
            counts.update(_words(MARKUP.sub(" ", source if lang == "en" else translated)))
    return counts


def _scaled(counts: Counter, share: float) -> dict[str, float]:
    total = sum(counts.values())
    return {word: share * count / total for word, count in counts.items()} if total else {}


@dataclass
class Language:
    """One language's words, most frequent first, with their cumulative Zipf weights."""

    ranked: list[str]
    cumulative: list[float]
    sources: dict[str, int]  # distinct words each source brought

    @classmethod
    def build(cls, sources: dict[str, Counter]) -> Language:
        merged: dict[str, float] = {}
        for name, counts in sources.items():
            for word, weight in _scaled(counts, SOURCE_SHARES[name]).items():
                merged[word] = merged.get(word, 0.0) + weight
        ranked = sorted(merged, key=lambda word: (-merged[word], word))
        weights = (1.0 / (rank + ZIPF_SHIFT) for rank in range(len(ranked)))
        return cls(ranked, list(accumulate(weights)), {n: len(c) for n, c in sources.items()})

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.ranked, cum_weights=self.cumulative, k=count)


@dataclass
class Corpus:
    """The Zipf vocabulary, titles' labels and query words of each language."""

    languages: dict[str, Language] = field(default_factory=dict)
    # Words of QUERY_WORD_LETTERS letters or more, most frequent first.
    words: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: list[dict]) -> Corpus:
        from vocabulary.facets import COUNTRIES
        from vocabulary.models import Term

        corpus = cls()
        for term in Term.objects.exclude(facet=COUNTRIES):
            for lang in ("en", "fr", "de"):
                corpus.labels.setdefault(lang, []).append(term.label_in(lang))
        demo: dict[str, Counter] = {lang: Counter() for lang in corpus.labels}
        for entry in entries:
            names = ("title", "summary", "body", "context", "what_worked", "outcomes")
            for name in names:
                demo[entry["language"]].update(_words(_markdown_plain(entry.get(name) or "")))
        for lang, labels in corpus.labels.items():
            language = Language.build(
                {
                    "demo": demo[lang],
                    "labels": Counter(word for label in labels for word in _words(label)),
                    "general": catalogue_counts(lang),
                }
            )
            corpus.languages[lang] = language
            corpus.words[lang] = [w for w in language.ranked if len(w) >= QUERY_WORD_LETTERS]
        return corpus

    def query_word(self, rng: random.Random, lang: str) -> str:
        """A word as readers search for one: drawn like the text's words, long enough to
        say something."""
        while True:
            (word,) = self.languages[lang].draw(rng, 1)
            if len(word) >= QUERY_WORD_LETTERS:
                return word

    def _sentence(self, rng: random.Random, lang: str) -> str:
        words = self.languages[lang].draw(rng, rng.randint(6, 22))
        return " ".join(words).capitalize() + "."

    def title(self, rng: random.Random, lang: str) -> str:
        words = " ".join(self.languages[lang].draw(rng, rng.randint(3, 8)))
        return f"{rng.choice(self.labels[lang])}: {words}"[:250]

    def paragraph(self, rng: random.Random, lang: str, sentences: int) -> str:
        """Sentences of Zipf-drawn words, one of them naming a vocabulary concept."""
        chosen = [self._sentence(rng, lang) for _ in range(sentences)]
        position = rng.randrange(len(chosen))
        chosen[position] = f"{chosen[position]} ({rng.choice(self.labels[lang]).lower()})"
        return " ".join(chosen)

    def description(self) -> str:
        """Where the words came from, for the report."""
        return "; ".join(
            f"{lang}: {len(language.ranked):,} words ("
            + ", ".join(f"{name} {count:,}" for name, count in language.sources.items())
            + ")"
            for lang, language in self.languages.items()
        )
