import pytest

from tests.browser import assert_accessible
from vocabulary.models import Term

pytestmark = pytest.mark.browser


@pytest.mark.django_db
class TestSearchOnTheDemoEntries:
    """The tests only read: they share one live portal."""

    @pytest.fixture
    def portal(self, demo_portal_shared):
        return demo_portal_shared

    def test_ticking_a_facet_filters_at_once_and_the_back_button_undoes_it(self, portal, page, axe):
        page.goto(portal + "/search/?q=online")
        assert_accessible(axe, page)
        total = page.locator("#results-heading").inner_text()
        with page.expect_navigation():
            page.get_by_role("checkbox", name="Search advertising").click()
        assert "formats=search-advertising" in page.url
        assert page.get_by_role("link", name="The Redirect Method").is_visible()
        assert page.get_by_role(
            "link", name="Remove filter Format: Search advertising"
        ).is_visible()
        # A keyboard user carries on from the box they ticked, not from the top of the page.
        assert page.evaluate("document.activeElement.value") == "search-advertising"
        assert_accessible(axe, page)
        page.go_back()
        assert page.locator("#results-heading").inner_text() == total
        # The boxes show what the URL says, not what was ticked before going back.
        assert not page.get_by_role("checkbox", name="Search advertising").is_checked()

    def test_a_year_range_applies_with_enter_and_stays_when_a_facet_is_ticked(self, portal, page):
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

    def test_the_search_works_without_javascript(self, portal, browser):
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

    def test_suggestions_open_an_entry_or_apply_a_term_from_the_keyboard(self, portal, page, axe):
        page.goto(portal + "/search/")
        box = page.get_by_role("combobox", name="Search words")
        box.press_sequentially("redir", delay=50)
        option = page.get_by_role("option", name="The Redirect Method")
        option.wait_for(timeout=5000)
        assert box.get_attribute("aria-expanded") == "true"
        assert_accessible(axe, page)
        # Down to the entry, Enter: its page opens.
        position = page.get_by_role("option").all_inner_texts().index(option.inner_text())
        for _ in range(position + 1):
            box.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
        with page.expect_navigation():
            box.press("Enter")
        assert page.get_by_role("heading", name="The Redirect Method").is_visible()

        # A term found through its synonym becomes a filter; the words typed are gone.
        page.goto(portal + "/search/?sort=newest")
        box.press_sequentially("hotline", delay=50)
        with page.expect_navigation():
            page.get_by_role("option", name="Helpline").click()
        assert "formats=helpline" in page.url and "sort=newest" in page.url and "q=" not in page.url
        assert page.get_by_role("link", name="Remove filter Format: Helpline").is_visible()
        # Escape closes the suggestions and leaves the words.
        box.press_sequentially("redir", delay=50)
        page.get_by_role("option", name="The Redirect Method").wait_for(timeout=5000)
        box.press("Escape")
        assert page.get_by_role("listbox").is_hidden() and box.input_value() == "redir"

    def test_on_a_phone_results_come_first_and_filters_unfold(self, portal, browser, axe):
        context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
        page = context.new_page()
        page.goto(portal + "/search/?q=online")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        chat = page.get_by_role("checkbox", name="Text chat")
        assert not chat.is_visible()
        first_result = page.locator(".result").first
        assert first_result.bounding_box()["y"] < 740  # on the first screen, not below the filters
        assert_accessible(axe, page)
        page.get_by_text("Filters", exact=True).click()
        with page.expect_navigation():
            chat.click()
        # The filters stay open for whoever just used one, with the focus on that box.
        assert chat.is_visible() and chat.is_checked()
        assert chat.evaluate("el => el === document.activeElement")
        assert page.get_by_role("heading", name="Filters 1 selected").is_visible()
        context.close()

    def test_unknown_filters_get_one_notice_and_many_filters_fold_their_chips(
        self, portal, page, axe
    ):
        known = [
            f"{facet}={slug}" for facet, slug in Term.objects.values_list("facet", "slug")[:20]
        ]
        unknown = [f"formats=no-such-format-{n}" for n in range(30)]
        page.goto(portal + "/search/?" + "&".join(known + unknown))
        notice = page.locator("[data-unrecognised]")
        assert notice.inner_text().startswith("30 filters were not recognised and were ignored")
        assert page.get_by_text("more, under Filters").is_visible()
        assert_accessible(axe, page)
