"""Engine request bodies, built once with the Elasticsearch DSL and sent through whichever
client is configured: the faceted search, autocomplete and related entries.

Relevance: three kinds of evidence, summed.
- the words, stemmed in each language and expanded with vocabulary synonyms, over the
  entry's own text (language fields) and the names of its terms;
- the same words with typo tolerance, over the shared folded text, weighted lower;
- the words as a phrase over the shared folded text, weighted higher. A phrase only
  reorders the best matches (a rescore of the first PHRASE_WINDOW), so that its cost does
  not grow with the number of entries that merely contain the words.
Typo tolerance and phrases run on one field each, so their cost does not grow with the
number of languages.

Language: the words' score is multiplied by the factor of the entry's language
(search/languages.py: the query's and the reader's languages), a function_score.

Translation groups: the search page shows each group once. Its hits collapse on the group
field, and the versions of the page's groups are asked in a second request (versions_body)
for the page to show the reader's; the phrase boost is then a clause of the query rather
than a rescore (the engine refuses both together), which changes nothing but the cost as
long as a search finds fewer than PHRASE_WINDOW entries. Its counts count distinct groups
(search/facets.py).

A faceted search is two bodies sent in one request (_msearch): the page of hits, and the
counts. The hits need scores but not every match (the engine may skip entries that cannot
reach the page); the counts need every match but no scores, and an answer without hits
is one the engine keeps in its request cache until the index changes.
"""

from __future__ import annotations

from collections.abc import Collection

from elasticsearch.dsl import A, Q, Search
from elasticsearch.dsl.query import Query

from entries.visibility import Reader
from search.documents import (
    FACETS_FIELD,
    GROUP_FIELD,
    LANGUAGES,
    NEUTRAL_FIELD,
    NEUTRAL_TITLE_FIELD,
    SHARED_FIELD,
    facet_value_key,
    language_text_fields,
)
from search.facets import (
    counted_filter,
    cross_aggregations,
    facet_aggregations,
    selection_filters,
    visibility_filter,
    year_filters,
)
from search.fields import FIELD_TIE, FIELD_WEIGHTS, TEXT_FIELDS
from search.languages import languages_preferred
from search.matching import Vocabulary, informative_text
from search.query import SearchQuery
from search.translation import WordTranslations, query_translations, translation_queries
from search.words import fold
from vocabulary.facets import FACET_NAMES

PHRASE_BOOST = 2.0
# A word's best form counts whole, its other forms a little.
FORM_TIE = 0.2
# How many of the best matches a phrase match may reorder. Fixed, so that paging through
# results never reorders them.
PHRASE_WINDOW = 100
FUZZY_BOOST = 0.5
NEUTRAL_BOOST = 1.0
SYNONYM_BOOST = 0.25
CONCEPT_BOOST = 1.0
# How many of a query's words make it covered: up to three, all; from four, half.
COVERAGE = "3<50%"
COVERAGE_BOOST = 1.0
# The versions of one translation group a collapsed hit carries: more than any entry has.
MAX_VERSIONS = 20
# The inner hits of a collapsed hit.
VERSIONS = "versions"
SOURCE_FIELDS = [
    GROUP_FIELD,
    "page_id",
    "id",
    "organisation",
    "organisation_name",
    "kind",
    "language",
    "title",
    "summary",
    "url",
    "assessment",
    "published",
    "visibility",
]


def _language_fields(names: tuple[str, ...]) -> list[str]:
    return [f"{name}_{lang}^{FIELD_WEIGHTS[name]}" for name in names for lang in LANGUAGES]


def stemmed_fields() -> list[str]:
    return [
        *_language_fields(TEXT_FIELDS),
        f"terms^{FIELD_WEIGHTS['terms']}",
        f"organisation_name^{FIELD_WEIGHTS['organisation_name']}",
        f"tags^{FIELD_WEIGHTS['tags']}",
    ]


def _stemmed_query(text: str) -> Query:
    """The text stemmed in each language and expanded with the vocabulary's synonyms."""
    return Q(
        "multi_match",
        query=text,
        type="cross_fields",
        tie_breaker=FIELD_TIE,
        fields=stemmed_fields(),
        # A multi-word synonym ("exit programme") matches as all of its words: a phrase
        # query on every language field costs more than the rest of the search.
        auto_generate_synonyms_phrase_query=False,
    )


def folded_fields() -> list[str]:
    """The folded title (weighted like the title) and the shared folded text: two fields
    whatever the number of languages."""
    return [f"title_complete^{FIELD_WEIGHTS['title']}", SHARED_FIELD]


