"""In headless Chromium: an editor writes a new lesson in the admin, is refused submission
while it lacks recommendations (the message beside them), adds one and submits it; the
moderator reads the preview and approves it; the public search finds it."""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from entries.models import EntryPage
from organisations.services import membership_set, organisation_upsert
from tests.browser import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Closing chat counselling with a farewell letter"
# Milliseconds to wait for the admin's answer on a machine shared with other test runs.
SLOW = 60_000
NEEDS_RECOMMENDATION = (
    "A lesson needs at least one recommendation before it is submitted or published."
)


def assert_no_serious_violation(axe, page):
    """axe-core finds nothing serious or critical (Wagtail's own minor ones aside)."""
    violations = [
        f"{violation['id']}: {violation['help']} "
        f"({', '.join(str(node['target']) for node in violation['nodes'])})"
        for violation in axe.run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert violations == [], violations


def submit_for_review(page):
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Review by the moderators of Organisation A").click()


@pytest.fixture
def live_portal(portal_db, live_server):
    """The live portal, searching its database."""
    with override_settings(SEARCH_URL=None):
        yield live_server


def test_an_editor_completes_a_refused_lesson_and_the_approved_lesson_is_found(
    live_portal, browser, axe
):
    portal = live_portal.url
    organisation = organisation_upsert(id="org-a", name="Organisation A")
    editor = membership_set(username="edith", organisation_id="org-a", role="editor").user
    moderator = membership_set(username="mona", organisation_id="org-a", role="moderator").user

    as_editor = signed_in(browser, live_portal, editor)
    as_editor.goto(f"{portal}/admin/pages/add/lessons/lessonpage/{organisation.pk}/")
    as_editor.locator("#id_title").fill(TITLE)
    as_editor.locator("#id_visibility").select_option("public")
    as_editor.locator("#id_summary").fill(
        "A farewell letter at the last session helps clients keep what they learned."
    )
    as_editor.locator("#id_what_worked").fill("Clients kept the letters and reread them.")
    as_editor.get_by_role("tab", name="Classification").click()
    as_editor.get_by_label("Text chat").check()
    as_editor.get_by_label("Exit work").check()
    # The admin saves a new page as a draft by itself once typed into, and the form then
    # edits that draft: as a person, who types slower than this test, would find it.
    as_editor.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"), timeout=SLOW)
    submit_for_review(as_editor)

    recommendations = as_editor.locator("#panel-child-content-recommendations-section")
    expect(recommendations.get_by_text(NEEDS_RECOMMENDATION)).to_be_visible(timeout=SLOW)
    # The admin keeps what was typed as a draft; it is not sent to review.
    assert not any(draft.workflow_in_progress for draft in EntryPage.objects.filter(title=TITLE))
    assert_no_serious_violation(axe, as_editor)

    recommendations.get_by_role("button", name="Add Recommendation").click()
    as_editor.locator("#id_recommendations-0-text").fill("Write the letter together.")
    submit_for_review(as_editor)
    as_editor.wait_for_url(f"{portal}/admin/pages/{organisation.pk}/", timeout=SLOW)
    as_editor.context.close()

    lesson = EntryPage.objects.get(title=TITLE)
    as_moderator = signed_in(browser, live_portal, moderator)
    as_moderator.goto(f"{portal}/admin/pages/{lesson.pk}/view_draft/")
    assert as_moderator.locator("h1").inner_text() == TITLE
    assert as_moderator.get_by_text("Write the letter together.").is_visible()
    as_moderator.goto(f"{portal}/admin/pages/{lesson.pk}/edit/")
    as_moderator.get_by_role("button", name="More actions").click()
    as_moderator.get_by_role("button", name="Approve and Publish").click()
    as_moderator.wait_for_url(f"{portal}/admin/pages/{organisation.pk}/", timeout=SLOW)
    as_moderator.context.close()

    anonymous = browser.new_page()
    anonymous.goto(f"{portal}/en/search/?q=farewell+letter")
    anonymous.get_by_role("link", name=TITLE).click()
    assert anonymous.locator("h1").inner_text() == TITLE
    assert anonymous.get_by_text("Write the letter together.").is_visible()
    anonymous.context.close()
