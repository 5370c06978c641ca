import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from vocabulary.services import vocabulary_load

# The hostile-input tests draw new cases on every run on a developer's machine, so that they
# keep finding things (a failing case is kept in .hypothesis/ and tried first next time).
# CI replays one fixed series, so that a submission is judged on cases someone has run.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def portal_db(db):
    """An empty portal: home page, /organisations/ (which every migrated database has)
    and the controlled vocabulary."""
    vocabulary_load()


T = TypeVar("T")


def shared_data(django_db_blocker, load: Callable[[], T]) -> Iterator[T]:
    """Data loaded once for the read-only tests of a class or module: Django's
    TestCase.setUpTestData for pytest. `yield from` it in a class- or module-scoped fixture
    that asks for `django_db_setup` and `django_db_blocker`.

    load() runs inside a transaction held open while the fixture lives; each test then runs
    in its own savepoint inside it (pytest-django's `db` nests its atomic block), so what a
    test writes is rolled back before the next test, and the shared data with everything
    else is rolled back after the last. Transactions and savepoints behave alike on SQLite
    and PostgreSQL. Every test that runs while the data lives sees it: so a module-scoped
    fixture is for modules whose tests all use it, otherwise group the tests in a class
    (a class-scoped fixture asked for by a function outside a class lives for that test
    only). Fixtures hand tests fresh instances, read again from the database, not the
    objects load() made. Not for transactional tests (live_server, transactional_db):
    they commit and flush the database, so they load their own data."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            data = load()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def interface_language_reset():
    """A request leaves its language active in the thread (LocaleMiddleware activates one
    and nothing deactivates it): each test starts from the default, English."""
    yield
    translation.deactivate()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "x" * 16)


@pytest.fixture
def wsgi_keeps_test_connection():
    """For tests that call the WSGI application directly (not through Django's test client):
    Django closes a connection left inside a transaction at each request's start and end,
    and on PostgreSQL that is the test's own connection (an in-memory SQLite one survives).
    The test client disconnects the same handler around its requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def login_with_second_factor(client, user):
    """Sign a user in to the admin as if they had typed a valid TOTP code (editors,
    moderators and staff must have a second factor in this session).
    The one sign-in helper of the tests: the browser tests start from its session."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


# Headless Debian Chromium driven by Playwright, shared by every browser test.

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# to build their data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed at /usr/bin/chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def browser_pages_closed(request):
    """Every page a browser test opened is closed when it ends, passed or failed: a page
    left open keeps its connections to the live server, whose threads then fail when the
    server has stopped first (at the session's end)."""
    browser = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    yield
    for context in browser.contexts if browser else ():
        context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()
