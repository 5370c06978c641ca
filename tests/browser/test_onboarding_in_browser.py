"""A person added with `add_member` (not invited from the admin) finds their way in: the
printed set-password link lets them choose a password, and that password signs them in,
on to the second factor. The rest of the way in (second factor, backup codes, the
dashboard) is the invited person's, in test_invited_member_publishes_a_lesson_in_browser."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from organisations.services import organisation_upsert
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "plum-harbour-lantern-42"


def test_a_member_added_on_the_command_line_sets_a_password_and_signs_in(
    portal_db, live_server, page, axe
):
    organisation_upsert(id="org-a", name="Organisation A")
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
    assert page.locator("h1").inner_text() == "Welcome, nadia"
    assert page.get_by_role("link", name="Organisation A").is_visible()
    assert_accessible(axe, page)

    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/setup/**")
