"""The reading flow in another language: switch to French on the home page, search, tick a
facet, open an entry, go to another language version. At every step the page is in the
chosen language, and its address shows the same page in the same language to anyone."""

from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from entries.imports import entries_import
from tests.browser import assert_accessible
from tests.factories import fixture_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRY_FR = "/organisations/isd/isd-one-to-one-fr/"
ENTRY_EN = "/organisations/isd/isd-one-to-one/"


@pytest.fixture
def portal(portal_db, live_server, settings):
    settings.SEARCH_URL = None
    with override_settings(SEARCH_URL=None):
        assert entries_import(fixture_lines("seed-entries.jsonl")).ok
    return live_server.url


def assert_in_language(page, language: str) -> None:
    """The page is in this language: its address's prefix, <html lang>, and the words of
    its navigation."""
    assert urlsplit(page.url).path.startswith(f"/{language}/"), page.url
    assert page.locator("html").get_attribute("lang") == language
    with translation.override(language):
        words = [gettext("Practices"), gettext("Lessons learned"), gettext("Search")]
    navigation = page.locator("header nav").inner_text()
    for word in words:
        assert word in navigation, (word, navigation)


def assert_shareable(browser, url: str, language: str) -> None:
    """The address opened by someone else (no cookie, a browser asking for German) shows
    the page in the same language."""
    context = browser.new_context(locale="de-DE")
    try:
        other = context.new_page()
        other.goto(url)
        assert other.url == url
        assert_in_language(other, language)
    finally:
        context.close()


def test_a_reader_switches_to_french_and_stays_in_it_from_search_to_entry(
    portal, page, browser, axe
):
    page.goto(portal + "/")
    assert_in_language(page, "en")
    switcher = page.locator(".language-switcher")
    assert switcher.get_by_role("button", name="English").get_attribute("aria-current") == "true"
    assert_accessible(axe, page)

    with page.expect_navigation():
        switcher.get_by_role("button", name="Français").click()
    assert urlsplit(page.url).path == "/fr/"
    assert_in_language(page, "fr")
    assert switcher.get_by_role("button", name="Français").get_attribute("aria-current") == "true"
    assert_shareable(browser, page.url, "fr")

    page.locator("#home-q").fill("interventions")
    with page.expect_navigation():
        page.locator("#home-q").press("Enter")
    assert urlsplit(page.url).path == "/fr/search/" and "q=interventions" in page.url
    assert_in_language(page, "fr")
    assert_shareable(browser, page.url, "fr")

    # The filters apply as they are ticked.
    with page.expect_navigation():
        page.locator('[data-facet-form] input[name="formats"][value="chat"]').click()
    assert urlsplit(page.url).path == "/fr/search/"
    assert "formats=chat" in page.url and "q=interventions" in page.url
    assert_in_language(page, "fr")
    assert_shareable(browser, page.url, "fr")

    with page.expect_navigation():
        page.locator(f'main a[href="/fr{ENTRY_FR}"]').first.click()
    assert urlsplit(page.url).path == f"/fr{ENTRY_FR}"
    assert_in_language(page, "fr")
    assert page.locator("h1").get_attribute("lang") == "fr"
    assert_shareable(browser, page.url, "fr")

    # The English original, framed in French: the reader's language stays.
    with page.expect_navigation():
        page.locator('main a[hreflang="en"]').first.click()
    assert urlsplit(page.url).path == f"/fr{ENTRY_EN}"
    assert_in_language(page, "fr")
    assert page.locator("h1").get_attribute("lang") == "en"
    assert_shareable(browser, page.url, "fr")

    # And the whole page in English, through the switcher.
    with page.expect_navigation():
        switcher.get_by_role("button", name="English").click()
    assert urlsplit(page.url).path == f"/en{ENTRY_EN}"
    assert_in_language(page, "en")
    assert_shareable(browser, page.url, "en")

    # The choice is remembered: an address without a language opens in English now.
    page.goto(portal + "/search/")
    assert_in_language(page, "en")


def test_a_reader_whose_browser_keeps_no_cookies_still_reaches_another_language(portal, page, axe):
    page.goto(portal + "/en/search/?q=chat")
    # As a browser blocking this site's cookies: the switcher's form arrives without the
    # token's cookie, and is refused with a page that links the languages instead.
    page.context.clear_cookies()
    page.locator(".language-switcher").get_by_role("button", name="Deutsch").click()
    assert page.get_by_role("heading", level=1).inner_text() == "The form could not be sent"
    assert_accessible(axe, page)
    page.locator("main").get_by_role("link", name="Deutsch").click()
    assert page.url == portal + "/de/search/?q=chat"
    assert_in_language(page, "de")
