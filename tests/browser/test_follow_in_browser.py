import pytest
from django.test import override_settings

from follow.models import SavedSearch
from organisations.services import membership_set
from tests.browser import assert_accessible, signed_in
from tests.factories import make_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal_with_a_chat_entry(portal_db, live_server, settings):
    settings.SEARCH_URL = None
    with override_settings(SEARCH_URL=None):
        make_entry(id="chat-entry", organisation={"id": "alpha", "name": "Alpha", "country": "DE"})
    return live_server.url


def test_a_member_saves_a_search_and_finds_it_on_their_page(
    portal_with_a_chat_entry, browser, live_server, axe
):
    member = membership_set(username="mia", organisation_id="alpha", role="member").user
    page = signed_in(browser, live_server, member)
    page.goto(f"{portal_with_a_chat_entry}/en/search/?q=chat&formats=chat")
    assert page.locator(".result").count() == 1
    # The menu's sign-out button stands on the line of its links.
    menu = page.get_by_role("navigation", name="Main")
    link = menu.get_by_role("link", name="Saved searches").bounding_box()
    button = menu.get_by_role("button", name="Sign out").bounding_box()
    assert abs((link["y"] + link["height"] / 2) - (button["y"] + button["height"] / 2)) <= 1
    page.get_by_text("Save this search").click()
    assert_accessible(axe, page)
    page.get_by_label("Name").fill("Chat services")
    page.get_by_label("E-mail digest").select_option("daily")
    with page.expect_navigation():
        page.get_by_role("button", name="Save search").click()
    assert page.url.endswith("/en/account/searches/")
    assert page.get_by_role("status").inner_text() == "Saved “Chat services”."
    saved = page.locator("[data-saved-search]")
    assert saved.count() == 1
    assert saved.get_by_role("link", name="Chat services").get_attribute("href") == (
        "/en/search/?q=chat&formats=chat"
    )
    assert saved.get_by_label("E-mail digest").input_value() == "daily"
    assert SavedSearch.objects.get(user=member).frequency == "daily"
    assert_accessible(axe, page)
    # A search that is none of the portal's is refused, saying why.
    add = page.get_by_role("region", name="Save a search by its address")
    add.get_by_label("Name").fill("Elsewhere")
    add.get_by_label("Search address").fill("https://example.org/?utm_source=mail")
    with page.expect_navigation():
        add.get_by_role("button", name="Save search").click()
    assert "unknown parameters: utm_source" in page.get_by_role("alert").inner_text()
    assert_accessible(axe, page)
    page.context.close()
