"""The entries index: analysis and mappings.

One document per entry, analysed with indexing speed in mind: each piece of text is analysed
once in its own language, and all but the body once more folded (the title once more, for
autocomplete).

- An entry has one language, so its text goes to the fields of that language only
  (`title_fr`, ...: stemming, elision, accent folding). Those fields, except the body,
  copy their text to `text`, one shared folded (unstemmed) field that matches across
  languages and carries the typo tolerance, the phrase matches and the "did you mean"
  suggestions. Text in a language without analyzers here goes to `text` alone.
- A German entry's compounds are also indexed as their parts (`parts_de`), searched
  with the German fields: "Daten" finds "Datenschutzkonzept".
- The entry's terms are keyword fields (one per facet, holding term ids); the names of those
  terms, in every language and with their synonyms, are indexed once in `terms`, so that a
  French query finds an English entry through its vocabulary. So are the names a result
  card gives its kind, verdict, evaluation and status ("Lesson learned", "Pilot").
- Vocabulary synonyms are applied at query time only (search analyzers of the language
  fields and of `terms`), so changing them needs a rebuild but never a re-analysis of
  stored text. Multi-word synonyms match as all their words, not as phrases, so those
  fields keep no positions; only the folded fields, which phrases run on, do.
- Every facet value is also in `facets` as "facet:value", so that one aggregation counts
  every facet nobody selected (search/facets.py).
"""

from __future__ import annotations

from django.utils import timezone

from search.client import alias_name
from search.compounds import COMPOUND_LANGUAGE
from search.fields import FIELD_WEIGHTS, TEXT_FIELDS
from search.words import BRITISH_TO_AMERICAN, COGNATE_SPELLINGS, STOP_WORDS
from vocabulary.facets import COUNTRIES, FACET_NAMES
from vocabulary.models import Term

# The languages analysed in their own fields: those the analyzers below are written for
# (the interface's languages today, settings.LANGUAGES, but a language of the interface
# needs its analyzer written here before it joins this list).
LANGUAGES = ("en", "fr", "de")
# The folded copy of every text field, shared by all languages.
SHARED_FIELD = "text"
# The text fields copied to SHARED_FIELD. Not the body: it is most of an entry's words,
# and folding it a second time would cost a third of the indexing time and make every
# typo-tolerant search walk its words; the body is matched in its language.
COPIED_FIELDS = ("title", "summary", "details")
# Every word of the entry's text, body included, folded, written one way where German and
# French or English spell a sound apart (search.words.COGNATE_SPELLINGS) and cut to its
# first NEUTRAL_LENGTH letters, function words of every language left out: where a word
# meets its inflections and its cognates in the other languages (Profilen, profils,
# profiles: "profi"; Kontakt, contact: "konta").
NEUTRAL_FIELD = "neutral"
# The same of the title alone, weighted as a title: a cognate in a title says as much as
# the word in the title's own language.
NEUTRAL_TITLE_FIELD = "neutral_title"
NEUTRAL_LENGTH = 5
# The parts of the compounds of a German entry's text (search/compounds.py), analysed as
# German: "Daten" finds the entry saying "Datenschutzkonzept", and so does "data",
# translated. Not copied to the neutral field: the stems of parts there raised German
# entries in every query sharing a part's first letters (bench/results/relevance.md).
PARTS_FIELD = f"parts_{COMPOUND_LANGUAGE}"
# Every facet value of the entry, as "facet:value".
FACETS_FIELD = "facets"
# A digest of the rest of the document (search/drift.py): what the database says of the entry,
# read back to find documents that drifted from it.
DIGEST_FIELD = "digest"
# The entry's translation group (entries.translations.translation_group_name): searches that
# show each group once collapse on it and count its distinct values.
GROUP_FIELD = "group"
# Whether the entry's translation group may hold another version (it is a translation, or
# the original of one): counting groups then needs distinct group names among these only,
# the other entries being their group's one version (search/facets.py).
SHARED_GROUP_FIELD = "group_shared"
# The English analyzer's filters that write British spellings the American way.
ENGLISH_SPELLING_FILTERS = [f"english_spelling_{at}" for at in range(len(BRITISH_TO_AMERICAN))]
# The neutral analyzer's filters that write a cognate's sounds one way.
COGNATE_FILTERS = [f"cognate_spelling_{at}" for at in range(len(COGNATE_SPELLINGS))]

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
        if term.facet != COUNTRIES:
            names.append(term.slug.replace("-", " "))
        unique = sorted({_synonym_name(name).casefold() for name in names if len(name) > 1})
        if len(unique) > 1:
            rules.append(", ".join(unique))
    return rules


