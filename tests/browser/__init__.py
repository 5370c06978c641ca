from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings
from pytest_django.live_server_helper import LiveServer

from tests.conftest import login_with_second_factor
from vocabulary.services import vocabulary_load

# A message still fading in has colours half-way to its own: axe, run then, finds contrast
# a reader never sees (it did on a loaded machine). Finite transitions and animations end
# first; endless ones (spinners) are left running.
ANIMATIONS_ENDED = """() => Promise.all(document.getAnimations()
    .filter(animation => animation.effect
        && animation.effect.getComputedTiming().endTime !== Infinity)
    .map(animation => animation.finished.catch(() => null)))"""


def axe_violations(axe, page) -> list[dict]:
    """axe-core's violations on the page once it has settled."""
    page.evaluate(ANIMATIONS_ENDED)
    return axe.run(page).response["violations"]


def assert_accessible(axe, page):
    """axe-core finds no violation on the page as it stands."""
    violations = [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
        for violation in axe_violations(axe, page)
    ]
    assert violations == [], violations


def signed_in(browser, live_server, user):
    """A browser page whose session has passed the second factor, as after typing a code."""
    client = Client()
    login_with_second_factor(client, user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def live_portal_shared(
    django_db_blocker, server: LiveServer, load: Callable[[], None]
) -> Iterator[str]:
    """The URL of a live portal on the database search for browser tests that only
    read, grouped in a class marked `django_db` and served by `live_server_shared`: the
    vocabulary and load()'s content are committed once, and flushed after the class, as a
    transactional test (`portal`) flushes after itself. `yield from` it in a class-scoped
    fixture that asks for `live_server_shared` and `django_db_blocker`. Each test runs in
    a transaction rolled back after it, as under `db`; the server reads the committed
    content. A test that writes through the portal keeps a `portal` of its own."""
    search_off = override_settings(SEARCH_URL=None)
    search_off.enable()
    server._live_server_modified_settings.enable()  # its host in ALLOWED_HOSTS
    try:
        with django_db_blocker.unblock():
            vocabulary_load()
            load()
        yield server.url
    finally:
        server._live_server_modified_settings.disable()
        search_off.disable()
        with django_db_blocker.unblock():
            for alias in connections:
                call_command(
                    "flush", verbosity=0, interactive=False, database=alias, reset_sequences=False
                )
