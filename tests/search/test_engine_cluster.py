"""A three-node cluster loses a node while the portal runs: searches keep coming from the
engine (the index has a replica on another node), and a change made meanwhile is found.

SEARCH_URL lists every node, so the client moves to a live one. It starts a cluster of its
own on other ports, so that stopping a node disturbs no other test.
"""

import json
import os
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.test import TestCase, override_settings

from entries.services import entry_upsert
from portal.services import site_ensure
from search.client import engine_mark_up
from search.indexing import index_drop_all, index_rebuild
from tests.factories import entry_data
from tests.search.live import require_engine
from vocabulary.services import vocabulary_load

ENGINE_SCRIPT = Path(__file__).resolve().parents[2] / "search" / "engine" / "engine.sh"
PORT = int(os.environ.get("SEARCH_CLUSTER_TEST_PORT", "9400"))
NODES = [f"http://127.0.0.1:{PORT + offset}" for offset in range(3)]


def cluster(*command: str, data_dir: str) -> None:
    environment = {**os.environ, "ENGINE_PORT": str(PORT), "ENGINE_DATA_DIR": data_dir}
    subprocess.run(["bash", str(ENGINE_SCRIPT), *command], env=environment, check=True,
                   capture_output=True, timeout=300)  # fmt: skip


def health(node: str, wait_for: str, nodes: int) -> dict:
    url = f"{node}/_cluster/health?wait_for_status={wait_for}&wait_for_nodes={nodes}&timeout=60s"
    with urllib.request.urlopen(url, timeout=90) as response:  # noqa: S310 (loopback)
        return json.load(response)


@pytest.mark.engine
class EngineClusterTests(TestCase):
    @classmethod
    def setUpClass(cls):
        require_engine()
        cls.data_dir = tempfile.mkdtemp(prefix="cluster-engine-")
        cluster("start-cluster", data_dir=cls.data_dir)
        cls.settings_override = override_settings(
            SEARCH_URL=",".join(NODES),
            SEARCH_INDEX_PREFIX=f"cluster-{uuid.uuid4().hex[:8]}",
            SEARCH_TIMEOUT=30,
        )
        cls.settings_override.enable()
        engine_mark_up()
        try:
            super().setUpClass()
        except Exception:
            cls._cluster_away()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls._cluster_away()

    @classmethod
    def _cluster_away(cls):
        try:
            index_drop_all()
        finally:
            cls.settings_override.disable()
            cluster("clean", data_dir=cls.data_dir)

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        entry_upsert(data=entry_data(id="before", title="Quoll exit counselling"))
        index_rebuild()
        assert not health(NODES[1], "green", nodes=3)["timed_out"]

    def search(self, text: str) -> dict:
        response = self.client.get("/api/v1/search/", {"q": text})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_the_cluster_keeps_answering_when_a_node_goes(self):
        self.assertEqual(self.search("quoll")["engine"], "opensearch")
        cluster("node-stop", "1", data_dir=self.data_dir)
        self.assertFalse(health(NODES[1], "yellow", nodes=2)["timed_out"])
        during = self.search("quoll")
        self.assertEqual((during["engine"], during["count"]), ("opensearch", 1))

        with self.captureOnCommitCallbacks(execute=True):
            entry_upsert(data=entry_data(id="during", title="Wallaby chat while a node is away"))
        for _ in range(20):
            found = self.search("wallaby")
            if found["count"]:
                break
            time.sleep(0.5)
        self.assertEqual((found["engine"], found["count"]), ("opensearch", 1))

        cluster("node-start", "1", data_dir=self.data_dir)
        self.assertFalse(health(NODES[0], "green", nodes=3)["timed_out"])
        self.assertEqual(self.search("wallaby")["count"], 1)