# The filter of the search analyzers that holds the vocabulary's synonyms.
SYNONYM_FILTER = "vocabulary_synonyms"


def synonym_filter(rules: list[str]) -> dict:
    return {"type": "synonym_graph", "synonyms": rules, "lenient": True}


def _chain(*filters: str, synonyms: bool, before_stop: int) -> list[str]:
    """Filters with the synonym filter inserted before stop words and stemming, so that
    rules are matched on folded words and multi-word synonyms keep their stop words."""
    chain = list(filters)
    if synonyms:
        chain.insert(before_stop, SYNONYM_FILTER)
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
        # Term names come in three languages: folded, plurals reduced, nothing stemmed
        # harder than that (a stemmer of one language mangles the other two).
        f"names{suffix}": {
            "tokenizer": "standard",
            "filter": _chain(
                "french_elision",
                "lowercase",
                "asciifolding",
                "plural_stemmer",
                synonyms=synonyms,
                before_stop=3,
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
                *ENGLISH_SPELLING_FILTERS,
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
                "german_feminine",
                "german_stemmer",
                synonyms=synonyms,
                before_stop=4,
            ),
        },
    }


def _neutral_analyzer() -> dict:
    return {
        "tokenizer": "standard",
        "filter": [
            "french_elision",
            "lowercase",
            "german_normalization",
            "asciifolding",
            "function_words",
            *COGNATE_FILTERS,
            "neutral_length",
        ],
    }


def _pattern_filters(names: list[str], rules: tuple[tuple[str, str], ...]) -> dict[str, dict]:
    return {
        name: {"type": "pattern_replace", "pattern": pattern, "replacement": replaced}
        for name, (pattern, replaced) in zip(names, rules, strict=True)
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
                # One spelling of English: the stemmer keeps "organised" and "organized"
                # apart.
                **_pattern_filters(ENGLISH_SPELLING_FILTERS, BRITISH_TO_AMERICAN),
                "french_stop": {"type": "stop", "stopwords": "_french_"},
                "french_stemmer": {"type": "stemmer", "language": "light_french"},
                "german_stop": {"type": "stop", "stopwords": "_german_"},
                "german_stemmer": {"type": "stemmer", "language": "light_german"},
                # "Beraterin", "Berater:innen", "BeraterInnen" are "Berater" to a reader;
                # the stemmer knows only the masculine form. A look-behind at the end of
                # the word: no group to backtrack through in the words it leaves alone.
                "german_feminine": {
                    "type": "pattern_replace",
                    "pattern": "(?<=\\w\\w(?:er|ist|ent|ant|eur|or))[:_]?in(?:nen)?$",
                    "replacement": "",
                },
                SYNONYM_FILTER: synonym_filter(rules),
                "plural_stemmer": {"type": "stemmer", "language": "minimal_english"},
                "function_words": {"type": "stop", "stopwords": sorted(STOP_WORDS)},
                "neutral_length": {"type": "truncate", "length": NEUTRAL_LENGTH},
                # One spelling of the sounds German and French or English write apart
                # (Kontakt, contact): cognates meet in the neutral fields.
                **_pattern_filters(COGNATE_FILTERS, COGNATE_SPELLINGS),
            },
            "analyzer": {
                NEUTRAL_FIELD: _neutral_analyzer(),
                **_language_analyzers(synonyms=False),
                **_language_analyzers(synonyms=True),
            },
        },
    }


def _text(analyzer: str, *, synonyms: bool = True, positions: bool = True, **extra) -> dict:
    mapping = {
        "type": "text",
        "analyzer": analyzer,
        "search_analyzer": f"{analyzer}_search" if synonyms else analyzer,
        **extra,
    }
    if not positions:
        # Indexing positions costs time; only phrase queries read them.
        mapping["index_options"] = "freqs"
    return mapping


