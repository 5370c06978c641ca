import pytest
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from entries.imports import entries_import
from tests.browser import live_portal_shared
from tests.factories import fixture_lines


def seed_and_demo_entries_import() -> None:
    for name in ("seed-entries.jsonl", "demo-entries.jsonl"):
        assert entries_import(fixture_lines(name)).ok


@pytest.fixture
def portal(portal_db, live_server, settings):
    """The live portal on the database search, with the seed and demo entries: its URL."""
    settings.SEARCH_URL = None
    with override_settings(SEARCH_URL=None):
        seed_and_demo_entries_import()
    return live_server.url


@pytest.fixture(scope="session")
def live_server_shared(django_db_setup, django_db_blocker):
    """The live server of the classes of read-only browser tests (asking for pytest-django's
    `live_server` makes a test transactional). Like that one, it lives until the session
    ends: the browser keeps connections open, and their threads fail on a server stopped
    earlier, whose database connection is no longer shared with them."""
    with django_db_blocker.unblock():
        server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture(scope="class")
def demo_portal_shared(live_server_shared, django_db_blocker):
    """The live portal with the seed and demo entries, once for a class that only reads."""
    yield from live_portal_shared(
        django_db_blocker, live_server_shared, seed_and_demo_entries_import
    )
