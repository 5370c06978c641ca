"""The database's time budget when it answers for a configured engine that did not
(SEARCH_FALLBACK_TIMEOUT): past it, pages answer 503 with Retry-After and say the search is
busy, never a 500 or a worker killed by its timeout; an entry page still shows the entry.
Without an engine the database is the search, unbounded. And a timed-out engine is busy,
not dead: it is asked again by the next request, unlike a node that refuses connections."""

import socket

import pytest
from django.db import connection
from django.test import TestCase, override_settings

from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import SearchBusy, search_entries
from search.backends.budget import within_budget
from search.client import engine_get, engine_mark_up
from search.query import SearchQuery
from tests.factories import make_entry
from vocabulary.services import vocabulary_load

# A port where nothing answers: the connection is refused at once.
NOBODY_THERE = "http://127.0.0.1:9"
BUSY = {
    "en": "The search is busy. Please try again in a minute.",
    "fr": "La recherche est occupée. Veuillez réessayer dans une minute.",
    "de": "Die Suche ist ausgelastet. Bitte versuchen Sie es in einer Minute erneut.",
}
# A query that runs for minutes on either database unless stopped.
ENDLESS = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000000) "
    "SELECT count(*) FROM n"
)


class FallbackBudgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        cls.entry = make_entry(title="Anonymous chat counselling")

    def setUp(self):
        self.addCleanup(engine_mark_up)

    @override_settings(SEARCH_URL=NOBODY_THERE, SEARCH_FALLBACK_TIMEOUT=0)
    def test_search_page_past_the_budget_is_busy_in_each_language_with_its_filters(self):
        for language, message in BUSY.items():
            with self.subTest(language):
                response = self.client.get(
                    f"/{language}/search/", {"q": "chat", "domains": "exit-work"}
                )
                self.assertEqual(response.status_code, 503)
                self.assertEqual(response["Retry-After"], "60")
                self.assertContains(response, message, status_code=503)
                # The person's words and filters stay in the form: trying again is one click.
                self.assertContains(response, 'name="q" value="chat"', status_code=503)
                self.assertContains(response, 'name="domains" value="exit-work"', status_code=503)

    @override_settings(SEARCH_URL=NOBODY_THERE, SEARCH_FALLBACK_TIMEOUT=0)
    def test_api_past_the_budget_answers_503_json_with_retry_after(self):
        response = self.client.get("/api/v1/search/", {"q": "chat"})
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "60")
        self.assertEqual(response.json(), {"detail": BUSY["en"]})

    @override_settings(SEARCH_URL=NOBODY_THERE, SEARCH_FALLBACK_TIMEOUT=0)
    def test_other_searching_pages_say_busy_and_the_entry_page_shows_the_entry(self):
        for url in ("/en/search/feed/?q=chat", "/en/overview/"):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 503)
                self.assertEqual(response["Retry-After"], "60")
                self.assertContains(response, BUSY["en"], status_code=503)
        autocomplete = self.client.get("/en/search/autocomplete/", {"q": "chat"})
        self.assertEqual((autocomplete.status_code, autocomplete["Retry-After"]), (503, "60"))
        entry = self.client.get(self.entry.get_url())
        self.assertContains(entry, "Anonymous chat counselling")

    @override_settings(SEARCH_URL=NOBODY_THERE)
    def test_within_the_default_budget_the_database_answers_for_the_engine(self):
        response = self.client.get("/en/search/", {"q": "chat"})
        self.assertContains(response, "Anonymous chat counselling")
        self.assertContains(response, "may be less precise")

    @override_settings(SEARCH_URL=None, SEARCH_FALLBACK_TIMEOUT=0)
    def test_without_an_engine_the_database_search_is_not_bounded(self):
        response = self.client.get("/en/search/", {"q": "chat"})
        self.assertContains(response, "Anonymous chat counselling")
        results = search_entries(reader=ANONYMOUS, query=SearchQuery(text="chat"))
        self.assertEqual(results.count, 1)


class DatabaseInterruptTests(TestCase):
    """The budget stops a query already running, inside the database, and leaves the
    connection as it was."""

    def count(self, sql: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def test_a_running_query_is_stopped_at_the_deadline_and_the_connection_stays_usable(self):
        with pytest.raises(SearchBusy):
            within_budget(lambda: self.count(ENDLESS), seconds=0.2)
        # The interrupt is gone: a query as long as the budget, after it, runs to its end.
        slow = ENDLESS.replace("1000000000", "300000")
        self.assertEqual(within_budget(lambda: self.count(slow), seconds=30), 300000)
        self.assertEqual(self.count(slow), 300000)
        if connection.vendor == "postgresql":
            # The surrounding transaction (the test's) goes on without the budget's timeout.
            with connection.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                self.assertEqual(cursor.fetchone()[0], "0")


class EngineTimeoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        make_entry(title="Anonymous chat counselling")

    def setUp(self):
        self.addCleanup(engine_mark_up)

    def test_a_timed_out_engine_stays_up_a_refused_one_is_marked_down(self):
        # Accepts connections (the kernel's backlog) and never answers: a busy engine.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        self.addCleanup(silent.close)
        with override_settings(
            SEARCH_URL=f"http://127.0.0.1:{silent.getsockname()[1]}", SEARCH_TIMEOUT=0.3
        ):
            results = search_entries(reader=ANONYMOUS, query=SearchQuery(text="chat"))
            self.assertEqual((results.engine, results.count), ("database", 1))
            self.assertIsNotNone(engine_get())
        with override_settings(SEARCH_URL=NOBODY_THERE):
            results = search_entries(reader=ANONYMOUS, query=SearchQuery(text="chat"))
            self.assertEqual((results.engine, results.count), ("database", 1))
            self.assertIsNone(engine_get())