def concepts_query(text: str) -> list[Query]:
    """The entries filed under a vocabulary term the text names (a label in any language,
    a synonym): one clause per term, which the engine weighs by the term's rarity, so that
    a concept carried by most entries adds little and a rare one decides."""
    vocabulary = Vocabulary.load()
    return [
        Q(
            "term",
            **{
                f"{FACETS_FIELD}.scored": {
                    "value": facet_value_key(vocabulary.facet_of[term], vocabulary.slug_of[term]),
                    "boost": CONCEPT_BOOST,
                }
            },
        )
        for term in sorted(vocabulary.phrase_terms(fold(text)))
    ]


def _fuzzy_query(text: str) -> Query:
    """The text give or take a typo, in the folded text (title included) and the term
    names."""
    return Q(
        "multi_match",
        query=text,
        type="most_fields",
        # Not the title's own folded copy: a word rare among titles but common in the
        # collection scored there by its rarity among titles, times the title's weight,
        # and outvoted the rare words of a question. The term names too: a misspelt concept
        # ("anonymus") still finds the entries filed under it, in any language, and their
        # few words cost little.
        fields=[SHARED_FIELD, f"terms^{FIELD_WEIGHTS['terms']}"],
        # The analyzer without synonyms: fuzzy expansion of synonyms is noise.
        analyzer="folded",
        # One typo in words of 4 to 11 letters, two from 12: a second edit in
        # shorter words costs a third of a search and mostly finds other words.
        fuzziness="AUTO:4,12",
        # Typos past the first two letters, at most 10 spellings a word: the
        # expansion walks only words sharing that prefix.
        prefix_length=2,
        max_expansions=10,
        boost=FUZZY_BOOST,
    )


def _best_form(forms: list[Query]) -> Query:
    """The best of a word's forms, not their sum: a lemma the stemmer reduces as it does
    the word would count the word twice."""
    return forms[0] if len(forms) == 1 else Q("dis_max", queries=forms)


def _word_query(
    word: str, language: str, lemmas: tuple[str, ...] = (), corrected: str | None = None
) -> Query:
    """One word of the query, scored once: its best match among its forms (stemmed in each
    language, in the term names, give or take a typo, cut to its language-neutral stem),
    each weighed by the word's rarity. Summing fields instead let a common word found in
    six fields outvote the one rare word that says what the query is about.

    In a language's fields the word is weighed by its rarity in that language's whole text
    (cross_fields), not in each field: a word in most French bodies but one French title
    ("intervenants") scored by its rarity among titles, times the title's weight, and
    outvoted the rare word of a French question. The neutral stem in a title counts for
    entries in another `language` than the query's only: there it is how a cognate meets
    ("Profilen" in a French title), while in the query's own language the language's field
    matches the word itself and the stem only adds look-alikes ("inter" of "intervenants" in
    "Internet", "berat" of "Beratende" in every "Beratung"), weighed by their rarity among
    all titles of every language. The word's `lemmas` (an inflection's: s'épuisent,
    épuiser) count as the word in its language's fields, where the stemmer keeps the
    inflection apart ("épuisent" against "épuisée", "épuisement"). The vocabulary's word it
    is a typo of (`corrected`: anonymus, anonymous) counts as the word in every language's
    fields and in the term names, as on the database (search.matching.Vocabulary.correct):
    the fuzzy match weighs a typo at half a word and misses words of two typos."""
    typed = (word, corrected) if corrected else (word,)
    return Q(
        "dis_max",
        queries=[
            *(
                _best_form(
                    [
                        Q(
                            "multi_match",
                            query=form,
                            type="cross_fields",
                            fields=language_text_fields(lang),
                            # The language's analyzer without synonyms: concepts count once,
                            # below.
                            analyzer=lang,
                            tie_breaker=FIELD_TIE,
                        )
                        for form in (*typed, *(lemmas if lang == language else ()))
                    ]
                )
                for lang in LANGUAGES
            ),
            *(
                Q(
                    "match",
                    terms={"query": form, "analyzer": "names", "boost": FIELD_WEIGHTS["terms"]},
                )
                for form in typed
            ),
            Q(
                "multi_match",
                query=word,
                type="best_fields",
                fields=[f"{name}^{FIELD_WEIGHTS[name]}" for name in ("organisation_name", "tags")],
                analyzer="folded",
            ),
            _fuzzy_query(word),
            Q("match", **{NEUTRAL_FIELD: {"query": word, "boost": NEUTRAL_BOOST}}),
            Q(
                "bool",
                must=[
                    Q(
                        "match",
                        **{
                            NEUTRAL_TITLE_FIELD: {
                                "query": word,
                                "boost": NEUTRAL_BOOST * FIELD_WEIGHTS["title"],
                            }
                        },
                    )
                ],
                must_not=[Q("term", language=language)],
            ),
            # Bodies are folded only here: their typos too (one edit in the first letters;
            # later ones are cut off).
            Q(
                "match",
                **{
                    NEUTRAL_FIELD: {
                        "query": word,
                        "fuzziness": "AUTO:4,12",
                        "prefix_length": 1,
                        "max_expansions": 10,
                        "boost": FUZZY_BOOST,
                    }
                },
            ),
        ],
        tie_breaker=FORM_TIE,
    )


