import pytest
from django.test import override_settings

from entries.imports import entries_import
from tests.factories import fixture_lines


@pytest.fixture
def portal(portal_db, live_server, settings):
    """The live portal on the database search, with the seed and demo entries: its URL."""
    settings.SEARCH_URL = None
    with override_settings(SEARCH_URL=None):
        for name in ("seed-entries.jsonl", "demo-entries.jsonl"):
            assert entries_import(fixture_lines(name)).ok
    return live_server.url
