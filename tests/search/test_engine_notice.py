"""The notice that the search service is resting: shown on the search page and the overview
when an engine is configured and did not answer, never on a portal that searches its
database by design (no SEARCH_URL). The page's HTML is the same on a phone."""

from django.test import TestCase, override_settings

from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import facet_counts, search_entries
from search.client import engine_mark_up
from search.query import SearchQuery
from tests.factories import make_entry
from vocabulary.services import vocabulary_load

SEARCH_NOTICE = "The search service is resting"
# A port where nothing answers: the connection is refused at once.
NOBODY_THERE = "http://127.0.0.1:9"


class EngineNoticeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        make_entry(title="Anonymous chat counselling")

    def pages(self) -> dict[str, str]:
        """The search page and the overview, each showing what it found."""
        pages = {}
        for url, found in (
            ("/en/search/?q=chat", "Anonymous chat counselling"),
            ("/en/overview/", "<strong>1</strong>"),
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, found)
            pages[url] = response.content.decode()
        return pages

    @override_settings(SEARCH_URL=None)
    def test_no_notice_when_the_portal_searches_its_database_by_design(self):
        for url, page in self.pages().items():
            with self.subTest(url):
                self.assertNotIn(SEARCH_NOTICE, page)
        results = search_entries(reader=ANONYMOUS, query=SearchQuery(text="chat"))
        self.assertEqual((results.engine, results.engine_down), ("database", False))
        counts = facet_counts(reader=ANONYMOUS, query=SearchQuery())
        self.assertEqual((counts.engine, counts.engine_down), ("database", False))

    @override_settings(SEARCH_URL=NOBODY_THERE)
    def test_notice_when_the_configured_engine_does_not_answer(self):
        self.addCleanup(engine_mark_up)
        # The first page finds the engine down; the next ones skip it for a few seconds:
        # both say so.
        for url, page in self.pages().items():
            with self.subTest(url):
                self.assertIn(SEARCH_NOTICE, page)
        page = self.client.get("/en/search/?q=chat").content.decode()
        self.assertIn(SEARCH_NOTICE, page)
        self.assertIn("Anonymous chat counselling", page)
        results = search_entries(reader=ANONYMOUS, query=SearchQuery(text="chat"))
        self.assertEqual((results.engine, results.engine_down), ("database", True))
        counts = facet_counts(reader=ANONYMOUS, query=SearchQuery())
        self.assertEqual((counts.engine, counts.engine_down), ("database", True))
        # The API says which engine answered, as before.
        self.assertEqual(self.client.get("/api/v1/search/").json()["engine"], "database")