def text_query(
    text: str, language: str, translations: list[WordTranslations] | None = None
) -> Query:
    """What an entry must match, and its score: each informative word once (_word_query;
    `language`: the query's); the vocabulary's synonyms of the text in the entry's words,
    weighed lower, for they stand for words the author did not write; the concepts the text
    names; and the dictionaries' translations of its words (search/translation.py), lower
    still."""
    vocabulary = Vocabulary.load()
    # The synonyms and concepts of the words as the vocabulary spells them: a misspelt
    # concept ("Scuhanzeigen") still names its term.
    spelt = vocabulary.spelt(text)
    synonyms = _stemmed_query(spelt)
    synonyms.boost = SYNONYM_BOOST
    lemmas = {word.word: word.lemmas for word in translations or []}
    return Q(
        "bool",
        should=[
            *(
                _word_query(word, language, lemmas.get(word, ()), vocabulary.correct(fold(word)))
                for word in dict.fromkeys(text.split())
            ),
            # Entries that have most of the words gain: the words of a short query all, of a
            # longer one half. A bonus, not a condition: recall stays with any one word.
            Q(
                "match",
                **{
                    NEUTRAL_FIELD: {
                        "query": text,
                        "minimum_should_match": COVERAGE,
                        "boost": COVERAGE_BOOST,
                    }
                },
            ),
            synonyms,
            *concepts_query(spelt),
            *translation_queries(translations or []),
        ],
        minimum_should_match=1,
    )


def phrase_query(text: str) -> Query:
    return Q(
        "multi_match",
        query=text,
        type="phrase",
        slop=2,
        fields=folded_fields(),
        # Without synonyms: the phrases of every synonym combined would explode.
        analyzer="folded",
        boost=PHRASE_BOOST,
    )


def _scope(reader: Reader, query: SearchQuery) -> list[Query]:
    """Filters that apply to hits and to every count: who may see, the years, and the
    entries the query is narrowed to."""
    rule = visibility_filter(reader)
    only = [Q("terms", page_id=list(query.page_ids))] if query.page_ids is not None else []
    return [*([rule] if rule is not None else []), *year_filters(query), *only]


def _hit_filters(reader: Reader, query: SearchQuery) -> list[Query]:
    """Filters of the hits: the scope and every selection."""
    return _scope(reader, query) + selection_filters(query)


def _sort(query: SearchQuery) -> list:
    newest = {"published": {"order": "desc", "missing": "_last"}}
    tie = {"page_id": {"order": "desc"}}
    if query.sort == "newest":
        return [newest, "_score", tie]
    return ["_score", newest, tie]


def did_you_mean_body(reader: Reader, query: SearchQuery) -> dict:
    """A phrase suggestion, kept only when it finds something the caller may see with the
    same filters (else following it would find nothing again). Asked only when a search
    found nothing, so searches that find something do not pay for it."""
    collate = {"match": {SHARED_FIELD: {"query": "{{suggestion}}", "operator": "and"}}}
    scope = [rule.to_dict() for rule in _hit_filters(reader, query)]
    if scope:
        collate = {"bool": {"must": [collate], "filter": scope}}
    return {
        "size": 0,
        "suggest": {
            "text": query.text,
            "did_you_mean": {
                "phrase": {
                    # The shared folded text: every word of every entry, no extra field.
                    "field": SHARED_FIELD,
                    "size": 1,
                    "max_errors": 2,
                    "confidence": 1.0,
                    "direct_generator": [
                        {"field": SHARED_FIELD, "suggest_mode": "always", "min_word_length": 3}
                    ],
                    "collate": {"query": {"source": collate}, "prune": False},
                }
            },
        },
    }