def language_text_fields(language: str) -> list[str]:
    """The fields of an entry's text in `language`, weighted, as queries name them: the
    parts of compounds beside the text of the language that has them."""
    fields = [f"{name}_{language}^{FIELD_WEIGHTS[name]}" for name in TEXT_FIELDS]
    if language == COMPOUND_LANGUAGE:
        fields.append(f"{PARTS_FIELD}^{FIELD_WEIGHTS['parts']}")
    return fields


def facet_value_key(facet: str, value: str) -> str:
    """How a facet value is written in FACETS_FIELD."""
    return f"{facet}:{value}"


def facet_value_from_key(key: str) -> tuple[str, str]:
    """(facet, value) of a FACETS_FIELD value: facet names hold no colon."""
    facet, _, value = key.partition(":")
    return facet, value


# Keyword fields that every search aggregates: their global ordinals are built when a
# segment is refreshed, not by the first search that follows.
def _facet_keyword() -> dict:
    return {"type": "keyword", "eager_global_ordinals": True}


def index_mappings() -> dict:
    properties: dict[str, dict] = {
        "page_id": {"type": "integer"},
        "id": {"type": "keyword"},
        "visibility": {"type": "keyword"},
        "published": {"type": "date"},
        "started": {"type": "short"},
        "ended": {"type": "short"},
        # Every facet of the registry, each a keyword field of its name.
        **{name: _facet_keyword() for name in FACET_NAMES},
        FACETS_FIELD: {
            **_facet_keyword(),
            # The same values as words, each whole: a search that names a concept weighs the
            # entries filed under it by the concept's rarity (a keyword matches at a
            # constant score).
            "fields": {
                "scored": {
                    "type": "text",
                    "analyzer": "keyword",
                    "norms": False,
                    "index_options": "docs",
                }
            },
        },
        GROUP_FIELD: _facet_keyword(),
        SHARED_GROUP_FIELD: {"type": "boolean"},
        DIGEST_FIELD: {"type": "keyword", "index": False, "doc_values": False},
        # Short texts, searched as they are (folded), each with its own weight.
        "organisation_name": _text("folded", positions=False, copy_to=SHARED_FIELD),
        "tags": _text("folded", positions=False, copy_to=[SHARED_FIELD, NEUTRAL_FIELD]),
        # Every name of the entry's terms (labels in each language, synonyms), analysed
        # once.
        "terms": _text("names", synonyms=False, positions=False),
        # All of the entry's own text, folded: cross-language matches, typo tolerance,
        # phrases and did-you-mean. Filled by copy_to; not in _source.
        SHARED_FIELD: _text("folded", synonyms=False),
        NEUTRAL_FIELD: _text(NEUTRAL_FIELD, synonyms=False, positions=False),
        NEUTRAL_TITLE_FIELD: _text(NEUTRAL_FIELD, synonyms=False, positions=False),
        # The title folded, once: autocomplete (the last word as a prefix), and the title's
        # weight in typo-tolerant and phrase matches. A search_as_you_type field would
        # analyse the title four times (shingles, edge n-grams), a third of indexing time.
        "title_complete": _text("folded", synonyms=False),
    }
    for field in TEXT_FIELDS:
        for lang in LANGUAGES:
            copied = [SHARED_FIELD] if field in COPIED_FIELDS else []
            neutral = [NEUTRAL_FIELD, NEUTRAL_TITLE_FIELD] if field == "title" else [NEUTRAL_FIELD]
            copy = {"copy_to": [*copied, *neutral]}
            properties[f"{field}_{lang}"] = _text(lang, positions=False, **copy)
    properties[PARTS_FIELD] = _text(COMPOUND_LANGUAGE, positions=False)
    return {
        "dynamic": "false",
        # Stored for display and highlighting only; `title` and `summary` (shown on result
        # cards) are kept in _source unindexed, `url` too.
        "properties": properties,
    }


def index_body(rules: list[str] | None = None) -> dict:
    return {
        "settings": index_settings(synonym_rules() if rules is None else rules),
        "mappings": index_mappings(),
    }


def new_index_name() -> str:
    """A fresh concrete index behind the alias, so a rebuild never empties the live one."""
    return f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S%f}"
