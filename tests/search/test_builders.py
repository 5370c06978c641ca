"""The request bodies, compared with the dicts they must be: what the engine is asked
decides what the caller may see and how counts are computed."""

import pytest

from entries.visibility import ANONYMOUS, EVERYTHING, Reader
from search.builders import (
    MAX_VERSIONS,
    PHRASE_WINDOW,
    SYNONYM_BOOST,
    autocomplete_body,
    counts_body,
    did_you_mean_body,
    hits_body,
    phrase_query,
    related_body,
    search_bodies,
    text_query,
    versions_body,
)
from search.facets import FACET_SIZE, year_filters
from search.query import SearchQuery
from search.translation import query_translations

PUBLIC_ONLY = {"terms": {"visibility": ["public"]}}

# Bodies name the vocabulary concepts a query names: they read the vocabulary.
pytestmark = pytest.mark.usefixtures("portal_db")


def test_a_search_with_a_selection_is_one_request_of_hits_then_counts():
    query = SearchQuery(text="chat", filters={"formats": ("chat",)})
    assert search_bodies(ANONYMOUS, query) == [
        hits_body(ANONYMOUS, query),
        counts_body(ANONYMOUS, query),
    ]


def test_without_a_selection_the_hits_body_carries_the_counts():
    # The hits and the counts cover the same entries: the words are matched once.
    query = SearchQuery(text="chat")
    (body,) = search_bodies(ANONYMOUS, query)
    hits = hits_body(ANONYMOUS, query)
    assert {key: value for key, value in body.items() if key != "aggs"} == hits
    assert body["aggs"] == counts_body(ANONYMOUS, query)["aggs"]


def test_anonymous_scope_is_public_only_inside_both_queries():
    hits, counts = hits_body(ANONYMOUS, SearchQuery()), counts_body(ANONYMOUS, SearchQuery())
    assert hits["query"] == {"bool": {"must": [{"match_all": {}}], "filter": [PUBLIC_ONLY]}}
    assert counts["query"] == {"bool": {"filter": [{"match_all": {}}, PUBLIC_ONLY]}}
    assert "post_filter" not in hits