def _matcher(query: SearchQuery) -> Query:
    if not query.text:
        return Q("match_all")
    # The query's language, else the reader's.
    language = languages_preferred(query.text)[0]
    return text_query(informative_text(query.text), language, query_translations(query.text))


def language_boosted(scored: Query, boosts: dict[str, float]) -> Query:
    """The query's score multiplied by the factor of the entry's language."""
    if not boosts:
        return scored
    return Q(
        "function_score",
        query=scored,
        functions=[
            {"filter": Q("term", language=language).to_dict(), "weight": weight}
            for language, weight in sorted(boosts.items())
        ],
        score_mode="multiply",
        boost_mode="multiply",
    )


def _collapsed(highlight: dict | None = None) -> dict:
    """Collapse on the translation group, its versions as inner hits (best first)."""
    versions: dict = {"name": VERSIONS, "size": MAX_VERSIONS, "_source": SOURCE_FIELDS}
    if highlight:
        versions["highlight"] = highlight
    return {"field": GROUP_FIELD, "inner_hits": versions}


def _highlight(text: str) -> dict:
    return {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "fragment_size": 160,
        "number_of_fragments": 2,
        # Highlight what the stemmed words and synonyms matched; highlighting the fuzzy
        # expansions too costs more than the search itself.
        "highlight_query": _stemmed_query(text).to_dict(),
        # The entry's text lives in the fields of its language only.
        "fields": {f"{base}_*": {} for base in TEXT_FIELDS},
    }


def hits_body(
    reader: Reader,
    query: SearchQuery,
    *,
    grouped: bool = False,
    boosts: dict[str, float] | None = None,
    matcher: Query | None = None,
    inner_versions: bool = False,
) -> dict:
    """One page of the entries that match the query and every selection, with highlights;
    `grouped`: one hit per translation group, whose versions versions_body asks for, or
    (`inner_versions`) the hits carry as inner hits, in the same request but at the cost of
    the whole query again for each hit; `matcher`: the query's _matcher, when the caller
    built it already. No total: the counts body gives it."""
    boosts = boosts or {}
    ranked = query.text and query.sort == "relevance"
    scored = matcher if matcher is not None else _matcher(query)
    if ranked and grouped:
        scored = Q("bool", must=[scored], should=[phrase_query(query.text)])
    search = Search().query(
        Q("bool", must=[language_boosted(scored, boosts)], filter=_hit_filters(reader, query))
    )
    search = search.source(SOURCE_FIELDS).extra(
        from_=query.offset, size=query.page_size, track_total_hits=False
    )
    if ranked and not grouped:
        # Sorted by score alone (ties in index order), as a rescore requires.
        search = search.extra(
            rescore={
                "window_size": PHRASE_WINDOW,
                "query": {
                    "rescore_query": language_boosted(phrase_query(query.text), boosts).to_dict()
                },
            }
        )
    elif not ranked:
        search = search.sort(*_sort(query))
    body = search.to_dict()
    highlight = _highlight(query.text) if query.text else None
    if grouped:
        body["collapse"] = _collapsed(highlight) if inner_versions else {"field": GROUP_FIELD}
    elif highlight:
        body["highlight"] = highlight
    return body


def versions_body(hits: dict, groups: list[str], text: str) -> dict:
    """The versions of these translation groups that the query of a grouped `hits` body
    matches, best first, with highlights: the versions of a page's collapsed hits. Asked
    after the hits, not as the collapse's inner hits: the engine ran the whole query again
    for each group's inner hits, half of a search page's time."""
    body = {
        "query": {"bool": {"must": [hits["query"]], "filter": [{"terms": {GROUP_FIELD: groups}}]}},
        "size": len(groups) * MAX_VERSIONS,
        "_source": SOURCE_FIELDS,
        "track_total_hits": False,
    }
    if text:
        body["highlight"] = _highlight(text)
    return body


def counts_body(
    reader: Reader, query: SearchQuery, *, grouped: bool = False, matcher: Query | None = None
) -> dict:
    """The number of hits and the counts of every facet (search/facets.py), over every
    entry that matches the query, unscored; `grouped`: of translation groups; `matcher`:
    the query's _matcher, when the caller built it already."""
    counted = counted_filter(query)
    matched = matcher if matcher is not None else _matcher(query)
    search = Search().query(
        Q("bool", filter=[matched, *_scope(reader, query), *([counted] if counted else [])])
    )
    return {
        **search.extra(size=0, track_total_hits=False).to_dict(),
        "aggs": _counts_aggregations(query, grouped=grouped),
    }


