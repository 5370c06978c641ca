"""The comparison selection in Chromium with JavaScript switched off: entries added from
two search pages stay chosen through pages, filters and an entry's page, and lead to their
comparison and their briefing; the pages bearing the tray pass axe-core."""

import re

import pytest
from django.test import override_settings

from tests.briefings.corpus import PUBLIC, corpus_create, key
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASSESSMENT_LABELS = {
    "good": "Good practice",
    "promising": "Promising practice",
    "less-good": "Less good practice",
}


@pytest.fixture
def portal(portal_db, live_server, settings):
    settings.SEARCH_URL = None
    with override_settings(SEARCH_URL=None):
        corpus_create()
    return live_server.url


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def tray(page):
    return page.get_by_role("complementary", name="Comparison")


def card_titles(page) -> list[str]:
    return page.locator("article.result h3").all_inner_texts()


def add(page, title: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=f"Add to comparison {title}").click()
    assert page.get_by_role("button", name=f"Remove from comparison {title}").is_visible()


def accessible(browser, page, axe) -> None:
    """axe-core needs JavaScript: it checks the same page, in the same session, in a
    context where scripts run."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(page.context.cookies())
    checked = context.new_page()
    checked.goto(page.url)
    # The tray's list open, so that it is checked too.
    checked.locator(".comparison-tray summary").click()
    assert_accessible(axe, checked)
    context.close()


def test_three_entries_added_across_searches_lead_to_their_comparison_and_briefing(
    portal, browser, page_without_javascript, axe
):
    page = page_without_javascript
    by_title = {entry["title"]: entry for entry in PUBLIC}
    page.goto(portal + "/en/search/?sort=newest&page_size=2")
    assert tray(page).count() == 0
    first, second = card_titles(page)
    add(page, first)
    add(page, second)
    assert "Comparison (2)" in tray(page).inner_text()
    accessible(browser, page, axe)

    # Page 2: the two stay chosen.
    with page.expect_navigation():
        page.get_by_role("link", name="Next").click()
    assert "page=2" in page.url
    assert "Comparison (2)" in tray(page).inner_text()
    (third,) = card_titles(page)
    assert third not in (first, second)

    # A filtered search finds the third.
    assessment = page.locator("details.facet").filter(
        has=page.locator("summary", has_text="Assessment")
    )
    if assessment.get_attribute("open") is None:
        assessment.locator("summary").click()
    label = ASSESSMENT_LABELS[by_title[third]["assessment"]]
    assessment.get_by_role("checkbox", name=re.compile(f"^{label}")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "assessment=" in page.url
    add(page, third)
    assert "Comparison (3)" in tray(page).inner_text()

    # An entry's page, and back: the selection holds.
    with page.expect_navigation():
        page.locator("article.result").get_by_role("link", name=third, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == third
    assert page.get_by_role("button", name=f"Remove from comparison {third}").is_visible()
    assert "Comparison (3)" in tray(page).inner_text()
    accessible(browser, page, axe)
    page.go_back()
    assert "assessment=" in page.url
    assert page.get_by_role("button", name=f"Remove from comparison {third}").is_visible()
    tray(page).locator("summary").click()
    assert tray(page).get_by_role("link").filter(has_text=second).is_visible()

    # The comparison: three columns, in the order they were added.
    with page.expect_navigation():
        tray(page).get_by_role("link", name="Compare", exact=True).click()
    assert page.url.endswith("/en/compare/")
    headers = page.locator("table.compare").first.locator("thead th a")
    assert headers.all_inner_texts() == [first, second, third]
    # The rows the entries share open without JavaScript.
    page.get_by_text("on which all agree").click()
    assert page.get_by_role("table", name="Where the entries agree").is_visible()
    accessible(browser, page, axe)

    # The briefing: the same three.
    with page.expect_navigation():
        tray(page).get_by_role("link", name="Briefing", exact=True).click()
    assert "/en/briefing/?e=" in page.url
    titles = page.locator(".briefing-entry h2").all_inner_texts()
    assert [title.split(". ", 1)[1] for title in titles] == [first, second, third]
    accessible(browser, page, axe)


def test_a_comparison_on_a_phone_scrolls_in_its_region_and_cuts_no_word(portal, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{portal}/en/compare/?" + "&".join(f"e={key(entry)}" for entry in PUBLIC))
    # The aspects and the three entries; the aspects on which all agree fold below.
    assert page.locator(".compare").first.locator("thead th").count() == 4
    # The page itself stays on the screen; the comparison scrolls sideways in its region,
    # which the keyboard reaches.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    region = page.get_by_role("region", name="Comparison").first
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.compare__scroll').scrollLeft > 0")
    # No word is broken across two lines (a range of years may break after its dash), none
    # runs out of its cell.
    broken = page.evaluate(
        """() => {
            const broken = [];
            const cells = document.querySelectorAll('.compare__scroll .compare th, .compare__scroll .compare td');
            for (const cell of cells) {
                const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    for (const word of node.data.matchAll(/[^\\s–-]+/g)) {
                        const range = document.createRange();
                        range.setStart(node, word.index);
                        range.setEnd(node, word.index + word[0].length);
                        const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.bottom)));
                        if (lines.size > 1) broken.push(word[0]);
                    }
                }
                if (cell.scrollWidth > cell.clientWidth + 1) broken.push(cell.textContent.trim());
            }
            return broken;
        }"""
    )
    assert broken == []
    context.close()


def test_after_a_removal_the_keyboard_goes_on_from_the_tray_or_the_content(portal, page):
    page.goto(portal + "/en/search/?sort=newest&page_size=3")
    for title in card_titles(page):
        add(page, title)
    in_main = "document.activeElement.closest('main') !== null"

    # Remove a column on the comparison, by keyboard: the next Tab is in the page's content,
    # not back at the top of the page.
    page.goto(portal + "/en/compare/")
    page.get_by_role("button", name=re.compile("^Remove “")).first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Comparison (2)" in tray(page).inner_text()
    page.keyboard.press("Tab")
    assert page.evaluate(in_main)

    # Remove one from the tray: the next Tab stays in the tray.
    tray(page).locator("summary").focus()
    page.keyboard.press("Enter")
    tray(page).get_by_role("button", name=re.compile("^Remove ")).first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Comparison (1)" in tray(page).inner_text()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#comparison-tray') !== null")

    # Clearing goes on from the content: the tray is gone.
    tray(page).get_by_role("button", name="Clear").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert tray(page).count() == 0
    page.keyboard.press("Tab")
    assert page.evaluate(in_main)
