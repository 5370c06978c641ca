"""The query mix of the latency runs: every request a different query, in fixed shares of
kinds, as portal requests and as the engine requests the portal sends for them."""

from __future__ import annotations

import json
import random
from urllib.parse import urlencode

from corpus import Corpus
from load_generation import Request

# The query mix: kinds of query and their shares. Every measured request is a different
# query (see query_mix), so that neither the engine's caches nor the portal's answer
# from memory what they computed for an earlier request.
KIND_SHARES = (
    ("text", 3),
    ("question", 2),
    ("text+2 facets", 2),
    ("facets only", 2),
    ("typo", 2),
    ("0-result", 1),
)
QUERY_EXAMPLES: list[tuple[str, dict]] = [
    ("text", {"q": "online counselling"}),
    ("text", {"q": "accompagnement de sortie en ligne"}),
    ("question", {"q": "what should a ministry fund to stop teenagers being radicalised online"}),
    ("text+2 facets", {"q": "anonymous chat", "formats": ["chat", "video"], "language": ["en"]}),
    ("facets only", {"formats": ["chat", "video"], "target_groups": ["leavers"]}),
    ("typo", {"q": "conselling anonymus"}),
    ("0-result", {"q": "xylophone quasar"}),
]
# Questions as practitioners and policymakers type them: a vocabulary label and three
# words of the language in a frame of question words.
QUESTION_FRAMES = {
    "en": (
        "how can {0} help people with {1} when {2} and {3} are a problem?",
        "what should we do about {1} in {0} if the {2} has no {3}",
    ),
    "fr": (
        "comment le {0} peut-il aider avec {1} quand {2} et {3} posent problème ?",
        "que faire pour {1} dans {0} si la {2} n'a pas de {3}",
    ),
    "de": (
        "Wie kann {0} bei {1} helfen, wenn {2} und {3} ein Problem sind?",
        "Was tun bei {1} in der {0}, wenn die {2} keine {3} hat?",
    ),
}
# The facets the mix selects values of.
FACETED = ("domains", "formats", "approaches", "target_groups", "ideologies", "platforms")


def query_mix(corpus: Corpus, rng: random.Random, total: int) -> list[tuple[str, dict]]:
    """`total` different queries in the shares of KIND_SHARES: words and vocabulary labels
    of the demo entries in their languages, facet values of the vocabulary, typos made by
    dropping or swapping letters, and words that exist nowhere."""
    from vocabulary.models import Term

    values: dict[str, list[str]] = {}
    for facet, slug in Term.objects.filter(facet__in=FACETED).values_list("facet", "slug"):
        values.setdefault(facet, []).append(slug)

    def language() -> str:
        return rng.choices(("en", "fr", "de"), weights=(2, 1, 1))[0]

    def words(lang: str) -> str:
        if rng.random() < 0.5:
            return f"{rng.choice(corpus.labels[lang])} {rng.choice(corpus.words[lang])}".lower()
        return " ".join(rng.sample(corpus.words[lang], 2))

    def selections(count: int) -> dict:
        chosen = {}
        for facet in rng.sample(sorted(values), count):
            chosen[facet] = sorted(rng.sample(values[facet], min(len(values[facet]), 2)))
        return chosen

    def typo(word: str) -> str:
        at = rng.randrange(1, len(word) - 2)
        if rng.random() < 0.5:
            return word[:at] + word[at + 1 :]
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]

    def question(lang: str) -> str:
        label = rng.choice(corpus.labels[lang]).lower()
        first, second, third = rng.sample(corpus.words[lang], 3)
        return rng.choice(QUESTION_FRAMES[lang]).format(label, first, second, third)

    def nonsense() -> str:
        return "".join(rng.choice("bcdfghjklmnpqvwxz") + rng.choice("aeiouy") for _ in range(4))

    make = {
        "text": lambda: {"q": words(language())},
        "question": lambda: {"q": question(language())},
        "text+2 facets": lambda: {"q": rng.choice(corpus.words[language()]), **selections(2)},
        "facets only": lambda: selections(rng.choice((2, 3))),
        "typo": lambda: {
            "q": " ".join(
                typo(word) for word in rng.sample(corpus.words[language()], rng.choice((1, 2)))
            )
        },
        "0-result": lambda: {"q": f"{nonsense()} {nonsense()}"},
    }
    kinds = [kind for kind, share in KIND_SHARES for _ in range(share)]
    seen: set[str] = set()
    mix: list[tuple[str, dict]] = []
    while len(mix) < total:
        kind = kinds[len(mix) % len(kinds)]
        params = make[kind]()
        key = urlencode(params, doseq=True)
        if key not in seen:
            seen.add(key)
            mix.append((kind, params))
    return mix


def mix_requests(mix: list[tuple[str, dict]]) -> tuple[list[Request], list[Request]]:
    """The mix as portal requests and as the engine requests the portal sends for them."""
    from entries.visibility import ANONYMOUS
    from search.builders import did_you_mean_body, search_bodies
    from search.client import alias_name
    from search.query import search_query_from_params

    index = f"/{alias_name()}"
    portal, engine = [], []
    for kind, params in mix:
        portal.append(Request(kind, "GET", "/api/v1/search/?" + urlencode(params, doseq=True)))
        query = search_query_from_params(
            {k: v if isinstance(v, list) else [v] for k, v in params.items()}
        )
        lines = "".join(f"{{}}\n{json.dumps(body)}\n" for body in search_bodies(ANONYMOUS, query))
        bodies = [(f"{index}/_msearch", lines.encode())]
        if kind == "0-result":
            bodies.append(
                (f"{index}/_search", json.dumps(did_you_mean_body(ANONYMOUS, query)).encode())
            )
        engine.append(Request(kind, "POST", f"{index}/_msearch", bodies))
    return portal, engine
