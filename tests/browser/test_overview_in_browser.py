import re

import pytest

from tests.browser import assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.django_db
class TestOverviewOfTheDemoEntries:
    """The tests only read: they share one live portal."""

    @pytest.fixture
    def portal(self, demo_portal_shared):
        return demo_portal_shared

    def test_the_overview_is_accessible_and_a_bar_leads_to_the_filtered_search(
        self, portal, page, axe
    ):
        page.goto(portal + "/en/overview/?ideologies=far-right")
        assert page.locator("h1").inner_text() == "Overview in figures"
        assert page.get_by_role("link", name=re.compile("^Remove filter Ideology")).is_visible()
        assert_accessible(axe, page)
        # The tables too, opened as a reader would open them.
        for summary in page.locator("details.overview-table summary").all():
            summary.click()
        assert_accessible(axe, page)

        bar = page.locator("#countries svg a").first
        name = bar.get_attribute("aria-label")
        country, count = re.fullmatch(r"(.+): (\d+) entr(?:y|ies)", name).groups()
        with page.expect_navigation():
            bar.click()
        assert "/en/search/" in page.url
        assert "ideologies=far-right" in page.url and "countries=" in page.url
        assert page.locator("#results-heading").inner_text() == (
            f"{count} result" if count == "1" else f"{count} results"
        )
        assert page.get_by_role("link", name=f"Remove filter Country: {country}").is_visible()

    def test_a_bad_parameter_is_named_on_an_accessible_page(self, portal, page, axe):
        response = page.goto(portal + "/fr/overview/?year_from=soon")
        assert response.status == 400
        assert "year_from" in page.get_by_role("alert").inner_text()
        assert_accessible(axe, page)

    def test_a_heat_map_cell_leads_to_the_search_of_its_domain_and_format(self, portal, page):
        page.goto(portal + "/en/overview/")
        cell = page.locator("#domains-formats svg a").first
        count = re.search(r": (\d+) entr", cell.get_attribute("aria-label")).group(1)
        with page.expect_navigation():
            cell.click()
        assert "domains=" in page.url and "formats=" in page.url
        assert page.locator("#results-heading").inner_text().startswith(f"{count} result")

    def test_a_year_leads_to_the_entries_started_that_year(self, portal, page):
        page.goto(portal + "/en/overview/")
        bar = page.locator("#years svg a").first
        count = re.search(r": (\d+) entr", bar.get_attribute("aria-label")).group(1)
        with page.expect_navigation():
            bar.click()
        assert "started=" in page.url
        assert page.locator("#results-heading").inner_text().startswith(f"{count} result")

    def test_on_a_phone_the_charts_words_stay_readable(self, portal, browser):
        context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
        page = context.new_page()
        page.goto(portal + "/en/overview/")
        # Drawn at their own size (12 px text), each in a figure that scrolls sideways;
        # the page itself does not.
        scales = page.evaluate(
            "() => [...document.querySelectorAll('.chart > svg')].map(svg => svg.getScreenCTM().a)"
        )
        assert scales and min(scales) >= 0.99, scales
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        context.close()
