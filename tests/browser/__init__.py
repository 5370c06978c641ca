from django.conf import settings
from django.test import Client

from tests.conftest import login_with_second_factor


def assert_accessible(axe, page):
    """axe-core finds no violation on the page as it stands."""
    violations = [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
        for violation in axe.run(page).response["violations"]
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
