"""Engine JVMs die abruptly (SIGKILL: a crash, the kernel's OOM killer) while the portal runs.

A cluster of three nodes, one JVM each (engine.sh start-processes), loses one while a thread
searches and publishes through the portal: every search is answered by the engine (the
client moves to a live node; the index has a replica), no publish is lost, and the drift
check is clean once the node is back. And the single node of the default set-up dies in the
middle of a rebuild: the alias still points at the old, complete index, and the next
rebuild succeeds and removes the half-built one.

The engines are the tests' own, on their own ports and data dirs, started at once for the
module. Their behaviour does not depend on the database, so these tests (marker
engine_kill) run in the SQLite run only (scripts/test.sh).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import traceback
import unittest
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from entries.services import entry_upsert
from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import search_entries
from search.client import alias_name, engine_get, engine_mark_up
from search.engine_adapters import EngineUnavailable
from search.indexing import index_rebuild
from search.models import PendingIndexUpdate
from search.query import SearchQuery
from tests.factories import entry_data
from tests.search.live import ENGINE_SCRIPT, require_engine
from vocabulary.services import vocabulary_load

pytestmark = [pytest.mark.engine, pytest.mark.engine_kill]

# Far from the shared engine (9200/9300) and the other tests' own engines.
PROCESSES_PORT = int(os.environ.get("SEARCH_PROCESS_KILL_TEST_PORT", "19600"))
SINGLE_PORT = int(os.environ.get("SEARCH_REBUILD_KILL_TEST_PORT", "19650"))
NODES = 3


@dataclass
class OwnEngine:
    """An engine of this module's own: engine.sh with its port and data dir."""

    port: int
    data_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="engine-kill-"))

    @property
    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "ENGINE_PORT": str(self.port),
            "ENGINE_DATA_DIR": self.data_dir,
            "ENGINE_NODES": str(NODES),
            # Throwaway nodes: the JIT's quick tier only starts them in about half the time
            # on a busy machine, and they serve a few dozen requests.
            "ENGINE_JAVA_OPTS": f"{os.environ.get('ENGINE_JAVA_OPTS', '')} -XX:TieredStopAtLevel=1",
        }

    def launch(self, *command: str) -> subprocess.Popen:
        return subprocess.Popen(
            ["bash", str(ENGINE_SCRIPT), *command],
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def run(self, *command: str) -> None:
        finished(self.launch(*command), command)

    def url(self, node: int = 1) -> str:
        return f"http://127.0.0.1:{self.port + node - 1}"

    def health(self, node: int, query: str) -> dict:
        return engine_answer(f"{self.url(node)}/_cluster/health?{query}&timeout=120s", 150)

    def throw_away(self) -> None:
        subprocess.run(
            ["bash", str(ENGINE_SCRIPT), "clean"], env=self.environment, capture_output=True,
            timeout=180, check=False,
        )  # fmt: skip
        shutil.rmtree(self.data_dir, ignore_errors=True)


def finished(process: subprocess.Popen, command: tuple[str, ...]) -> None:
    """Wait for an engine.sh command; a failure is the test's failure, with what it said."""
    output, _ = process.communicate(timeout=400)
    if process.returncode:
        pytest.fail(f"engine.sh {' '.join(command)} failed ({process.returncode}):\n{output}")


def engine_answer(url: str, timeout: float) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
        return json.load(response)


@dataclass
class Engines:
    processes: OwnEngine
    single: OwnEngine


@pytest.fixture(scope="module")
def engines() -> Iterator[Engines]:
    try:
        require_engine()  # Java and the launcher work here; otherwise skip (or fail in CI).
    except unittest.SkipTest as reason:
        pytest.skip(str(reason))
    own = Engines(processes=OwnEngine(PROCESSES_PORT), single=OwnEngine(SINGLE_PORT))
    try:
        own.single.run("build")  # once, before two starts would each build it
        # Four JVMs boot at once: the module pays for the slowest, not for the sum.
        starting = [
            (own.processes.launch("start-processes"), ("start-processes",)),
            (own.single.launch("start"), ("start",)),
        ]
        for process, command in starting:
            finished(process, command)
        yield own
    finally:
        own.processes.throw_away()
        own.single.throw_away()


@contextmanager
def portal_searching(url: str) -> Iterator[None]:
    with override_settings(
        SEARCH_URL=url,
        SEARCH_ENGINE="opensearch",
        SEARCH_INDEX_PREFIX=f"kill-{uuid.uuid4().hex[:8]}",
        SEARCH_TIMEOUT=30,
    ):
        engine_mark_up()
        yield


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds:.0f}s for {what}")
        time.sleep(0.2)


def publish(entry_id: str, title: str) -> int:
    """As an editor's publish: one transaction, its index update queued and applied on
    commit (search/queue.py)."""
    with transaction.atomic():
        entry, _ = entry_upsert(data=entry_data(id=entry_id, title=title))
    return entry.pk


