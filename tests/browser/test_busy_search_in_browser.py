"""What a reader sees when the database, answering for an engine that did not, cannot
answer within its budget (SEARCH_FALLBACK_TIMEOUT): the search page says the search is
busy and keeps the words, the overview a page in the portal's layout; both accessible."""

import pytest

from search.client import engine_mark_up
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A port where nothing answers: the connection is refused at once.
NOBODY_THERE = "http://127.0.0.1:9"


@pytest.fixture
def busy_portal(portal, settings):
    settings.SEARCH_URL = NOBODY_THERE
    settings.SEARCH_FALLBACK_TIMEOUT = 0
    yield portal
    engine_mark_up()


def test_a_busy_search_says_so_keeps_the_words_and_is_accessible(busy_portal, page, axe):
    response = page.goto(busy_portal + "/fr/search/?q=chat")
    assert response.status == 503
    assert page.get_by_text("La recherche est occupée.").is_visible()
    assert page.locator("main input[name=q]").input_value() == "chat"
    assert_accessible(axe, page)


def test_a_busy_overview_answers_in_the_portals_layout(busy_portal, page, axe):
    response = page.goto(busy_portal + "/de/overview/")
    assert response.status == 503
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("navigation", name="Hauptnavigation").is_visible()
    assert_accessible(axe, page)
