"""The overview's figures are the search's: one behaviour, run on the live engine and on
the database fallback. Every figure equals search.api's facet counts (and the API's) for
the same filters, for a visitor and for a member; every link finds what its bar counts;
the CSV says what the table says; hidden entries are never counted for a visitor."""

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import TestCase
from django.utils import translation

from entries.visibility import ANONYMOUS, Reader
from organisations.services import membership_set
from overview.selectors import overview_get
from portal.services import site_ensure
from search.api import facet_counts, search_entries, search_query_from_params
from tests.overview.corpus import HIDDEN_WORDS, corpus_create
from tests.portal.test_languages import assert_translated
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load

MEMBER = Reader(is_member=True)
FILTER_SETS = [
    {},
    {"ideologies": ["far-right"]},
    {"ideologies": ["far-right"], "countries": ["DE"]},
    {"formats": ["chat", "video"]},
    # Both fields of the heat map selected: its cells count with neither.
    {"domains": ["exit-work"], "formats": ["chat"]},
    {"domains": ["prevention"], "assessment": ["less-good", "promising"]},
    {"year_from": ["2019"], "year_to": ["2020"]},
    {"q": ["chat"]},
]
# Figures drawn from one facet's counts: table -> facet.
FACET_TABLES = {"countries": "countries", "assessment": "assessment", "evaluation": "evaluation"}


def params_of(filters: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(key, value) for key, values in filters.items() for value in values]


def query_of(filters: dict[str, list[str]]):
    return search_query_from_params(filters, language="en")


