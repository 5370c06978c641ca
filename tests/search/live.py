"""A live engine for test classes: a throwaway index prefix, built once per class from the
class's test data, deleted afterwards."""

import os
import unittest
import uuid

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
    the index is built after setUpTestData and deleted after the class."""

    engine_name = ENGINE_NAME
    _override = None

    @classmethod
    def setUpClass(cls):
        require_engine()
        cls._override = override_settings(
            SEARCH_URL=ENGINE_URL,
            SEARCH_ENGINE=ENGINE_NAME,
            SEARCH_INDEX_PREFIX=f"test-{uuid.uuid4().hex[:10]}",
            SEARCH_TIMEOUT=30,
        )
        cls._override.enable()
        engine_mark_up()
        try:
            super().setUpClass()
        except Exception:
            index_drop_all()
            cls._override.disable()
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
            index_drop_all()
            cls._override.disable()
