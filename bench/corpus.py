"""Text for generated entries: sentences, titles, words and vocabulary labels of each
language, recombined from the demo entries."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _markdown_plain(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return re.sub(r"[*_#>`]+", "", text)


@dataclass
class Corpus:
    """Sentences, titles and words of each language, from the demo entries."""

    sentences: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, list[str]] = field(default_factory=dict)
    words: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: list[dict]) -> Corpus:
        from vocabulary.facets import COUNTRIES
        from vocabulary.models import Term

        corpus = cls()
        for entry in entries:
            lang = entry["language"]
            corpus.titles.setdefault(lang, []).append(entry["title"])
            texts = [entry["summary"], entry.get("body", "")]
            texts += [entry.get(name, "") for name in ("context", "what_worked", "outcomes")]
            for text in texts:
                for line in _markdown_plain(text).splitlines():
                    for sentence in _SENTENCE.split(line.strip(" -")):
                        if len(sentence.split()) >= 5:
                            corpus.sentences.setdefault(lang, []).append(sentence.strip())
        for lang, sentences in corpus.sentences.items():
            corpus.words[lang] = sorted(
                {word for s in sentences for word in re.findall(r"\w{5,}", s.casefold())}
            )
        for term in Term.objects.exclude(facet=COUNTRIES):
            for lang in ("en", "fr", "de"):
                corpus.labels.setdefault(lang, []).append(term.label_in(lang))
        return corpus

    def title(self, rng: random.Random, lang: str) -> str:
        words = rng.choice(self.titles[lang]).split()
        # Swap two words for others of the language, and name a vocabulary concept.
        for _ in range(2):
            words[rng.randrange(len(words))] = rng.choice(self.words[lang])
        return f"{rng.choice(self.labels[lang])}: {' '.join(words)}"[:250]

    def paragraph(self, rng: random.Random, lang: str, sentences: int) -> str:
        chosen = [rng.choice(self.sentences[lang]) for _ in range(sentences)]
        position = rng.randrange(len(chosen))
        chosen[position] = f"{chosen[position]} ({rng.choice(self.labels[lang]).lower()})"
        return " ".join(chosen)
