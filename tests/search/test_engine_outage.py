"""A real outage: the portal's own OpenSearch node is stopped while the portal runs, then
started again. Searches keep answering (from the database), and an entry published while
the engine was down is found on the engine once it is back, with no rebuild."""

import os

import pytest
from django.test import TestCase

from entries.services import entry_upsert
from portal.services import site_ensure
from search.client import engine_mark_up
from search.indexing import index_rebuild
from search.models import PendingIndexUpdate
from tests.factories import entry_data
from tests.search.live import OwnEngineMixin
from vocabulary.services import vocabulary_load


@pytest.mark.engine
class EngineOutageTests(OwnEngineMixin, TestCase):
    engine_port = int(os.environ.get("SEARCH_OUTAGE_TEST_PORT", "9281"))

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        entry_upsert(data=entry_data(id="before", title="Quoll exit counselling"))
        index_rebuild()

    def test_searches_survive_the_outage_and_the_backlog_is_applied_after_it(self):
        before = self.search("quoll")
        self.assertEqual((before["engine"], before["count"]), ("opensearch", 1))

        self.engine("stop")
        during = self.search("quoll")
        self.assertEqual((during["engine"], during["count"]), ("database", 1))
        page = self.client.get("/en/search/", {"q": "quoll"})
        self.assertEqual(page.status_code, 200)
        self.assertIn("may be less precise", page.content.decode())

        with self.captureOnCommitCallbacks(execute=True):
            entry_upsert(data=entry_data(id="during", title="Wallaby chat published offline"))
        self.assertTrue(PendingIndexUpdate.objects.exists())
        self.assertEqual(self.search("wallaby")["engine"], "database")

        self.engine("start")
        engine_mark_up()
        self.search("quoll")  # the first search the engine answers applies the backlog
        self.assertFalse(PendingIndexUpdate.objects.exists())
        after = self.search_until_found("wallaby")
        self.assertEqual(after["engine"], "opensearch")
        self.assertEqual([hit["id"] for hit in after["results"]], ["during"])
