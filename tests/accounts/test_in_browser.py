"""In headless Chromium: the admin works under its Content-Security-Policy, the public site
breaks none of its rules, and the account pages pass axe-core."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import invitation_create
from organisations.models import Role
from tests.accounts.conftest import PASSWORD, current_code
from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def csp_violations(page):
    messages = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def test_superuser_signs_in_with_a_code_and_edits_a_page_without_csp_errors(
    live_server,
    org_a,
    make_user,
    page,
    csp_violations,
):
    user = make_user("root2", is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    page.goto(live_server.url + "/")
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("root2")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/verify/**")
    page.get_by_label("Six-digit code from your authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/admin/")
    # The sidebar is drawn by the admin's scripts: it shows only if they ran.
    assert page.get_by_role("link", name="Invite a member").is_visible()

    page.goto(f"{live_server.url}/admin/pages/{org_a.get_parent().pk}/")
    assert page.get_by_role("link", name="Organisation A").first.is_visible()
    page.goto(f"{live_server.url}/admin/pages/{org_a.pk}/edit/")
    page.get_by_role("tab", name="Promote").click()
    assert page.get_by_label("Slug").first.is_visible()
    assert csp_violations == []


def test_invitation_page_is_accessible_with_and_without_errors(
    live_server,
    org_a,
    make_user,
    page,
    axe,
    csp_violations,
):
    moderator = make_user("mona", org=org_a, role=Role.MODERATOR)
    _, raw_token = invitation_create(
        organisation=org_a, email="new@example.org", role=Role.MEMBER, invited_by=moderator
    )
    page.goto(f"{live_server.url}/accounts/invitation/{raw_token}/")
    assert page.locator("h1").inner_text() == "Join Organisation A"
    assert_accessible(axe, page)
    page.get_by_label("Username").fill("newbie")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Make my account").click()
    assert page.get_by_role("alert").is_visible()
    assert "too short" in page.get_by_role("alert").inner_text()
    assert_accessible(axe, page)
    assert csp_violations == []


def test_a_member_changes_their_password_from_the_menu(
    live_server, org_a, make_user, page, axe, csp_violations
):
    make_user("meg", org=org_a, role=Role.MEMBER)
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill("meg")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/en/")
    page.get_by_role("navigation").get_by_role("link", name="Password").click()
    assert page.locator("h1").inner_text() == "Change your password"
    assert_accessible(axe, page)
    page.get_by_label("Old password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("a new long passphrase, mine")
    page.get_by_label("New password confirmation").fill("a new long passphrase, mine")
    page.get_by_role("button", name="Change my password").click()
    assert "incorrectly" in page.get_by_role("alert").inner_text()
    assert_accessible(axe, page)
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a new long passphrase, mine")
    page.get_by_label("New password confirmation").fill("a new long passphrase, mine")
    page.get_by_role("button", name="Change my password").click()
    assert page.get_by_role("status").inner_text() == "Your password has been changed."
    assert csp_violations == []