def _counts_aggregations(query: SearchQuery, *, grouped: bool) -> dict:
    return {
        name: aggregation.to_dict()
        for name, aggregation in facet_aggregations(query, grouped=grouped).items()
    }


def cross_counts_body(reader: Reader, query: SearchQuery, pairs: list[tuple[str, str]]) -> dict:
    """The cross counts of each pair of fields (search/facets.py) over the entries matching
    the query's text that the reader may see, unscored."""
    search = Search().query(Q("bool", filter=[_matcher(query), *_scope(reader, query)]))
    for name, aggregation in cross_aggregations(query, pairs).items():
        search.aggs[name] = aggregation
    return search.extra(size=0, track_total_hits=False).to_dict()


def figures_body(
    reader: Reader,
    query: SearchQuery,
    pairs: list[tuple[str, str]],
    facets: Collection[str] = FACET_NAMES,
) -> dict:
    """The grouped counts of counts_body (of `facets`) and the cross counts of
    cross_counts_body in one body: one pass over the entries matching the query's text that
    the reader may see and that some count includes."""
    counted = counted_filter(query, pairs)
    search = Search().query(
        Q(
            "bool",
            filter=[_matcher(query), *_scope(reader, query), *([counted] if counted else [])],
        )
    )
    aggregations = {
        **facet_aggregations(query, grouped=True, facets=facets),
        **cross_aggregations(query, pairs),
    }
    for name, aggregation in aggregations.items():
        search.aggs[name] = aggregation
    return search.extra(size=0, track_total_hits=False).to_dict()


def search_bodies(
    reader: Reader,
    query: SearchQuery,
    *,
    grouped: bool = False,
    boosts: dict[str, float] | None = None,
) -> list[dict]:
    """The one request of a faceted search (_msearch): hits, then counts. Both match the
    same words, whose query is built once: it is most of the work of building the bodies,
    itself about a third of the portal's own work per search. With nothing selected the
    hits and the counts cover the same entries, so the counts' aggregations ride on the hits
    body, alone in the request: the engine matches the words once (matching, not
    aggregating, is most of a count's time), and the words' query is turned into a dict
    once."""
    matcher = _matcher(query)
    hits = hits_body(reader, query, grouped=grouped, boosts=boosts, matcher=matcher)
    if selection_filters(query):
        return [hits, counts_body(reader, query, grouped=grouped, matcher=matcher)]
    return [{**hits, "aggs": _counts_aggregations(query, grouped=grouped)}]


# The aggregation of autocomplete_body that says which terms are in use.
TERMS_IN_USE = "terms_in_use"


def autocomplete_body(
    reader: Reader, prefix: str, size: int, term_keys: list[str] | None = None
) -> dict:
    """Titles that start with (or contain words starting with) what was typed; and which of
    the given terms (FACETS_FIELD keys) some entry the reader may see carries, whatever its
    title: a term no such entry uses is not suggested, or it would reveal hidden ones."""
    search = Search().query(
        Q(
            "bool",
            must=[
                Q(
                    "multi_match",
                    query=prefix,
                    type="bool_prefix",
                    fields=["title_complete"],
                )
            ],
            filter=_scope(reader, SearchQuery()),
        )
    )
    if term_keys:
        scope = _scope(reader, SearchQuery())
        visible = A("filter", filter=Q("bool", filter=scope) if scope else Q("match_all"))
        visible.bucket("terms", "terms", field=FACETS_FIELD, include=term_keys, size=len(term_keys))
        search.aggs.bucket(TERMS_IN_USE, "global").bucket("visible", visible)
    return search.source(["title", "url", "organisation", "id"]).extra(size=size).to_dict()


def related_body(reader: Reader, index: str, page_id: int, size: int, group: str) -> dict:
    """Entries like this one (more like this), among those the caller may see, one hit per
    translation group (its versions as inner hits), none of the entry's own group."""
    like = Q(
        "more_like_this",
        fields=[
            *(f"{name}_{lang}" for name in TEXT_FIELDS for lang in LANGUAGES),
            "terms",
        ],
        like=[{"_index": index, "_id": str(page_id)}],
        min_term_freq=1,
        min_doc_freq=1,
        max_query_terms=40,
        minimum_should_match="10%",
    )
    search = Search().query(
        Q(
            "bool",
            must=[like],
            filter=_scope(reader, SearchQuery()),
            must_not=[Q("term", page_id=page_id), Q("term", **{GROUP_FIELD: group})],
        )
    )
    return search.source(SOURCE_FIELDS).extra(size=size, collapse=_collapsed()).to_dict()
