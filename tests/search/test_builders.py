"""The request bodies, compared with the dicts they must be: what the engine is asked
decides what the caller may see and how counts are computed."""

from entries.visibility import ANONYMOUS, EVERYTHING, Reader
from search.builders import autocomplete_body, did_you_mean_body, related_body, search_body
from search.documents import FACET_FIELDS
from search.query import SearchQuery

PUBLIC_ONLY = {"terms": {"visibility": ["public"]}}


def test_anonymous_scope_is_public_only_inside_the_query():
    body = search_body(ANONYMOUS, SearchQuery())
    assert body["query"] == {"bool": {"must": [{"match_all": {}}], "filter": [PUBLIC_ONLY]}}
    assert "post_filter" not in body


def test_member_of_an_organisation_also_sees_its_organisation_entries():
    reader = Reader(is_member=True, organisation_ids=frozenset({"beta", "alpha"}))
    body = search_body(reader, SearchQuery())
    assert body["query"]["bool"]["filter"] == [
        {
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
    ]


def test_everything_reader_has_no_visibility_filter():
    body = search_body(EVERYTHING, SearchQuery())
    assert body["query"] == {"bool": {"must": [{"match_all": {}}]}}


def test_selections_filter_hits_through_post_filter_and_other_facets_aggs():
    query = SearchQuery(filters={"formats": ("chat", "video"), "countries": ("DE",)})
    body = search_body(ANONYMOUS, query)
    formats = {"terms": {"formats": ["chat", "video"]}}
    countries = {"terms": {"countries": ["DE"]}}
    assert body["post_filter"] == {"bool": {"filter": [formats, countries]}}
    assert set(body["aggs"]) == set(FACET_FIELDS)
    assert body["aggs"]["formats"] == {
        "filter": {"bool": {"filter": [countries]}},
        "aggs": {"values": {"terms": {"field": "formats", "size": 300}}},
    }
    assert body["aggs"]["countries"]["filter"] == {"bool": {"filter": [formats]}}
    assert body["aggs"]["domains"]["filter"] == {"bool": {"filter": [formats, countries]}}


def test_unselected_facets_count_everything_in_scope():
    body = search_body(ANONYMOUS, SearchQuery())
    assert body["aggs"]["kind"] == {
        "filter": {"match_all": {}},
        "aggs": {"values": {"terms": {"field": "kind", "size": 300}}},
    }


def test_year_range_is_part_of_the_scope_not_a_facet():
    body = search_body(ANONYMOUS, SearchQuery(year_from=2019, year_to=2021))
    assert body["query"]["bool"]["filter"] == [
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
    body = search_body(ANONYMOUS, SearchQuery(text="chat anonyme", page=3, page_size=10))
    should = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert [clause["multi_match"]["type"] for clause in should] == [
        "most_fields",
        "most_fields",
        "phrase",
    ]
    # Stemmed words and synonyms over the language fields and the term names.
    assert "title_fr^4.0" in should[0]["multi_match"]["fields"]
    assert "terms^2.0" in should[0]["multi_match"]["fields"]
    # Typo tolerance and phrases over the folded title and the one shared folded field.
    assert should[1] == {
        "multi_match": {
            "query": "chat anonyme",
            "type": "most_fields",
            "fields": ["title_complete^4.0", "text"],
            "analyzer": "folded",
            "fuzziness": "AUTO",
            "prefix_length": 2,
            "max_expansions": 10,
            "boost": 0.5,
        }
    }
    assert should[2] == {
        "multi_match": {
            "query": "chat anonyme",
            "type": "phrase",
            "slop": 2,
            "fields": ["title_complete^4.0", "text"],
            "analyzer": "folded",
            "boost": 2.0,
        }
    }
    assert body["highlight"]["fields"] == {
        "title_*": {},
        "summary_*": {},
        "body_*": {},
        "details_*": {},
    }
    assert body["highlight"]["encoder"] == "html"
    assert (body["from"], body["size"]) == (20, 10)
    assert body["sort"][0] == "_score"
    assert body["highlight"]["pre_tags"] == ["<mark>"]
    assert "suggest" not in body  # asked separately, only when nothing matched
    suggest = did_you_mean_body(ANONYMOUS, "chat anonyme")["suggest"]["did_you_mean"]["phrase"]
    assert suggest["collate"]["query"]["source"]["bool"]["filter"] == [PUBLIC_ONLY]


def test_newest_sorts_by_published_date_first():
    body = search_body(ANONYMOUS, SearchQuery(sort="newest"))
    assert body["sort"][0] == {"published": {"order": "desc", "missing": "_last"}}


def test_autocomplete_and_related_are_scoped_to_what_the_reader_sees():
    complete = autocomplete_body(ANONYMOUS, "cha", 5)
    assert complete["query"]["bool"]["filter"] == [PUBLIC_ONLY]
    related = related_body(ANONYMOUS, "portal-entries", 42, 5)
    assert related["query"]["bool"]["filter"] == [PUBLIC_ONLY]
    assert related["query"]["bool"]["must_not"] == [{"term": {"page_id": 42}}]
    like = related["query"]["bool"]["must"][0]["more_like_this"]["like"]
    assert like == [{"_index": "portal-entries", "_id": "42"}]
