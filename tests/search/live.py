"""A live engine for test classes: a throwaway index prefix, built once per class from the
class's test data, deleted afterwards.

Engine tests use SEARCH_TEST_URL (default http://127.0.0.1:9200). Locally they are skipped
with the reason when nothing answers there; under CI=true they fail instead, since CI must
run every one of them.
"""

import os
import subprocess
import tempfile
import time
import unittest
import uuid
from pathlib import Path

from django.test import override_settings

from search.client import engine_get, engine_mark_up
from search.indexing import index_drop_all, index_rebuild

ENGINE_URL = os.environ.get("SEARCH_TEST_URL", "http://127.0.0.1:9200")
ENGINE_NAME = os.environ.get("SEARCH_TEST_ENGINE", "opensearch")


def engine_answers() -> bool:
    with override_settings(SEARCH_URL=ENGINE_URL, SEARCH_ENGINE=ENGINE_NAME):
        try:
            return engine_get(even_if_down=True).ping()
        except Exception:
            return False


def require_engine() -> None:
    if engine_answers():
        return
    reason = f"no search engine answers at {ENGINE_URL} (start it: search/engine/engine.sh start)"
    if os.environ.get("CI", "").lower() == "true":
        raise AssertionError(f"CI=true and {reason}")
    raise unittest.SkipTest(reason)


class LiveEngineMixin:
    """For django TestCase classes: settings point at the live engine with a fresh prefix;
    the index is built after setUpTestData and deleted after the class. A subclass may put
    something between the portal and the engine (engine_connect, engine_disconnect)."""

    engine_name = ENGINE_NAME
    index_prefix = "test"
    _override = None

    @classmethod
    def engine_connect(cls) -> str:
        """The URL the portal searches during the class."""
        return ENGINE_URL

    @classmethod
    def engine_disconnect(cls) -> None:
        """Undo engine_connect, once the class's index is gone."""

    @classmethod
    def setUpClass(cls):
        require_engine()
        cls._override = override_settings(
            SEARCH_URL=cls.engine_connect(),
            SEARCH_ENGINE=cls.engine_name,
            SEARCH_INDEX_PREFIX=f"{cls.index_prefix}-{uuid.uuid4().hex[:10]}",
            SEARCH_TIMEOUT=30,
        )
        cls._override.enable()
        engine_mark_up()
        try:
            super().setUpClass()
        except Exception:
            cls._clean_up()
            raise

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        index_rebuild()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls._clean_up()

    @classmethod
    def _clean_up(cls):
        try:
            index_drop_all()
        finally:
            cls._override.disable()
            cls.engine_disconnect()


ENGINE_SCRIPT = Path(__file__).resolve().parents[2] / "search" / "engine" / "engine.sh"


class OwnEngineMixin:
    """For TestCase classes that stop and start the engine under the portal: a node (or a
    cluster) of their own, on their own ports, so that no other test is disturbed."""

    engine_port: int
    engine_start = "start"  # or "start-cluster"

    @classmethod
    def search_url(cls) -> str:
        return f"http://127.0.0.1:{cls.engine_port}"

    @classmethod
    def engine(cls, *command: str) -> None:
        environment = {
            **os.environ,
            "ENGINE_PORT": str(cls.engine_port),
            "ENGINE_DATA_DIR": cls.data_dir,
        }
        done = subprocess.run(["bash", str(ENGINE_SCRIPT), *command], env=environment,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        # The script says why it failed (the engine's last log lines): a bare exit status
        # in a CI log says nothing.
        assert done.returncode == 0, f"engine.sh {' '.join(command)}: {done.stderr}{done.stdout}"

    @classmethod
    def setUpClass(cls):
        require_engine()  # Java and the launcher work here; otherwise skip (or fail in CI).
        cls.data_dir = tempfile.mkdtemp(prefix="own-engine-")
        cls.engine(cls.engine_start)
        cls._own_override = override_settings(
            SEARCH_URL=cls.search_url(),
            SEARCH_INDEX_PREFIX=f"own-{uuid.uuid4().hex[:8]}",
            # A stopped node refuses connections at once; the timeout is for a busy one.
            SEARCH_TIMEOUT=30,
        )
        cls._own_override.enable()
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
            cls._own_override.disable()
            cls.engine("clean")

    def search(self, text: str) -> dict:
        """Through the portal's search API, as a partner system would ask."""
        response = self.client.get("/api/v1/search/", {"q": text})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def search_until_found(self, text: str) -> dict:
        # The engine makes new documents searchable within its refresh interval (1 s).
        for _ in range(20):
            answer = self.search(text)
            if answer["count"]:
                return answer
            time.sleep(0.5)
        return answer
