import pytest
from django.test import override_settings

from entries.services import entries_import
from tests.browser import assert_accessible
from tests.factories import fixture_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(portal_db, live_server, settings):
    settings.SEARCH_URL = None
    with override_settings(SEARCH_URL=None):
        for name in ("seed-entries.jsonl", "demo-entries.jsonl"):
            assert entries_import(fixture_lines(name)).ok
    return live_server.url


def test_ticking_a_facet_filters_at_once_and_the_back_button_undoes_it(portal, page, axe):
    page.goto(portal + "/search/?q=online")
    assert_accessible(axe, page)
    total = page.locator("#results-heading").inner_text()
    with page.expect_navigation():
        page.get_by_role("checkbox", name="Search advertising").click()
    assert "formats=search-advertising" in page.url
    assert page.get_by_role("link", name="The Redirect Method").is_visible()
    assert page.get_by_role("link", name="Remove filter Format: Search advertising").is_visible()
    # A keyboard user carries on from the box they ticked, not from the top of the page.
    assert page.evaluate("document.activeElement.value") == "search-advertising"
    assert_accessible(axe, page)
    page.go_back()
    assert page.locator("#results-heading").inner_text() == total
    # The boxes show what the URL says, not what was ticked before going back.
    assert not page.get_by_role("checkbox", name="Search advertising").is_checked()


def test_a_year_range_applies_with_enter_and_stays_when_a_facet_is_ticked(portal, page):
    page.goto(portal + "/search/?sort=newest")
    page.get_by_text("Years", exact=True).click()
    with page.expect_navigation():
        page.get_by_label("Active from").fill("2016")
        page.get_by_label("Active from").press("Enter")
    assert "year_from=2016" in page.url and "year_to" not in page.url
    assert page.get_by_role("link", name="Remove filter Years: Active from 2016").is_visible()
    assert page.get_by_role("spinbutton", name="Active from").evaluate(
        "el => el === document.activeElement"
    )
    with page.expect_navigation():
        page.get_by_role("checkbox", name="Text chat").click()
    assert "year_from=2016" in page.url and "sort=newest" in page.url
    assert "formats=chat" in page.url


def test_the_search_works_without_javascript(portal, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(portal + "/search/")
    page.get_by_label("Search words").fill("redirect")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="The Redirect Method").is_visible()
    page.get_by_role("checkbox", name="Search advertising").click()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "formats=search-advertising" in page.url
    page.get_by_role("link", name="Clear all").click()
    page.wait_for_load_state()
    assert "formats" not in page.url
    context.close()


def test_autocomplete_offers_titles(portal, page):
    page.goto(portal + "/search/")
    page.get_by_label("Search words").press_sequentially("redir", delay=50)
    page.locator("#search-suggestions option").first.wait_for(state="attached", timeout=5000)
    options = page.eval_on_selector_all(
        "#search-suggestions option", "els => els.map(e => e.value)"
    )
    assert "The Redirect Method" in options
