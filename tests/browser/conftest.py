from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from entries.imports import entries_import
from tests.factories import fixture_lines
from vocabulary.services import vocabulary_load


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


def live_portal_shared(django_db_blocker, load: Callable[[], None]) -> Iterator[str]:
    """A live portal on the database search for browser tests that only read, grouped in a
    class marked `django_db`: the vocabulary and load()'s content are committed once,
    served by a live server of the class's own, and flushed after the class, as a
    transactional test (`portal`) flushes after itself. `yield from` it in a class-scoped
    fixture that asks for `django_db_setup` and `django_db_blocker`. Each test runs in a
    transaction rolled back after it, as under `db`; the server reads the committed
    content. A test that writes through the portal keeps a `portal` of its own."""
    search_off = override_settings(SEARCH_URL=None)
    search_off.enable()
    try:
        with django_db_blocker.unblock():
            vocabulary_load()
            load()
            server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
    finally:
        search_off.disable()
        with django_db_blocker.unblock():
            for alias in connections:
                call_command(
                    "flush", verbosity=0, interactive=False, database=alias, reset_sequences=False
                )


@pytest.fixture(scope="class")
def demo_portal_shared(django_db_setup, django_db_blocker):
    """The live portal with the seed and demo entries, once for a class that only reads."""
    yield from live_portal_shared(django_db_blocker, seed_and_demo_entries_import)
