"""An entry page, an organisation page and the 404 and 403 pages, as a reader sees them:
accessible (axe-core), and leading on."""

import pytest

from organisations.services import membership_set
from tests.browser import assert_accessible, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRY = "/en/organisations/isd/isd-one-to-one/"
PASSWORD = "a long passphrase for tests"


def test_an_entry_page_leads_to_its_organisation_and_to_the_search(portal, page, axe):
    page.goto(portal + ENTRY)
    assert_accessible(axe, page)
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert breadcrumbs.get_by_role("link", name="Home").is_visible()
    facts = page.get_by_role("complementary", name="At a glance")
    facts.locator(".chips a").first.click()
    page.wait_for_load_state()
    assert "/en/search/?" in page.url
    # The search filtered to the entry's term finds the entry.
    assert page.locator("main").get_by_role("link", name="One-to-one online interventions").count()
    page.go_back()
    breadcrumbs.get_by_role("link", name="Institute for Strategic Dialogue").click()
    assert page.locator("h1").inner_text() == "Institute for Strategic Dialogue"


def test_an_organisation_page_is_accessible_to_visitors_and_members(
    portal, page, browser, live_server, axe
):
    page.goto(portal + "/fr/organisations/isd/")
    assert page.get_by_role("navigation", name="Fil d’Ariane").is_visible()
    assert page.get_by_role("heading", name="À propos de l’organisation").is_visible()
    assert_accessible(axe, page)
    member = membership_set(username="reader", organisation_id="isd", role="member").user
    members_page = signed_in(browser, live_server, member)
    members_page.goto(portal + "/en/organisations/isd/")
    assert_accessible(axe, members_page)
    members_page.context.close()


def test_the_404_of_an_entry_address_signs_a_member_in_and_back(portal, page, axe):
    address = "/en/organisations/ran/back-end-security-and-supervision/"
    response = page.goto(portal + address)
    assert response.status == 404
    assert page.get_by_role("search").is_visible()
    assert_accessible(axe, page)
    member = membership_set(username="ran-reader", organisation_id="ran", role="member").user
    member.set_password(PASSWORD)
    member.save()
    # The page itself names no address; the browser adds the way back to the link.
    page.locator("main").get_by_role("link", name="sign in").click()
    page.get_by_label("Username").fill("ran-reader")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(portal + address)
    assert page.locator("h1").inner_text().startswith("Sécuriser les interventions en ligne")


def test_the_403_page_is_in_the_portals_layout(portal, browser, live_server, axe):
    # A member of another organisation may review the entry, but not in the name of the
    # organisation that published it: a form altered to ask for that is refused.
    member = membership_set(username="jigsaw-member", organisation_id="jigsaw", role="member").user
    page = signed_in(browser, live_server, member)
    page.goto(portal + ENTRY.replace("/en/", "/fr/"))
    page.locator("#review-voice option").first.evaluate("option => { option.value = 'isd'; }")
    page.get_by_label("Avis succinct").fill("Très utile.")
    with page.expect_navigation() as navigation:
        page.locator(".review-form button").click()
    assert navigation.value.status == 403
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Action non autorisée"
    assert page.get_by_role("navigation", name="Navigation principale").is_visible()
    assert page.get_by_role("search").is_visible()
    assert_accessible(axe, page)
    page.context.close()
