"""The overview asks for its figures at once (search.api.figures): the facet counts, the
cross counts and the latest less good entries in one request to the engine and one pass of
the database, with the same answers as the separate calls, on the live engine and on the
database fallback."""

from unittest import mock

import pytest
from django.test import SimpleTestCase, TestCase
from django.utils import translation

from entries.visibility import ANONYMOUS, Reader
from overview.selectors import SETBACKS_SHOWN, overview_get
from portal.services import site_ensure
from search.api import (
    cross_counts,
    facet_counts,
    figures,
    search_entries,
    search_query_from_params,
)
from search.builders import counts_body, cross_counts_body, figures_body
from search.client import engine_get
from search.facets import counted_filter
from tests.overview.corpus import corpus_create
from tests.search.live import LiveEngineMixin
from vocabulary.facets import Assessment
from vocabulary.services import vocabulary_load

MEMBER = Reader(is_member=True)
PAIRS = [("domains", "formats"), ("started", "kind"), ("domains", "kind")]
FILTER_SETS = [
    {},
    {"ideologies": ["far-right"]},
    {"formats": ["chat", "video"], "year_from": ["2019"]},
    {"domains": ["prevention"], "assessment": ["less-good", "promising"]},
    {"q": ["chat"]},
]


def setbacks_query(filters: dict[str, list[str]]):
    """What the overview's "What did not work" asks: the newest less good entries."""
    params = {
        **filters,
        "assessment": [Assessment.LESS_GOOD],
        "sort": ["newest"],
        "page_size": [str(SETBACKS_SHOWN)],
    }
    return search_query_from_params(params, language="en")


class FiguresBodyTests(SimpleTestCase):
    def test_one_body_holds_the_counts_and_the_cross_counts(self):
        query = search_query_from_params({"domains": ["exit-work"], "formats": ["chat"]})
        body = figures_body(ANONYMOUS, query, PAIRS)
        counts = counts_body(ANONYMOUS, query, grouped=True)
        crossed = cross_counts_body(ANONYMOUS, query, PAIRS)
        # Over the visible entries matching the words that some count includes: those of
        # either selection, and (the domains x formats cells) of neither; each aggregation
        # has its own filter.
        self.assertEqual(
            body["query"]["bool"]["filter"],
            [*crossed["query"]["bool"]["filter"], counted_filter(query, PAIRS).to_dict()],
        )
        self.assertCountEqual(
            [
                clause["bool"]["filter"] if "bool" in clause else clause
                for clause in body["query"]["bool"]["filter"][-1]["bool"]["should"]
            ],
            [
                [{"terms": {"formats": ["chat"]}}],
                [{"terms": {"domains": ["exit-work"]}}],
                {"match_all": {}},
            ],
        )
        self.assertEqual(body["aggs"], {**counts["aggs"], **crossed["aggs"]})
        self.assertEqual(body["size"], 0)

    def test_only_the_facets_asked_are_counted(self):
        query = search_query_from_params({"ideologies": ["far-right"], "formats": ["chat"]})
        body = figures_body(ANONYMOUS, query, PAIRS, facets=("countries", "formats"))
        values = body["aggs"]["matching"]["aggs"]["values"]["terms"]
        self.assertEqual(values["include"], "(countries|formats):.*")
        # The selected facet asked has its own count; the one not asked has none.
        self.assertIn("formats", body["aggs"])
        self.assertNotIn("ideologies", body["aggs"])


class FiguresBehaviour:
    engine_name = ""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        corpus_create()

    def test_the_figures_are_the_answers_of_the_separate_calls(self):
        some_hits = False
        for reader in (ANONYMOUS, MEMBER):
            for filters in FILTER_SETS:
                query = search_query_from_params(filters, language="en")
                latest = setbacks_query(filters)
                with self.subTest(reader=reader, filters=filters), translation.override("en"):
                    found = figures(reader=reader, query=query, pairs=PAIRS, hits_query=latest)
                    self.assertEqual(found.counts, facet_counts(reader=reader, query=query))
                    self.assertEqual(found.counts.engine, self.engine_name)
                    self.assertEqual(
                        found.crossed, cross_counts(reader=reader, query=query, pairs=PAIRS)
                    )
                    expected = search_entries(reader=reader, query=latest, grouped=True).results
                    self.assertEqual(
                        [(hit.organisation, hit.id, hit.title, hit.url) for hit in found.hits],
                        [(hit.organisation, hit.id, hit.title, hit.url) for hit in expected],
                    )
                    some_hits = some_hits or bool(found.hits)
        self.assertTrue(some_hits, "no filter set found a less good entry: nothing compared")

    def test_facets_not_asked_list_their_selected_values_only(self):
        filters = {"ideologies": ["far-right"], "formats": ["chat"]}
        query = search_query_from_params(filters, language="en")
        for reader in (ANONYMOUS, MEMBER):
            with self.subTest(reader=reader), translation.override("en"):
                found = figures(reader=reader, query=query, pairs=PAIRS, facets=("countries",))
                every = facet_counts(reader=reader, query=query)
                self.assertEqual(found.counts.count, every.count)
                self.assertEqual(found.counts.facets["countries"], every.facets["countries"])
                self.assertTrue(every.facets["countries"], "nothing counted: nothing compared")
                self.assertEqual(
                    [
                        (value.term, value.count, value.selected)
                        for value in found.counts.facets["ideologies"]
                    ],
                    [("far-right", 0, True)],
                )
                self.assertEqual(found.counts.facets["domains"], [])
                self.assertTrue(every.facets["domains"])

    def test_without_a_hits_query_no_hits(self):
        query = search_query_from_params({}, language="en")
        found = figures(reader=ANONYMOUS, query=query, pairs=PAIRS)
        self.assertEqual(found.hits, [])
        self.assertEqual(found.counts, facet_counts(reader=ANONYMOUS, query=query))

    def test_hits_on_other_words_or_years_are_refused(self):
        query = search_query_from_params({"q": ["chat"]}, language="en")
        for other in ({"q": ["video"]}, {"q": ["chat"], "year_to": ["2020"]}):
            with self.subTest(other), self.assertRaises(ValueError):
                figures(
                    reader=ANONYMOUS, query=query, pairs=PAIRS, hits_query=setbacks_query(other)
                )


class DatabaseFiguresTests(FiguresBehaviour, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineFiguresTests(LiveEngineMixin, FiguresBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name

    def test_the_overview_asks_the_engine_once(self):
        engine = engine_get()
        for filters in FILTER_SETS:
            query = search_query_from_params(filters, language="en")
            with (
                self.subTest(filters),
                mock.patch.object(engine, "search", wraps=engine.search) as single,
                mock.patch.object(engine, "msearch", wraps=engine.msearch) as several,
            ):
                overview = overview_get(reader=MEMBER, query=query, params=[])
                self.assertEqual(overview.engine, self.engine_name)
                self.assertEqual(single.call_count + several.call_count, 1)
