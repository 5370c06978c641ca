"""A three-node cluster loses a node while the portal runs: searches keep coming from the
engine (the index has a replica on another node), and a change made meanwhile is found.
SEARCH_URL lists every node, so the client moves to a live one."""

import json
import os
import urllib.request

import pytest
from django.test import TestCase

from entries.services import entry_upsert
from portal.services import site_ensure
from search.indexing import index_rebuild
from tests.factories import entry_data
from tests.search.live import OwnEngineMixin
from vocabulary.services import vocabulary_load

PORT = int(os.environ.get("SEARCH_CLUSTER_TEST_PORT", "9400"))
NODES = [f"http://127.0.0.1:{PORT + offset}" for offset in range(3)]


def health(node: str, wait_for: str, nodes: int) -> dict:
    url = f"{node}/_cluster/health?wait_for_status={wait_for}&wait_for_nodes={nodes}&timeout=60s"
    with urllib.request.urlopen(url, timeout=90) as response:  # noqa: S310 (loopback)
        return json.load(response)


@pytest.mark.engine
class EngineClusterTests(OwnEngineMixin, TestCase):
    engine_port = PORT
    engine_start = "start-cluster"

    @classmethod
    def search_url(cls) -> str:
        return ",".join(NODES)

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        entry_upsert(data=entry_data(id="before", title="Quoll exit counselling"))
        index_rebuild()
        assert not health(NODES[1], "green", nodes=3)["timed_out"]

    def test_the_cluster_keeps_answering_when_a_node_goes(self):
        self.assertEqual(self.search("quoll")["engine"], "opensearch")
        self.engine("node-stop", "1")
        self.assertFalse(health(NODES[1], "yellow", nodes=2)["timed_out"])
        during = self.search("quoll")
        self.assertEqual((during["engine"], during["count"]), ("opensearch", 1))

        with self.captureOnCommitCallbacks(execute=True):
            entry_upsert(data=entry_data(id="during", title="Wallaby chat while a node is away"))
        found = self.search_until_found("wallaby")
        self.assertEqual((found["engine"], found["count"]), ("opensearch", 1))

        self.engine("node-start", "1")
        self.assertFalse(health(NODES[0], "green", nodes=3)["timed_out"])
        self.assertEqual(self.search("wallaby")["count"], 1)
