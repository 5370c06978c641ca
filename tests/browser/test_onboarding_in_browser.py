"""A person added by a moderator finds their way in: sets a password from the link, sets up
a second factor, keeps the backup codes shown once, signs in with one of them, and starts a
lesson from the dashboard. axe-core on each page they pass."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.services import membership_set
from tests.accounts.conftest import current_code
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "plum-harbour-lantern-42"


def assert_no_serious_violation(axe, page):
    """The admin is Wagtail's: what it gets wrong in small ways is its own; nothing serious
    may stand in an editor's way."""
    violations = [
        f"{violation['id']}: {violation['help']}"
        for violation in axe.run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert violations == [], violations


def test_added_member_sets_password_and_second_factor_then_starts_a_lesson(
    portal_db, live_server, page, axe
):
    membership_set(username="mona", organisation_id="org-a", role="moderator")
    out = StringIO()
    call_command(
        "add_member",
        "nadia",
        "--org",
        "org-a",
        "--role",
        "editor",
        "--email",
        "n@example.org",
        stdout=out,
    )
    link = re.search(r"/en/accounts/set-password/\S+/", out.getvalue()).group(0)

    page.goto(live_server.url + link)
    assert page.locator("h1").inner_text() == "Choose your password"
    assert_accessible(axe, page)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Save my password").click()
    page.wait_for_url("**/accounts/welcome/")

    page.goto(live_server.url + "/admin/")
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
    page.wait_for_url(live_server.url + "/admin/")

    # A new sign-in, with a backup code: the authenticator's code of this half-minute is
    # spent.
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    assert page.locator("h1").inner_text() == f"Sign in to {settings.WAGTAIL_SITE_NAME}"
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/verify/**")
    page.get_by_label("Six-digit code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/admin/")

    assert page.get_by_role("heading", name="Your entries").is_visible()
    assert page.get_by_role("link", name="New practice").is_visible()
    assert_no_serious_violation(axe, page)
    page.get_by_role("link", name="New lesson").click()
    page.wait_for_url("**/admin/pages/add/lessons/lessonpage/**")
    assert page.get_by_label("Title").first.is_visible()
