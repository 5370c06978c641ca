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


def typo(word: str, rng: random.Random) -> str:
    """The word with a typo past its first letter: a letter dropped, or two swapped."""
    at = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def query_mix(corpus: Corpus, rng: random.Random, total: int) -> list[tuple[str, dict]]:
    """`total` different queries in the shares of KIND_SHARES: words of the corpus drawn as
    its text draws them (bench/corpus.py) and vocabulary labels, in their languages; facet
    values of the vocabulary; typos made by dropping or swapping letters; and words that
    exist nowhere."""
    from vocabulary.models import Term

    values: dict[str, list[str]] = {}
    for facet, slug in Term.objects.filter(facet__in=FACETED).values_list("facet", "slug"):
        values.setdefault(facet, []).append(slug)

    def language() -> str:
        return rng.choices(("en", "fr", "de"), weights=(2, 1, 1))[0]

    def distinct_words(lang: str, count: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < count:
            word = corpus.query_word(rng, lang)
            if word not in chosen:
                chosen.append(word)
        return chosen

    def words(lang: str) -> str:
        if rng.random() < 0.5:
            return f"{rng.choice(corpus.labels[lang])} {corpus.query_word(rng, lang)}".lower()
        return " ".join(distinct_words(lang, 2))

    def selections(count: int) -> dict:
        chosen = {}
        for facet in rng.sample(sorted(values), count):
            chosen[facet] = sorted(rng.sample(values[facet], min(len(values[facet]), 2)))
        return chosen

    def question(lang: str) -> str:
        label = rng.choice(corpus.labels[lang]).lower()
        first, second, third = distinct_words(lang, 3)
        return rng.choice(QUESTION_FRAMES[lang]).format(label, first, second, third)

    def nonsense() -> str:
        return "".join(rng.choice("bcdfghjklmnpqvwxz") + rng.choice("aeiouy") for _ in range(4))

    make = {
        "text": lambda: {"q": words(language())},
        "question": lambda: {"q": question(language())},
        "text+2 facets": lambda: {"q": corpus.query_word(rng, language()), **selections(2)},
        "facets only": lambda: selections(rng.choice((2, 3))),
        "typo": lambda: {
            "q": " ".join(
                typo(word, rng) for word in distinct_words(language(), rng.choice((1, 2)))
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


def query_of(params: dict):
    """The portal's SearchQuery for the parameters of an API request."""
    from search.query import search_query_from_params

    return search_query_from_params(
        {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    )


def engine_bodies(kind: str, params: dict) -> list[tuple[str, bytes]]:
    """The requests the portal's search API sends the engine for these parameters, as it
    builds them (search/backends/engine.py): the informative words, the language factors,
    hits and counts in one _msearch; for a query that finds nothing, the did-you-mean
    body too."""
    import dataclasses

    from entries.visibility import ANONYMOUS
    from search.builders import did_you_mean_body, search_bodies
    from search.client import alias_name
    from search.languages import language_boosts
    from search.matching import Vocabulary
    from search.query import text_bounded

    index = f"/{alias_name()}"
    query = query_of(params)
    bounded = text_bounded(query.text, Vocabulary.load().words)
    asked = dataclasses.replace(query, text=bounded) if bounded != query.text else query
    bodies = search_bodies(ANONYMOUS, asked, boosts=language_boosts(query.text))
    lines = "".join(f"{{}}\n{json.dumps(body)}\n" for body in bodies)
    requests = [(f"{index}/_msearch", lines.encode())]
    if kind == "0-result":
        did_you_mean = did_you_mean_body(ANONYMOUS, asked)
        requests.append((f"{index}/_search", json.dumps(did_you_mean).encode()))
    return requests


def mix_requests(mix: list[tuple[str, dict]]) -> tuple[list[Request], list[Request]]:
    """The mix as portal requests and as the engine requests the portal sends for them."""
    portal, engine = [], []
    for kind, params in mix:
        portal.append(Request(kind, "GET", "/api/v1/search/?" + urlencode(params, doseq=True)))
        bodies = engine_bodies(kind, params)
        engine.append(Request(kind, "POST", bodies[0][0], bodies))
    return portal, engine
