"""The entries index: analysis and mappings.

One document per entry. An entry has one language, so its text goes to the fields of that
language (`title_fr`, ...: stemming, elision, accent folding) and to shared folded fields
(`title`, ...) that match across languages and carry the typo tolerance. The labels of an
entry's terms go in every language (`terms`), so a French query finds an English entry
through its vocabulary. Vocabulary synonyms are applied at query time only (search
analyzers), so changing them needs a rebuild but never a re-analysis of stored text.
"""

from __future__ import annotations

from django.utils import timezone

from search.client import alias_name
from vocabulary.models import Facet, Term

LANGUAGES = ("en", "fr", "de")
# Text of the entry itself, in its own language; `details` gathers the lesson fields.
TEXT_FIELDS = ("title", "summary", "body", "details")

TERM_FACETS = [facet.value for facet in Facet]
# Every facet of the public contract, each a keyword field of the same name.
FACET_FIELDS = [
    *TERM_FACETS,
    "organisation",
    "kind",
    "language",
    "assessment",
    "evaluation",
    "status",
]

FRENCH_ARTICLES = [
    "l",
    "m",
    "t",
    "qu",
    "n",
    "s",
    "j",
    "d",
    "c",
    "jusqu",
    "quoiqu",
    "lorsqu",
    "puisqu",
]


def _synonym_name(name: str) -> str:
    # Commas and arrows are the rule syntax of the synonym filter.
    return " ".join(name.replace(",", " ").replace("=>", " ").split())


def synonym_rules(terms: list[Term] | None = None) -> list[str]:
    """One equivalence rule per term: its labels in every language and its synonyms.

    Country codes are left out: as words they are "de", "at", "it".
    """
    rules = []
    for term in terms if terms is not None else Term.objects.all():
        names = [term.label_en, term.label_fr, term.label_de, *term.synonym_list]
        if term.facet != Facet.COUNTRIES:
            names.append(term.slug.replace("-", " "))
        unique = sorted({_synonym_name(name).casefold() for name in names if len(name) > 1})
        if len(unique) > 1:
            rules.append(", ".join(unique))
    return rules


def _chain(*filters: str, synonyms: bool, before_stop: int) -> list[str]:
    """Filters with the synonym filter inserted before stop words and stemming, so that
    rules are matched on folded words and multi-word synonyms keep their stop words."""
    chain = list(filters)
    if synonyms:
        chain.insert(before_stop, "vocabulary_synonyms")
    return chain


def _language_analyzers(synonyms: bool) -> dict[str, dict]:
    suffix = "_search" if synonyms else ""
    return {
        f"folded{suffix}": {
            "tokenizer": "standard",
            "filter": _chain(
                "french_elision", "lowercase", "asciifolding", synonyms=synonyms, before_stop=3
            ),
        },
        f"en{suffix}": {
            "tokenizer": "standard",
            "filter": _chain(
                "english_possessive",
                "french_elision",
                "lowercase",
                "asciifolding",
                "english_stop",
                "english_stemmer",
                synonyms=synonyms,
                before_stop=4,
            ),
        },
        f"fr{suffix}": {
            "tokenizer": "standard",
            "filter": _chain(
                "french_elision",
                "lowercase",
                "asciifolding",
                "french_stop",
                "french_stemmer",
                synonyms=synonyms,
                before_stop=3,
            ),
        },
        f"de{suffix}": {
            "tokenizer": "standard",
            "filter": _chain(
                "french_elision",
                "lowercase",
                "german_normalization",
                "asciifolding",
                "german_stop",
                "german_stemmer",
                synonyms=synonyms,
                before_stop=4,
            ),
        },
    }


def index_settings(rules: list[str]) -> dict:
    return {
        "number_of_shards": 1,
        # One replica as soon as a second node is there; a single dev node stays green.
        "auto_expand_replicas": "0-1",
        "analysis": {
            "filter": {
                "french_elision": {
                    "type": "elision",
                    "articles_case": True,
                    "articles": FRENCH_ARTICLES,
                },
                "english_possessive": {"type": "stemmer", "language": "possessive_english"},
                "english_stop": {"type": "stop", "stopwords": "_english_"},
                "english_stemmer": {"type": "stemmer", "language": "english"},
                "french_stop": {"type": "stop", "stopwords": "_french_"},
                "french_stemmer": {"type": "stemmer", "language": "light_french"},
                "german_stop": {"type": "stop", "stopwords": "_german_"},
                "german_stemmer": {"type": "stemmer", "language": "light_german"},
                "vocabulary_synonyms": {
                    "type": "synonym_graph",
                    "synonyms": rules,
                    "lenient": True,
                },
                "suggest_shingles": {
                    "type": "shingle",
                    "min_shingle_size": 2,
                    "max_shingle_size": 3,
                },
            },
            "analyzer": {
                **_language_analyzers(synonyms=False),
                **_language_analyzers(synonyms=True),
                "suggest": {
                    "tokenizer": "standard",
                    "filter": ["lowercase", "asciifolding", "suggest_shingles"],
                },
            },
        },
    }


def _text(analyzer: str, *, synonyms: bool = True, **extra) -> dict:
    return {
        "type": "text",
        "analyzer": analyzer,
        "search_analyzer": f"{analyzer}_search" if synonyms else analyzer,
        **extra,
    }


def index_mappings() -> dict:
    properties: dict[str, dict] = {
        "page_id": {"type": "integer"},
        "id": {"type": "keyword"},
        "url": {"type": "keyword", "index": False},
        "visibility": {"type": "keyword"},
        "published": {"type": "date"},
        "started": {"type": "short"},
        "ended": {"type": "short"},
        **{name: {"type": "keyword"} for name in FACET_FIELDS},
        "organisation_name": _text("folded"),
        "tags": _text("folded"),
        # Labels and synonyms of the entry's terms, in every language. They hold every
        # name of the term already, so queries are not expanded here: expanding would
        # count one concept once per name and language.
        "terms": _text(
            "folded",
            synonyms=False,
            fields={lang: _text(lang, synonyms=False) for lang in LANGUAGES},
        ),
        "title_complete": {"type": "search_as_you_type", "analyzer": "folded"},
        "suggest": {"type": "text", "analyzer": "suggest"},
    }
    for field in TEXT_FIELDS:
        # Offsets make highlighting of long bodies cheap.
        properties[field] = _text("folded", index_options="offsets")
        for lang in LANGUAGES:
            properties[f"{field}_{lang}"] = _text(lang, index_options="offsets")
    return {"dynamic": "false", "properties": properties}


def index_body(rules: list[str] | None = None) -> dict:
    return {
        "settings": index_settings(synonym_rules() if rules is None else rules),
        "mappings": index_mappings(),
    }


def new_index_name() -> str:
    """A fresh concrete index behind the alias, so a rebuild never empties the live one."""
    return f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S%f}"