def test_member_of_an_organisation_also_sees_its_organisation_entries():
    reader = Reader(is_member=True, organisation_ids=frozenset({"beta", "alpha"}))
    rule = {
        "bool": {
            "should": [
                {"terms": {"visibility": ["public", "members"]}},
                {
                    "bool": {
                        "filter": [
                            {"term": {"visibility": "organisation"}},
                            {"terms": {"organisation": ["alpha", "beta"]}},
                        ]
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }
    hits, counts = hits_body(reader, SearchQuery()), counts_body(reader, SearchQuery())
    assert hits["query"]["bool"]["filter"] == [rule]
    assert counts["query"]["bool"]["filter"][1:] == [rule]


def test_everything_reader_has_no_visibility_filter():
    hits, counts = hits_body(EVERYTHING, SearchQuery()), counts_body(EVERYTHING, SearchQuery())
    assert hits["query"] == {"bool": {"must": [{"match_all": {}}]}}
    assert counts["query"] == {"bool": {"filter": [{"match_all": {}}]}}


def test_selections_filter_the_hits_and_the_other_facets_counts():
    query = SearchQuery(filters={"formats": ("chat", "video"), "countries": ("DE",)})
    hits, counts = search_bodies(ANONYMOUS, query)
    formats = {"terms": {"formats": ["chat", "video"]}}
    countries = {"terms": {"countries": ["DE"]}}
    assert hits["query"]["bool"]["filter"] == [PUBLIC_ONLY, formats, countries]
    # The counts query leaves the selections to the aggregations, and skips the entries
    # that no count includes: those missing the selections of two facets or more.
    assert counts["query"]["bool"]["filter"] == [
        {"match_all": {}},
        PUBLIC_ONLY,
        {
            "bool": {
                "should": [
                    {"bool": {"filter": [countries]}},
                    {"bool": {"filter": [formats]}},
                ],
                "minimum_should_match": 1,
            }
        },
    ]
    assert counts["aggs"] == {
        # Every facet nobody selected, over the entries matching every selection.
        "matching": {
            "filter": {"bool": {"filter": [formats, countries]}},
            "aggs": {"values": {"terms": {"field": "facets", "size": FACET_SIZE * 15}}},
        },
        # A selected facet, over the entries matching the other facets' selections.
        "formats": {
            "filter": {"bool": {"filter": [countries]}},
            "aggs": {"values": {"terms": {"field": "formats", "size": FACET_SIZE}}},
        },
        "countries": {
            "filter": {"bool": {"filter": [formats]}},
            "aggs": {"values": {"terms": {"field": "countries", "size": FACET_SIZE}}},
        },
    }


def test_without_selections_one_aggregation_counts_every_facet():
    counts = counts_body(ANONYMOUS, SearchQuery())
    assert counts == {
        "query": {"bool": {"filter": [{"match_all": {}}, PUBLIC_ONLY]}},
        "aggs": {
            "matching": {
                "filter": {"match_all": {}},
                "aggs": {"values": {"terms": {"field": "facets", "size": FACET_SIZE * 15}}},
            }
        },
        "size": 0,
        "track_total_hits": False,
    }


def test_year_range_is_part_of_the_scope_not_a_facet():
    query = SearchQuery(year_from=2019, year_to=2021)
    hits, counts = hits_body(ANONYMOUS, query), counts_body(ANONYMOUS, query)
    assert counts["query"]["bool"]["filter"][1:] == hits["query"]["bool"]["filter"]
    assert hits["query"]["bool"]["filter"] == [
        PUBLIC_ONLY,
        {"exists": {"field": "started"}},
        {"range": {"started": {"lte": 2021}}},
        {
            "bool": {
                "should": [
                    {"range": {"ended": {"gte": 2019}}},
                    {"bool": {"must_not": [{"exists": {"field": "ended"}}]}},
                ],
                "minimum_should_match": 1,
            }
        },
    ]


def test_text_query_sorting_pagination_highlight_and_suggestion():
    query = SearchQuery(text="chat anonyme", page=3, page_size=10)
    hits, counts = hits_body(ANONYMOUS, query), counts_body(ANONYMOUS, query)
    matcher = hits["query"]["bool"]["must"][0]
    # The counts count exactly what the hits match, unscored.
    assert counts["query"]["bool"]["filter"][0] == matcher
    should = matcher["bool"]["should"]
    # Each word scored once, by its best form: stemmed in each language without synonyms,
    # in the term names, give or take a typo, and cut to its language-neutral stem.
    chat, anonyme, coverage, synonyms = should[:4]
    forms = chat["dis_max"]["queries"]
    assert [form["multi_match"]["analyzer"] for form in forms[:3]] == ["en", "fr", "de"]
    assert forms[1]["multi_match"]["fields"] == [
        "title_fr^4.0",
        "summary_fr^2.5",
        "body_fr^1.0",
        "details_fr^1.0",
    ]
    assert forms[3] == {"match": {"terms": {"query": "chat", "analyzer": "names", "boost": 2.0}}}
    # Typo tolerance over the one shared folded field (the title in it) and term names.
    assert forms[5] == {
        "multi_match": {
            "query": "chat",
            "type": "most_fields",
            "fields": ["text", "terms^2.0"],
            "analyzer": "folded",
            "fuzziness": "AUTO:4,12",
            "prefix_length": 2,
            "max_expansions": 10,
            "boost": 0.5,
        }
    }
    # A language's fields weigh the word by its rarity in that language's whole text.
    assert forms[1]["multi_match"]["type"] == "cross_fields"
    # The neutral stem: in the whole text, and in the title of entries in another language
    # than the query's (here the reader's, English) only.
    assert forms[6] == {"match": {"neutral": {"query": "chat", "boost": 1.0}}}
    assert forms[7] == {
        "bool": {
            "must": [{"match": {"neutral_title": {"query": "chat", "boost": 4.0}}}],
            "must_not": [{"term": {"language": "en"}}],
        }
    }
    assert anonyme["dis_max"]["queries"][0]["multi_match"]["query"] == "anonyme"
    # Entries with most of the words gain, without requiring them.
    assert coverage == {
        "match": {
            "neutral": {"query": "chat anonyme", "minimum_should_match": "3<50%", "boost": 1.0}
        }
    }
    # The vocabulary's synonyms over the whole text, lower; multi-word synonyms as all
    # their words, not as phrases.
    assert synonyms["multi_match"]["type"] == "cross_fields"
    assert synonyms["multi_match"]["boost"] == SYNONYM_BOOST
    assert "terms^2.0" in synonyms["multi_match"]["fields"]
    assert synonyms["multi_match"]["auto_generate_synonyms_phrase_query"] is False
    # Phrases reorder the best matches only; a rescore needs the order by score alone.
    assert hits["rescore"] == {
        "window_size": PHRASE_WINDOW,
        "query": {
            "rescore_query": {
                "multi_match": {
                    "query": "chat anonyme",
                    "type": "phrase",
                    "slop": 2,
                    "fields": ["title_complete^4.0", "text"],
                    "analyzer": "folded",
                    "boost": 2.0,
                }
            }
        },
    }
    assert "sort" not in hits
    assert hits["highlight"]["fields"] == {
        "title_*": {},
        "summary_*": {},
        "body_*": {},
        "details_*": {},
    }
    assert hits["highlight"]["encoder"] == "html"
    assert hits["highlight"]["pre_tags"] == ["<mark>"]
    assert (hits["from"], hits["size"]) == (20, 10)
    assert hits["track_total_hits"] is False
    assert "highlight" not in counts and counts["size"] == 0
    assert "suggest" not in hits  # asked separately, only when nothing matched
    suggest = did_you_mean_body(ANONYMOUS, SearchQuery(text="chat anonyme"))["suggest"]
    assert suggest["did_you_mean"]["phrase"]["collate"]["query"]["source"]["bool"]["filter"] == [
        PUBLIC_ONLY
    ]
    # A suggestion must find something with the same filters, or it leads nowhere.
    filtered = SearchQuery(text="chat anonyme", filters={"language": ("de",)}, year_from=2020)
    collate = did_you_mean_body(ANONYMOUS, filtered)["suggest"]["did_you_mean"]["phrase"]
    assert collate["collate"]["query"]["source"]["bool"]["filter"] == [
        PUBLIC_ONLY,
        *(rule.to_dict() for rule in year_filters(filtered)),
        {"terms": {"language": ["de"]}},
    ]


def test_newest_sorts_by_published_date_first_without_rescoring():
    hits = hits_body(ANONYMOUS, SearchQuery(text="chat", sort="newest"))
    assert hits["sort"][0] == {"published": {"order": "desc", "missing": "_last"}}
    assert "rescore" not in hits


def test_browsing_without_text_lists_the_newest_first():
    hits = hits_body(ANONYMOUS, SearchQuery())
    assert hits["sort"][1] == {"published": {"order": "desc", "missing": "_last"}}
    assert "rescore" not in hits and "highlight" not in hits


def test_autocomplete_and_related_are_scoped_to_what_the_reader_sees():
    complete = autocomplete_body(ANONYMOUS, "cha", 5)
    assert complete["query"]["bool"]["filter"] == [PUBLIC_ONLY]
    related = related_body(ANONYMOUS, "portal-entries", 42, 5, "alpha/chat")
    assert related["query"]["bool"]["filter"] == [PUBLIC_ONLY]
    # Neither the entry nor another version of it; each other group once.
    assert related["query"]["bool"]["must_not"] == [
        {"term": {"page_id": 42}},
        {"term": {"group": "alpha/chat"}},
    ]
    assert related["collapse"]["field"] == "group"
    like = related["query"]["bool"]["must"][0]["more_like_this"]["like"]
    assert like == [{"_index": "portal-entries", "_id": "42"}]


def test_grouped_search_collapses_on_the_group_and_counts_distinct_groups():
    query = SearchQuery(text="chat", filters={"formats": ("chat",)})
    hits, counts = search_bodies(ANONYMOUS, query, grouped=True)
    assert hits["collapse"] == {"field": "group"}
    # The page's groups' versions: a second request, the same query on those groups only.
    versions = versions_body(hits, ["alpha/exit-chat", "beta/chat"], "chat")
    assert versions["query"]["bool"] == {
        "must": [hits["query"]],
        "filter": [{"terms": {"group": ["alpha/exit-chat", "beta/chat"]}}],
    }
    assert versions["size"] == 2 * MAX_VERSIONS and "highlight" in versions
    # The engine refuses a rescore with a collapse: the phrase is a clause instead.
    assert "rescore" not in hits
    assert hits["query"]["bool"]["must"][0]["bool"]["should"] == [phrase_query("chat").to_dict()]
    # Distinct groups among the entries whose group may hold other versions only.
    groups = {
        "filter": {"term": {"group_shared": True}},
        "aggs": {"groups": {"cardinality": {"field": "group", "precision_threshold": 40_000}}},
    }
    matching = counts["aggs"]["matching"]
    assert matching["aggs"]["shared"] == groups
    assert matching["aggs"]["values"]["aggs"]["shared"] == groups
    assert counts["aggs"]["formats"]["aggs"]["values"]["aggs"]["shared"] == groups
    # The API's search counts every version, as before.
    _hits, counts = search_bodies(ANONYMOUS, query)
    assert "shared" not in counts["aggs"]["matching"].get("aggs", {})


def test_language_boosts_multiply_the_score_of_entries_in_that_language():
    hits = hits_body(ANONYMOUS, SearchQuery(text="Beratung"), boosts={"de": 1.3, "en": 1.1})
    boosted = hits["query"]["bool"]["must"][0]["function_score"]
    # The query's words and their dictionary translations (search/translation.py).
    assert (
        boosted["query"] == text_query("Beratung", "de", query_translations("Beratung")).to_dict()
    )
    assert boosted["functions"] == [
        {"filter": {"term": {"language": "de"}}, "weight": 1.3},
        {"filter": {"term": {"language": "en"}}, "weight": 1.1},
    ]
    assert (boosted["score_mode"], boosted["boost_mode"]) == ("multiply", "multiply")
    rescored = hits["rescore"]["query"]["rescore_query"]["function_score"]
    assert rescored["query"] == phrase_query("Beratung").to_dict()