class Traffic(threading.Thread):
    """Searches and publishes through the portal, one after the other, until stopped."""

    def __init__(self) -> None:
        super().__init__(name="traffic", daemon=True)
        self.stopping = threading.Event()
        self.searches: list[tuple[str, int]] = []  # (who answered, entries found)
        self.published: list[int] = []
        # Publishes whose index update was left to the queue, not applied as they committed.
        self.deferred: list[int] = []
        self.error = ""

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                results = search_entries(reader=ANONYMOUS, query=SearchQuery(text="quoll"))
                self.searches.append((results.engine, results.count))
                number = len(self.published) + 1
                page_id = publish(f"numbat-{number}", f"Numbat chat {number}")
                self.published.append(page_id)
                if PendingIndexUpdate.objects.filter(page_id=page_id).exists():
                    self.deferred.append(page_id)
                time.sleep(0.05)  # the engine's JVMs need the machine's cores too
        except Exception:
            self.error = traceback.format_exc()
        finally:
            connection.close()

    def rounds(self) -> int:
        return len(self.published)

    def until(self, rounds: int, what: str) -> None:
        wait_until(lambda: self.rounds() >= rounds or not self.is_alive(), what)
        if self.error:
            pytest.fail(f"the traffic stopped: {self.error}")


def primary_node(engine: OwnEngine) -> int:
    """The number of the node holding the primary of the portal's index."""
    shards = engine_answer(
        f"{engine.url()}/_cat/shards/{alias_name()}?format=json&h=prirep,node", 30
    )
    [node] = [shard["node"] for shard in shards if shard["prirep"] == "p"]
    return int(node.removeprefix("node-"))


def test_a_node_killed_mid_traffic_fails_no_search_and_loses_no_update(engines, transactional_db):
    cluster = engines.processes
    with portal_searching(",".join(cluster.url(node) for node in range(1, NODES + 1))):
        site_ensure()
        vocabulary_load()
        publish("before", "Quoll exit counselling")
        index_rebuild()
        assert not cluster.health(1, "wait_for_status=green&wait_for_nodes=3")["timed_out"]
        # The node holding the primary: writes wait for its replica to be promoted, and
        # whatever the client sent there must go to another node.
        victim = primary_node(cluster)
        survivor = victim % NODES + 1

        traffic = Traffic()
        traffic.start()
        try:
            traffic.until(3, "publishes before the kill")
            cluster.run("process-kill", str(victim))
            assert not cluster.health(survivor, "wait_for_nodes=2")["timed_out"]
            traffic.until(traffic.rounds() + 3, "publishes while the node is gone")
            cluster.run("process-start", str(victim))
            assert not cluster.health(victim, "wait_for_status=green&wait_for_nodes=3")["timed_out"]
            traffic.until(traffic.rounds() + 2, "publishes once the node is back")
        finally:
            traffic.stopping.set()
            traffic.join(timeout=120)
        assert not traffic.error, traffic.error

        failed = [
            (number, answer)
            for number, answer in enumerate(traffic.searches)
            if answer != ("opensearch", 1)
        ]
        assert not failed, f"{len(failed)} of {len(traffic.searches)} searches failed: {failed}"
        # Each publish reached the engine as it committed: the client took another node.
        assert not traffic.deferred, f"index updates left to the queue: {traffic.deferred}"

        engine = engine_get()
        engine.refresh(alias_name())
        assert not PendingIndexUpdate.objects.exists(), "index updates left waiting"
        indexed = engine.search(
            alias_name(),
            {"query": {"ids": {"values": [str(pk) for pk in traffic.published]}}, "size": 1000},
        )["hits"]["hits"]
        lost = set(traffic.published) - {int(hit["_id"]) for hit in indexed}
        assert not lost, f"{len(lost)} of {len(traffic.published)} publishes lost: {lost}"
        report = StringIO()
        call_command("check_search_index", stdout=report)  # raises on drift
        assert "0 missing, 0 stale, 0 extra" in report.getvalue()


def test_the_node_killed_mid_rebuild_leaves_the_old_index_searched(engines, transactional_db):
    single = engines.single
    with portal_searching(single.url()):
        site_ensure()
        vocabulary_load()
        published = [publish(f"bilby-{number}", f"Bilby forum {number}") for number in range(6)]
        complete = index_rebuild()
        engine = engine_get()

        # The JVM dies once the new index holds part of the entries (a bulk request of two).
        bulk = engine.bulk

        def bulk_then_crash(operations, **options):
            answer = bulk(operations, **options)
            if not killed.is_set():
                killed.set()
                single.run("kill")
            return answer

        killed = threading.Event()
        with mock.patch.object(engine, "bulk", bulk_then_crash), pytest.raises(EngineUnavailable):
            index_rebuild(chunk_size=2)
        assert killed.is_set()

        single.run("start")
        engine_mark_up()
        assert engine.alias_targets(alias_name()) == [complete.index]
        half_built = engine.indices_matching(f"{alias_name()}-*")
        half_built.remove(complete.index)
        results = search_entries(reader=ANONYMOUS, query=SearchQuery(text="bilby"))
        assert (results.engine, results.count) == ("opensearch", len(published))

        rebuilt = index_rebuild()
        assert rebuilt.count == len(published)
        assert sorted(rebuilt.removed) == sorted([complete.index, *half_built])
        assert engine.indices_matching(f"{alias_name()}-*") == [rebuilt.index]
        results = search_entries(reader=ANONYMOUS, query=SearchQuery(text="bilby"))
        assert (results.engine, results.count) == ("opensearch", len(published))
