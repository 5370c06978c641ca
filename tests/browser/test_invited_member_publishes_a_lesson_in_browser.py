"""Issue 12's way in, end to end in headless Chromium: a moderator invites a person from the
members admin; the person opens the e-mailed link, makes an account, pairs an authenticator
app, keeps the backup codes shown once, signs in again (password and a backup code), starts
a lesson from the dashboard's "New lesson", is refused submission while it lacks
recommendations, completes and submits it; the moderator finds it on their dashboard,
previews and approves it; an anonymous visitor reads it and the public search finds it.
axe-core on each page the person sees."""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from entries.models import EntryPage
from organisations.services import membership_set, organisation_upsert
from tests.accounts.conftest import current_code
from tests.browser import assert_accessible, axe_violations, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "nadia@example.org"
PASSWORD = "plum-harbour-lantern-42"
# Accented, as many titles are: the admin makes the entry's id (its slug) in ASCII.
TITLE = "Closing chat counselling with a farewell letter (Abschiedsbrief für Klienten)"
RECOMMENDATION = "Write the letter together."
NEEDS_RECOMMENDATION = (
    "A lesson needs at least one recommendation before it is submitted or published."
)
# Milliseconds to wait for the admin's answer on a machine shared with other test runs.
SLOW = 60_000


def assert_no_serious_violation(axe, page):
    """axe-core finds nothing serious or critical (Wagtail's own minor ones aside)."""
    violations = [
        f"{violation['id']}: {violation['help']} "
        f"({', '.join(str(node['target']) for node in violation['nodes'])})"
        for violation in axe_violations(axe, page)
        if violation["impact"] in ("serious", "critical")
    ]
    assert violations == [], violations


def submit_for_review(page):
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Review by the moderators of Organisation A").click()


@pytest.fixture
def live_portal(portal_db, live_server):
    """The live portal, searching its database, without the admin's autosave: on the tests'
    SQLite database the live server's threads and this test share one connection, and an
    autosave under way when the form is submitted, or the database read, makes one of them
    fail ("table is locked"). A person's browser against PostgreSQL does not meet this."""
    with override_settings(SEARCH_URL=None, WAGTAIL_AUTOSAVE_INTERVAL=0):
        yield live_server


def test_an_invited_person_publishes_a_lesson_that_a_moderator_approves(
    live_portal, browser, page, axe, mailoutbox
):
    portal = live_portal.url
    organisation = organisation_upsert(id="org-a", name="Organisation A")
    moderator = membership_set(username="mona", organisation_id="org-a", role="moderator").user

    # The moderator invites from the members admin.
    as_moderator = signed_in(browser, live_portal, moderator)
    as_moderator.goto(f"{portal}/admin/members/")
    as_moderator.locator("#main").get_by_role("link", name="Invite a member").click()
    as_moderator.get_by_label("Organisation").select_option(label="Organisation A")
    as_moderator.get_by_label("E-mail address").fill(EMAIL)
    as_moderator.get_by_label("Role").select_option("editor")
    as_moderator.get_by_role("button", name="Send invitation").click()
    expect(as_moderator.get_by_text(f"Invitation sent to {EMAIL}")).to_be_visible(timeout=SLOW)
    [invitation] = mailoutbox
    assert invitation.to == [EMAIL]
    link = re.search(r"/en/accounts/invitation/\S+/", invitation.body).group(0)

    # The person makes an account from the link.
    page.goto(portal + link)
    assert page.locator("h1").inner_text() == "Join Organisation A"
    assert_accessible(axe, page)
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Make my account").click()
    page.wait_for_url("**/accounts/welcome/")

    # The admin asks an editor for a second factor before anything else.
    page.goto(f"{portal}/admin/")
    page.wait_for_url("**/accounts/2fa/setup/**")
    assert_accessible(axe, page)
    device = TOTPDevice.objects.get(user__username="nadia")
    page.get_by_label("Six-digit code from your authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("h1").inner_text() == "Your backup codes"
    codes = page.locator(".backup-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(axe, page)
    page.get_by_role("link", name="I have saved my codes: continue").click()
    page.wait_for_url(f"{portal}/admin/")

    # A new sign-in, with a backup code: the authenticator's code of this half-minute is
    # spent.
    page.context.clear_cookies()
    page.goto(f"{portal}/admin/login/")
    assert page.locator("h1").inner_text() == f"Sign in to {settings.WAGTAIL_SITE_NAME}"
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/verify/**")
    page.get_by_label("Six-digit code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{portal}/admin/")

    # The lesson, from the dashboard.
    assert page.get_by_role("heading", name="Your entries").is_visible()
    assert_no_serious_violation(axe, page)
    page.get_by_role("link", name="New lesson").click()
    page.wait_for_url(f"**/admin/pages/add/lessons/lessonpage/{organisation.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_visibility").select_option("public")
    page.locator("#id_summary").fill(
        "A farewell letter at the last session helps clients keep what they learned."
    )
    page.locator("#id_what_worked").fill("Clients kept the letters and reread them.")
    page.get_by_role("tab", name="Classification").click()
    page.get_by_label("Text chat").check()
    page.get_by_label("Exit work").check()
    submit_for_review(page)

    recommendations = page.locator("#panel-child-content-recommendations-section")
    expect(recommendations.get_by_text(NEEDS_RECOMMENDATION)).to_be_visible(timeout=SLOW)
    # Nothing is stored, so nothing is sent to review.
    assert not EntryPage.objects.filter(title=TITLE).exists()
    assert_no_serious_violation(axe, page)

    recommendations.get_by_role("button", name="Add Recommendation").click()
    page.locator("#id_recommendations-0-text").fill(RECOMMENDATION)
    submit_for_review(page)
    page.wait_for_url(f"{portal}/admin/pages/{organisation.pk}/", timeout=SLOW)
    lesson = EntryPage.objects.get(title=TITLE)
    assert lesson.slug.isascii() and "abschiedsbrief-f" in lesson.slug, lesson.slug
    assert lesson.workflow_in_progress
    assert not lesson.live

    # The moderator, in a browser context of their own, finds it on their dashboard,
    # previews and approves it.
    as_moderator.goto(f"{portal}/admin/")
    awaiting_review = as_moderator.get_by_role("region", name="Awaiting your review")
    awaiting_review.get_by_role("link", name=TITLE).click()
    as_moderator.wait_for_url(f"{portal}/admin/pages/{lesson.pk}/edit/")
    as_moderator.goto(f"{portal}/admin/pages/{lesson.pk}/view_draft/")
    assert as_moderator.locator("h1").inner_text() == TITLE
    assert as_moderator.get_by_text(RECOMMENDATION).is_visible()
    as_moderator.goto(f"{portal}/admin/pages/{lesson.pk}/edit/")
    as_moderator.get_by_role("button", name="More actions").click()
    as_moderator.get_by_role("button", name="Approve and Publish").click()
    as_moderator.wait_for_url(f"{portal}/admin/pages/{organisation.pk}/", timeout=SLOW)
    as_moderator.context.close()

    # Live for anyone, and found by the public search.
    anonymous = browser.new_page()
    anonymous.goto(f"{portal}/en/search/?q=farewell+letter")
    anonymous.get_by_role("link", name=TITLE).click()
    assert anonymous.locator("h1").inner_text() == TITLE
    assert anonymous.get_by_text(RECOMMENDATION).is_visible()
    anonymous.context.close()
