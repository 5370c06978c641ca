"""search.api.cross_counts: entries counted by two fields at once, on both backends. Each
cell is what a search selecting its row and column values (with the other filters) finds,
each translation group once, among what the reader may see."""

import pytest
from django.test import SimpleTestCase, TestCase
from django.utils import translation

from entries.models import EntryPage
from entries.visibility import ANONYMOUS, Reader
from portal.services import site_ensure
from search.api import MIN_YEAR, cross_counts, search_entries, search_query_from_params
from search.builders import cross_counts_body
from tests.search.corpus import corpus_create
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load

MEMBER = Reader(is_member=True)
PAIRS = [("domains", "formats"), ("started", "kind"), ("platforms", "countries")]
FILTER_SETS = [
    {},
    {"ideologies": ["far-right"]},
    {"countries": ["DE", "GB"], "formats": ["chat"]},
    {"q": ["chat"]},
]


class CrossCountsBodyTests(SimpleTestCase):
    def test_each_pair_is_counted_with_every_selection_but_its_own(self):
        query = search_query_from_params({"ideologies": ["far-right"], "domains": ["exit-work"]})
        cells = {
            "terms": {"field": "formats", "size": 300},
            "aggs": {
                "shared": {
                    "filter": {"term": {"group_shared": True}},
                    "aggs": {
                        "groups": {"cardinality": {"precision_threshold": 40000, "field": "group"}}
                    },
                }
            },
        }
        self.assertEqual(
            cross_counts_body(ANONYMOUS, query, [("domains", "formats")]),
            {
                "query": {
                    "bool": {"filter": [{"match_all": {}}, {"terms": {"visibility": ["public"]}}]}
                },
                "aggs": {
                    "domains|formats": {
                        "filter": {"bool": {"filter": [{"terms": {"ideologies": ["far-right"]}}]}},
                        "aggs": {
                            "values": {
                                "terms": {"field": "domains", "size": 300},
                                "aggs": {"values": cells},
                            }
                        },
                    }
                },
                "size": 0,
                "track_total_hits": False,
            },
        )

    def test_a_field_that_is_no_facet_nor_the_start_year_is_refused(self):
        with self.assertRaises(ValueError):
            cross_counts(
                reader=ANONYMOUS, query=search_query_from_params({}), pairs=[("x", "kind")]
            )


class CrossCountsBehaviour:
    engine_name = ""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        corpus_create()
        cls.started = {
            (organisation, slug): started
            for organisation, slug, started in EntryPage.objects.values_list(
                "organisation__slug", "slug", "started"
            )
        }

    def test_every_cell_is_what_the_search_of_its_values_finds(self):
        for reader in (ANONYMOUS, MEMBER):
            for filters in FILTER_SETS:
                query = search_query_from_params(filters)
                with translation.override("en"):
                    answer = cross_counts(reader=reader, query=query, pairs=PAIRS)
                self.assertEqual(set(answer), set(PAIRS))
                for (rows, columns), counts in answer.items():
                    for row, cells in counts.cells.items():
                        for column, count in cells.items():
                            with self.subTest(reader=reader, filters=filters, cell=(row, column)):
                                self.assertGreater(count, 0)
                                self.assertIn(row, counts.row_labels)
                                self.assertIn(column, counts.column_labels)
                                self.assertEqual(
                                    self.found(reader, filters, rows, row, columns, column), count
                                )

    def found(self, reader, filters, rows, row, columns, column) -> int:
        """What the search finds for the cell (a year: the entries started in it)."""
        params = {**filters, rows: [row], columns: [column]}
        results = search_entries(
            reader=reader, query=search_query_from_params(params), grouped=True
        )
        self.assertEqual(results.engine, self.engine_name)
        return results.count

    def test_the_started_filter_finds_the_entries_started_that_year(self):
        years = sorted({year for year in self.started.values() if year})
        for reader in (ANONYMOUS, MEMBER):
            with self.subTest(reader=reader):
                counted = 0
                for year in years:
                    params = {"started": [str(year)], "page_size": ["100"]}
                    results = search_entries(
                        reader=reader, query=search_query_from_params(params), grouped=True
                    )
                    self.assertEqual(
                        {self.started[hit.organisation, hit.id] for hit in results.results},
                        {year} if results.count else set(),
                    )
                    counted += results.count
                # Each entry with a start year is found under exactly one year.
                dated = search_entries(
                    reader=reader,
                    query=search_query_from_params({"year_from": [str(MIN_YEAR)]}),
                    grouped=True,
                )
                self.assertEqual(counted, dated.count)
                self.assertGreater(counted, 0)

    def test_hidden_entries_are_counted_only_for_those_who_may_read_them(self):
        query = search_query_from_params({})
        visitor = cross_counts(reader=ANONYMOUS, query=query, pairs=[("platforms", "kind")])
        member = cross_counts(reader=MEMBER, query=query, pairs=[("platforms", "kind")])
        self.assertNotIn("telegram", visitor[("platforms", "kind")].cells)
        self.assertIn("telegram", member[("platforms", "kind")].cells)

    def test_labels_are_in_the_reader_language(self):
        query = search_query_from_params({}, language="de")
        with translation.override("de"):
            answer = cross_counts(reader=ANONYMOUS, query=query, pairs=[("countries", "kind")])
        counts = answer[("countries", "kind")]
        self.assertEqual(counts.row_labels["DE"], "Deutschland")
        self.assertEqual(counts.column_labels["practice"], "Praxisbeispiel")


class DatabaseCrossCountsTests(CrossCountsBehaviour, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineCrossCountsTests(LiveEngineMixin, CrossCountsBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name
