"""Briefings and comparisons in Chromium: laid out for print, and accessible (chosen across
pages: test_compare_selection_in_browser.py)."""

import pytest
from django.test import override_settings

from organisations.services import membership_set
from tests.briefings.corpus import (
    MEMBERS,
    PUBLIC_GOOD,
    PUBLIC_LESS_GOOD,
    corpus_create,
    key,
)
from tests.browser import assert_accessible, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(portal_db, live_server, settings):
    settings.SEARCH_URL = None
    with override_settings(SEARCH_URL=None):
        corpus_create()
    return live_server.url


def test_briefing_prints_without_navigation_one_entry_a_page_with_addresses(portal, page):
    page.goto(f"{portal}/en/briefing/?e={key(PUBLIC_GOOD)}&e={key(PUBLIC_LESS_GOOD)}")
    assert page.get_by_role("navigation", name="Main").is_visible()
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("link", name="Download as PDF").is_visible()
    breaks = page.locator(".briefing-entry").evaluate_all(
        "sections => sections.map(s => getComputedStyle(s).breakBefore)"
    )
    assert breaks == ["page", "page"]
    # The link to each entry is its full address, printed as such.
    address = page.locator(".briefing-entry .address").first
    assert address.inner_text() == f"{portal}/en/organisations/org-a/chat-good/"
    page.emulate_media(media="screen")
    assert page.get_by_role("navigation", name="Main").is_visible()


def test_a_relative_link_prints_its_address(portal, page):
    page.goto(f"{portal}/en/compare/?e={key(PUBLIC_GOOD)}&e={key(PUBLIC_LESS_GOOD)}")
    page.emulate_media(media="print")
    after = page.locator("table.compare thead a").first.evaluate(
        "a => getComputedStyle(a, '::after').content"
    )
    assert "/en/organisations/org-a/chat-good/" in after


def test_member_comparison_with_safety_is_accessible(portal, browser, live_server, axe):
    user = membership_set(username="member-a", organisation_id="org-a", role="member").user
    page = signed_in(browser, live_server, user)
    page.goto(f"{portal}/en/compare/?e={key(PUBLIC_GOOD)}&e={key(MEMBERS)}")
    assert page.get_by_role("rowheader", name="Safety and data protection").count() == 1
    assert "Zebra" in page.content()
    assert_accessible(axe, page)


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_comparison_errors_and_briefing_are_accessible_in_every_language(
    portal, page, axe, language
):
    for path in (
        f"/{language}/compare/",
        f"/{language}/compare/?e={key(PUBLIC_GOOD)}",
        f"/{language}/compare/?e={key(PUBLIC_GOOD)}&e={key(MEMBERS)}",
        f"/{language}/briefing/?formats=chat",
    ):
        page.goto(portal + path)
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(axe, page)
