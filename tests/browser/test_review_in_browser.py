"""In headless Chromium: an editor changes an entry and submits it for review, the
organisation's moderator reads the draft, approves it, and the change is live."""

import pytest

from organisations.services import membership_set
from tests.browser import assert_accessible, signed_in
from tests.factories import make_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORG_A = {"id": "org-a", "name": "Organisation A", "country": "DE"}
CHANGED_TITLE = "Chat counselling for leavers, reviewed"


@pytest.fixture
def entry(portal_db):
    return make_entry(id="chat-entry", organisation=ORG_A, visibility="public")


def test_editor_submits_moderator_previews_and_approves_and_the_change_goes_live(
    live_server, browser, axe, entry
):
    editor = membership_set(username="edith", organisation_id="org-a", role="editor").user
    moderator = membership_set(username="mona", organisation_id="org-a", role="moderator").user
    edit_url = f"{live_server.url}/admin/pages/{entry.pk}/edit/"

    as_editor = signed_in(browser, live_server, editor)
    as_editor.goto(edit_url)
    as_editor.locator("#id_title").fill(CHANGED_TITLE)
    as_editor.get_by_role("button", name="More actions").click()
    as_editor.get_by_role(
        "button", name="Submit to Review by the moderators of Organisation A"
    ).click()
    as_editor.wait_for_url(f"{live_server.url}/admin/pages/{entry.get_parent().pk}/")
    as_editor.context.close()

    anonymous = browser.new_page()
    anonymous.goto(live_server.url + entry.url)
    assert anonymous.locator("h1").inner_text() != CHANGED_TITLE  # not live before approval

    as_moderator = signed_in(browser, live_server, moderator)
    as_moderator.goto(f"{live_server.url}/admin/pages/{entry.pk}/view_draft/")
    assert as_moderator.locator("h1").inner_text() == CHANGED_TITLE
    assert_accessible(axe, as_moderator)

    as_moderator.goto(edit_url)
    as_moderator.get_by_role("button", name="More actions").click()
    as_moderator.get_by_role("button", name="Approve and Publish").click()
    as_moderator.wait_for_url(f"{live_server.url}/admin/pages/{entry.get_parent().pk}/")
    as_moderator.context.close()

    anonymous.goto(live_server.url + entry.url)
    assert anonymous.locator("h1").inner_text() == CHANGED_TITLE
    anonymous.context.close()
