"""A real outage: the portal's own OpenSearch node is stopped while the portal runs, then
started again. Searches keep answering (from the database), and an entry published while
the engine was down is found on the engine once it is back, with no rebuild.

It starts a node of its own on another port, so that stopping it disturbs no other test.
"""

import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.test import TestCase, override_settings

from entries.services import entry_upsert
from portal.services import site_ensure
from search.client import engine_mark_up
from search.indexing import index_drop_all, index_rebuild
from search.models import PendingIndexUpdate
from tests.factories import entry_data
from tests.search.live import require_engine
from vocabulary.services import vocabulary_load

ENGINE_SCRIPT = Path(__file__).resolve().parents[2] / "search" / "engine" / "engine.sh"
PORT = int(os.environ.get("SEARCH_OUTAGE_TEST_PORT", "9281"))


def engine(command: str, data_dir: str) -> None:
    environment = {**os.environ, "ENGINE_PORT": str(PORT), "ENGINE_DATA_DIR": data_dir}
    subprocess.run(["bash", str(ENGINE_SCRIPT), command], env=environment, check=True,
                   capture_output=True, timeout=300)  # fmt: skip


@pytest.mark.engine
class EngineOutageTests(TestCase):
    @classmethod
    def setUpClass(cls):
        require_engine()  # Java and the launcher work here; otherwise skip (or fail in CI).
        cls.data_dir = tempfile.mkdtemp(prefix="outage-engine-")
        engine("start", cls.data_dir)
        cls.settings_override = override_settings(
            SEARCH_URL=f"http://127.0.0.1:{PORT}",
            SEARCH_INDEX_PREFIX=f"outage-{uuid.uuid4().hex[:8]}",
            # A stopped node refuses connections at once; the timeout is for a busy one.
            SEARCH_TIMEOUT=30,
        )
        cls.settings_override.enable()
        engine_mark_up()
        try:
            super().setUpClass()
        except Exception:
            cls._engine_away()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls._engine_away()

    @classmethod
    def _engine_away(cls):
        try:
            index_drop_all()
        finally:
            cls.settings_override.disable()
            engine("clean", cls.data_dir)

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        entry_upsert(data=entry_data(id="before", title="Quoll exit counselling"))
        index_rebuild()

    def search(self, text: str) -> dict:
        response = self.client.get("/api/v1/search/", {"q": text})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_searches_survive_the_outage_and_the_backlog_is_applied_after_it(self):
        before = self.search("quoll")
        self.assertEqual((before["engine"], before["count"]), ("opensearch", 1))

        engine("stop", self.data_dir)
        during = self.search("quoll")
        self.assertEqual((during["engine"], during["count"]), ("database", 1))
        page = self.client.get("/search/", {"q": "quoll"})
        self.assertEqual(page.status_code, 200)
        self.assertIn("may be less precise", page.content.decode())

        with self.captureOnCommitCallbacks(execute=True):
            entry_upsert(data=entry_data(id="during", title="Wallaby chat published offline"))
        self.assertTrue(PendingIndexUpdate.objects.exists())
        self.assertEqual(self.search("wallaby")["engine"], "database")

        engine("start", self.data_dir)
        engine_mark_up()
        self.search("quoll")  # the first search the engine answers applies the backlog
        self.assertFalse(PendingIndexUpdate.objects.exists())
        # The engine makes new documents searchable within its refresh interval (1 s).
        for _ in range(20):
            after = self.search("wallaby")
            if after["results"]:
                break
            time.sleep(0.5)
        self.assertEqual(after["engine"], "opensearch")
        self.assertEqual([hit["id"] for hit in after["results"]], ["during"])
