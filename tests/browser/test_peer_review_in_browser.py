"""In headless Chromium: a colleague of another organisation reviews an entry, comes back and
changes the verdict; and a list refuses a filter it cannot take, saying which."""

import pytest

from entries.models import PeerReview
from organisations.services import membership_set
from tests.browser import assert_accessible, signed_in
from tests.factories import make_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_colleague_reviews_an_entry_and_later_changes_the_verdict(
    portal_db, live_server, browser, axe
):
    entry = make_entry(id="chat-entry")
    reviewer = membership_set(username="rita", organisation_id="other-org", role="member").user
    page = signed_in(browser, live_server, reviewer)
    page.goto(live_server.url + entry.url)
    page.get_by_label("Short verdict").fill("Promising, but not yet evaluated.")
    page.get_by_role("button", name="Mark as peer reviewed").click()
    assert page.get_by_text("Promising, but not yet evaluated.").first.is_visible()

    verdict = page.get_by_label("Short verdict")
    assert verdict.input_value() == "Promising, but not yet evaluated."
    assert_accessible(axe, page)
    verdict.fill("Well evaluated since: a good practice.")
    page.get_by_role("button", name="Update my peer review").click()
    assert page.get_by_text("Well evaluated since: a good practice.").first.is_visible()
    assert page.get_by_text("Promising, but not yet evaluated.").count() == 0
    assert PeerReview.objects.filter(entry=entry).count() == 1
    page.context.close()


def test_a_list_names_the_filter_it_refuses(portal_db, live_server, page, axe):
    make_entry()
    query = "&".join(["countries=DE"] * 101)
    response = page.goto(f"{live_server.url}/entries/?{query}")
    assert response.status == 400
    alert = page.get_by_role("alert")
    assert "countries" in alert.inner_text()
    assert_accessible(axe, page)
    alert.get_by_role("link", name="Show the whole list").click()
    assert page.get_by_role("heading", name="All entries").is_visible()
    assert page.get_by_role("alert").count() == 0
