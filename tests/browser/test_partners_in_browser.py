import pytest

from organisations.services import membership_set
from tests.browser import assert_accessible, signed_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db
class TestTheFinderForVisitors:
    """The tests only read: they share one live portal."""

    @pytest.fixture
    def portal(self, demo_portal_shared):
        return demo_portal_shared

    def test_a_visitor_describes_a_need_and_reads_the_ranked_partners(self, portal, page, axe):
        page.goto(portal + "/en/")
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Find partners"
        ).click()
        assert page.locator("h1").inner_text() == "Find partners"
        assert_accessible(axe, page)
        page.get_by_role("checkbox", name="Text chat").check()
        # The other groups are folded until opened.
        page.locator("summary", has_text="Counsellor profile").click()
        page.get_by_role("checkbox", name="Former extremist").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Find partners").click()
        assert "formats=chat" in page.url
        assert page.get_by_role("heading", name="How the ranking works").is_visible()
        # What was asked stays ticked, its group open.
        assert page.get_by_role("checkbox", name="Former extremist").is_checked()
        partners = page.locator("[data-partner]")
        assert partners.count() > 0
        first = partners.first
        assert first.get_by_role("heading", name="Covers").is_visible()
        # The first organisation's first entry is a link to an entry that shows the need.
        first.locator("[data-evidence] a").first.click()
        assert "/organisations/" in page.url

    @pytest.mark.parametrize("language", ["fr", "de"])
    def test_the_finder_is_accessible_in_french_and_german(self, portal, page, axe, language):
        page.goto(f"{portal}/{language}/partners/?formats=chat&ideologies=far-right&mode=online")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("[data-partner]").count() > 0
        assert_accessible(axe, page)


@pytest.mark.django_db(transaction=True)
def test_the_finder_is_accessible_to_a_member_and_with_a_notice(portal, browser, live_server, axe):
    member = membership_set(username="member", organisation_id="ran", role="member").user
    page = signed_in(browser, live_server, member)
    page.goto(f"{portal}/en/partners/?formats=chat&formats=carrier-pigeon&counsellor_choice=yes")
    assert page.locator("[data-unrecognised]").is_visible()
    assert page.locator("[data-partner]").count() > 0
    assert_accessible(axe, page)
    page.goto(f"{portal}/en/partners/?" + "&".join(["formats=chat"] * 101))
    assert page.get_by_role("alert").is_visible()
    assert_accessible(axe, page)
    page.context.close()