def url_filters(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


class OverviewBehaviour:
    engine_name = ""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        corpus_create()
        cls.member = membership_set(username="reader", organisation_id="alpha", role="member")

    def overview(self, reader, filters):
        with translation.override("en"):
            overview = overview_get(
                reader=reader, query=query_of(filters), params=params_of(filters)
            )
        self.assertEqual(overview.engine, self.engine_name)
        return overview

    def table(self, overview, slug):
        return next(table for table in overview.tables if table.slug == slug)

    def figures(self, table) -> dict[str, list[int]]:
        return {row.code: [cell.count for cell in row.cells] for row in table.rows}

    def test_figures_equal_the_search_facet_counts(self):
        for reader in (ANONYMOUS, MEMBER):
            for filters in FILTER_SETS:
                with self.subTest(reader=reader, filters=filters):
                    overview = self.overview(reader, filters)
                    counts = facet_counts(reader=reader, query=query_of(filters))
                    self.assertEqual(overview.count, counts.count)
                    for slug, facet in FACET_TABLES.items():
                        expected = {
                            value.term: [value.count]
                            for value in counts.facets[facet]
                            if value.count
                        }
                        self.assertEqual(self.figures(self.table(overview, slug)), expected)

    def test_figures_equal_the_api_facets(self):
        # The API lists every version of a translated entry; in English only, one each.
        for reader, client in ((ANONYMOUS, self.client), (MEMBER, self.member_client())):
            for filters in FILTER_SETS:
                filters = {**filters, "language": ["en"]}
                with self.subTest(reader=reader, filters=filters):
                    answer = client.get("/api/v1/search/", filters).json()
                    overview = self.overview(reader, filters)
                    self.assertEqual(overview.count, answer["count"])
                    for slug, facet in FACET_TABLES.items():
                        expected = {
                            value["term"]: [value["count"]]
                            for value in answer["facets"][facet]
                            if value["count"]
                        }
                        self.assertEqual(self.figures(self.table(overview, slug)), expected)

    def member_client(self):
        client = self.client_class()
        client.force_login(self.member.user)
        return client

    def test_every_link_finds_what_its_bar_or_cell_counts(self):
        for reader in (ANONYMOUS, MEMBER):
            for filters in FILTER_SETS[:5]:
                overview = self.overview(reader, filters)
                for table in overview.tables:
                    for row in table.rows:
                        for cell in row.cells:
                            if not cell.count:
                                continue
                            with self.subTest(reader=reader, table=table.slug, row=row.code):
                                found = search_entries(
                                    reader=reader,
                                    query=query_of(url_filters(cell.url)),
                                    grouped=True,
                                )
                                self.assertEqual(found.count, cell.count)
                total = search_entries(
                    reader=reader, query=query_of(url_filters(overview.count_url)), grouped=True
                )
                self.assertEqual(total.count, overview.count)

    def test_a_translated_entry_counts_once(self):
        overview = self.overview(ANONYMOUS, {})
        heat = self.figures(self.table(overview, "domains-formats"))
        chat = self.table(overview, "domains-formats").columns.index("Text chat")
        # exit-chat and its French translation: one; the lesson: another.
        self.assertEqual(heat["exit-work"][chat], 2)
        self.assertEqual(heat["family-support"][chat], 1)
        self.assertEqual(self.figures(self.table(overview, "countries"))["DE"], [2])

    def test_cross_figures_count_entries_holding_both_values(self):
        overview = self.overview(ANONYMOUS, {"countries": ["DE"]})
        heat = self.table(overview, "domains-formats")
        self.assertEqual(
            {
                row.code: dict(zip(heat.columns, self.figures(heat)[row.code], strict=True))
                for row in heat.rows
            },
            {"exit-work": {"Text chat": 2}, "family-support": {"Text chat": 1}},
        )
        years = self.table(overview, "years")
        self.assertEqual(years.columns, ("Practice", "Lesson learned"))
        self.assertEqual(self.figures(years), {"2019": [1, 0], "2021": [0, 1]})
        lessons = self.table(overview, "lessons-domains")
        self.assertEqual(self.figures(lessons), {"exit-work": [1]})

    def test_hidden_entries_are_never_counted_for_a_visitor(self):
        visitor = self.overview(ANONYMOUS, {})
        member = self.overview(MEMBER, {})
        self.assertEqual(member.count, visitor.count + 2)
        self.assertNotIn("NO", self.figures(self.table(visitor, "countries")))
        self.assertIn("NO", self.figures(self.table(member, "countries")))
        self.assertNotIn("returnees", self.figures(self.table(visitor, "domains-formats")))
        self.assertNotIn("2015", self.figures(self.table(visitor, "years")))
        # Beta's own entry: for Beta's members only.
        self.assertNotIn("MN", self.figures(self.table(member, "countries")))
        page = self.client.get("/en/overview/").content.decode()
        for word in HIDDEN_WORDS:
            self.assertNotIn(word, page)
        for slug in ("countries", "domains-formats", "years", "lessons-domains"):
            exported = self.client.get(f"/en/overview/{slug}.csv").content.decode()
            for word in HIDDEN_WORDS:
                self.assertNotIn(word, exported)

    def test_what_did_not_work_lists_less_good_entries_with_their_lessons(self):
        visitor = self.overview(ANONYMOUS, {})
        self.assertEqual(
            [item.title for item in visitor.setbacks], ["Search adverts that nobody clicked"]
        )
        adverts = visitor.setbacks[0]
        self.assertEqual(adverts.what_did_not_work, "Almost nobody clicked the adverts.")
        self.assertEqual(adverts.recommendations, ("Test the adverts with former members first.",))
        self.assertEqual([lesson.slug for lesson in adverts.lessons], ["adverts-lesson"])
        member = self.overview(MEMBER, {})
        self.assertEqual(
            [item.title for item in member.setbacks],
            ["Zebracorn game for returnees", "Search adverts that nobody clicked"],
        )
        self.assertEqual(
            {lesson.slug for lesson in member.setbacks[1].lessons},
            {"adverts-lesson", "zebracorn-lesson"},
        )
        self.assertEqual(self.overview(ANONYMOUS, {"countries": ["DE"]}).setbacks, ())
        html = self.client.get("/en/overview/").content.decode()
        self.assert_in_page("Adverts need words people really type", html)

    def test_each_csv_equals_its_table(self):
        filters = {"ideologies": ["far-right"]}
        overview = self.overview(MEMBER, filters)
        client = self.member_client()
        page = client.get("/en/overview/", filters)
        for table in overview.tables:
            with self.subTest(table.slug):
                self.assertIn(
                    f"/en/overview/{table.slug}.csv?ideologies=far-right", page.content.decode()
                )
                response = client.get(f"/en/overview/{table.slug}.csv", filters)
                self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
                rows = list(csv.reader(io.StringIO(response.content.decode())))
                self.assertEqual(rows[0], [str(table.row_heading), *map(str, table.columns)])
                self.assertEqual(
                    rows[1:],
                    [[row.label, *(str(cell.count) for cell in row.cells)] for row in table.rows],
                )

    def assert_in_page(self, text: str, html: str) -> None:
        if text not in html:
            self.fail(f"not in the page: {text}")

    def test_the_page_says_the_filters_and_links_to_remove_each(self):
        response = self.client.get("/en/overview/?ideologies=far-right&countries=DE")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assert_in_page(
            'href="?countries=DE" aria-label="Remove filter Ideology: '
            'Far-right and right-wing extremism"',
            html,
        )
        self.assert_in_page(
            'href="?ideologies=far-right" aria-label="Remove filter Country: Germany"', html
        )
        # Each bar links to the search with the page's filters and its own value.
        self.assert_in_page('href="/en/search/?ideologies=far-right&amp;countries=FR"', html)

    def test_a_bad_parameter_answers_400_naming_it(self):
        for url in ("/en/overview/?year_from=soon", "/en/overview/countries.csv?year_from=soon"):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 400)
                self.assertIn("year_from", response.content.decode())
        self.assertEqual(self.client.get("/en/overview/nothing.csv").status_code, 404)

    def test_the_page_speaks_french_and_german(self):
        for language in ("fr", "de"):
            for params in ({}, {"ideologies": "far-right", "year_from": "2010"}, {"page": "two"}):
                with self.subTest(language=language, params=params):
                    response = self.client.get(f"/{language}/overview/", params)
                    assert_translated(response, language, names=["two"])


class DatabaseOverviewTests(OverviewBehaviour, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineOverviewTests(LiveEngineMixin, OverviewBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name
