"""A way in for people added by an administrator or invited with an existing account, and
the second factor's backup codes and reset."""

import re
import smtplib
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from accounts.second_factor import BACKUP_CODE_COUNT, SECOND_FACTOR_RESET, backup_codes_create
from accounts.services import invitation_accept, invitation_create
from organisations.models import Membership, Role
from tests.accounts.conftest import current_code
from tests.conftest import login_with_second_factor

User = get_user_model()
NEW_PASSWORD = "plum-harbour-lantern-42"
LINK = re.compile(r"https?://\S+/(en|fr|de)/accounts/set-password/\S+/")


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def link_in(text: str) -> str:
    """The set-password link's path, as the person's browser would open it."""
    match = LINK.search(text)
    assert match, text
    return "/" + match.group(0).split("/", 3)[3]


# --- add_member ------------------------------------------------------------------------


def test_add_member_prints_and_mails_a_link_that_sets_the_password_once(client, portal_db):
    output = run(
        "add_member", "nadia", "--org", "org-a", "--role", "editor", "--email", "n@example.org"
    )
    assert "new account" in output
    assert "e-mailed to n@example.org" in output
    user = User.objects.get(username="nadia")
    assert not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["n@example.org"]
    assert "nadia" in message.body
    path = link_in(output)
    assert link_in(message.body) == path

    form = client.get(path, follow=True)
    assert "Choose your password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/en/accounts/welcome/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    client.logout()
    again = client.get(path, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_add_member_refuses_a_short_password_on_the_link_and_keeps_none(client, portal_db):
    output = run("add_member", "nadia", "--org", "org-a", "--role", "member")
    assert "no e-mail address: give them the link yourself" in output
    assert mail.outbox == []
    set_url = client.get(link_in(output), follow=True).redirect_chain[-1][0]
    refused = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    assert not User.objects.get(username="nadia").has_usable_password()


def test_add_member_keeps_the_member_and_prints_the_link_when_mail_fails(portal_db, monkeypatch):
    def refuse(**kwargs):
        raise smtplib.SMTPConnectError(421, "mail server is down")

    monkeypatch.setattr("accounts.onboarding.send_mail", refuse)
    out, err = StringIO(), StringIO()
    call_command(
        "add_member", "nadia", "--org", "org-a", "--role", "member", "--email", "n@example.org",
        stdout=out, stderr=err,
    )  # fmt: skip
    assert "could not be sent" in err.getvalue() and "mail server is down" in err.getvalue()
    assert "/en/accounts/set-password/" in out.getvalue()
    assert Membership.objects.filter(user__username="nadia", organisation__slug="org-a").exists()


def test_add_member_link_is_in_the_members_language(portal_db):
    output = run("add_member", "zoe", "--org", "org-a", "--role", "member", "--language", "fr")
    assert "/fr/accounts/set-password/" in output


def test_add_member_adds_an_existing_account_to_another_organisation(make_user, org_a, org_b):
    make_user("ann", org=org_a, role=Role.EDITOR)
    output = run("add_member", "ann", "--org", "org-b", "--role", "member")
    assert "existing account" in output
    assert User.objects.filter(username="ann").count() == 1
    assert set(
        Membership.objects.filter(user__username="ann").values_list("organisation__slug", "role")
    ) == {("org-a", "editor"), ("org-b", "member")}
    # They have a password: no link, which would let whoever reads it take over the account.
    assert "set-password" not in output
    assert "Forgotten password?" in output
    assert mail.outbox == []


def test_add_member_names_a_bad_organisation_id(portal_db):
    with pytest.raises(CommandError, match="--org"):
        run("add_member", "ann", "--org", "Not an id!", "--role", "member")
    assert not User.objects.filter(username="ann").exists()


def test_forgotten_password_reaches_a_member_who_never_set_one(client, portal_db):
    run("add_member", "nadia", "--org", "org-a", "--role", "member", "--email", "n@example.org")
    mail.outbox.clear()
    sign_in = client.get("/en/accounts/login/").content.decode()
    assert 'href="/admin/password_reset/">Forgotten password?</a>' in sign_in
    client.post("/admin/password_reset/", {"email": "N@example.org"})
    [message] = mail.outbox
    assert message.to == ["n@example.org"]
    assert "/admin/password_reset/confirm/" in message.body


def test_forgotten_password_sends_nothing_to_an_unknown_address(client, portal_db):
    client.post("/admin/password_reset/", {"email": "nobody@example.org"})
    assert mail.outbox == []


# --- invitations to people who have an account ---------------------------------------------


@pytest.fixture
def moderator_b(make_user, org_b):
    return make_user("mona", org=org_b, role=Role.MODERATOR)


def test_invited_account_without_password_chooses_one_and_joins(client, org_b, moderator_b):
    run("add_member", "nadia", "--org", "org-a", "--role", "member", "--email", "n@example.org")
    _, token = invitation_create(
        organisation=org_b, email="n@example.org", role=Role.EDITOR, invited_by=moderator_b
    )
    url = f"/en/accounts/invitation/{token}/"
    page = client.get(url).content.decode()
    assert "with your account <strong>nadia</strong>" in page
    response = client.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response["Location"] == "/en/accounts/welcome/"
    assert User.objects.filter(email="n@example.org").count() == 1
    nadia = User.objects.get(username="nadia")
    assert nadia.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=nadia, organisation=org_b).role == Role.EDITOR


def test_invited_account_with_password_signs_in_first_then_joins(
    client, make_user, org_a, org_b, moderator_b
):
    ann = make_user("ann", org=org_a, role=Role.MEMBER)
    _, token = invitation_create(
        organisation=org_b, email="ANN@example.org", role=Role.MEMBER, invited_by=moderator_b
    )
    url = f"/en/accounts/invitation/{token}/"
    anonymous = client.get(url).content.decode()
    assert "Sign in to join" in anonymous
    assert "/en/accounts/login/?next=" in anonymous
    # Posting without signing in makes nothing: no second account, no membership.
    client.post(url, {"username": "ann2", "password": NEW_PASSWORD})
    assert User.objects.count() == 2
    with pytest.raises(ValidationError, match="already have an account"):
        invitation_accept(raw_token=token, username="ann2", password=NEW_PASSWORD)

    client.force_login(ann)
    assert client.post(url)["Location"] == "/en/accounts/welcome/"
    assert Membership.objects.filter(user=ann, organisation=org_b).exists()
    assert client.get(url).status_code == 410  # used


def test_another_signed_in_account_cannot_take_the_invitation(
    client, make_user, org_a, org_b, moderator_b
):
    make_user("ann", org=org_a)
    other = make_user("otto", org=org_a)
    _, token = invitation_create(
        organisation=org_b, email="ann@example.org", role=Role.MEMBER, invited_by=moderator_b
    )
    client.force_login(other)
    client.post(f"/en/accounts/invitation/{token}/")
    assert not Membership.objects.filter(organisation=org_b, user__username__in=["ann", "otto"])


# --- backup codes --------------------------------------------------------------------------


@pytest.fixture
def editor(make_user, org_a):
    return make_user("eddie", org=org_a, role=Role.EDITOR, admin=True)


def test_setup_shows_ten_backup_codes_once_and_each_signs_in_once(client, editor):
    client.force_login(editor)
    setup_url = "/en/accounts/2fa/setup/?next=/admin/"
    client.get(setup_url)
    device = TOTPDevice.objects.get(user=editor)
    shown = client.post(setup_url, {"code": current_code(device), "next": "/admin/"})
    page = shown.content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == BACKUP_CODE_COUNT == len(set(codes))
    assert "this is the only time they are shown" in page
    # Not shown again: the setup page now sends a verified user on.
    assert codes[0] not in client.get(setup_url, follow=True).content.decode()

    client.logout()
    client.force_login(editor)
    verify = "/en/accounts/2fa/verify/?next=/admin/"
    typed = codes[0].upper()[:4] + " " + codes[0][4:]  # as people type what they read
    assert client.post(verify, {"code": typed})["Location"] == "/admin/"
    client.logout()
    client.force_login(editor)
    reused = client.post(verify, {"code": codes[0]})
    assert reused.status_code == 200
    assert "was used already" in reused.content.decode()
    assert StaticToken.objects.filter(device__user=editor).count() == BACKUP_CODE_COUNT - 1


def test_new_backup_codes_replace_the_old_ones(editor):
    old = backup_codes_create(user=editor)
    new = backup_codes_create(user=editor)
    assert StaticDevice.objects.filter(user=editor).count() == 1
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == set(new) and not stored & set(old)


# --- resetting the second factor -----------------------------------------------------------


def test_reset_command_removes_the_devices_and_logs_who(client, editor, make_user, org_a):
    moderator = make_user("mona", org=org_a, role=Role.MODERATOR)
    login_with_second_factor(client, editor)
    backup_codes_create(user=editor)
    output = run("reset_second_factor", "eddie", "--by", "mona")
    assert "reset by mona (2 devices removed)" in output
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    entry = ModelLogEntry.objects.get(action=SECOND_FACTOR_RESET)
    assert entry.user == moderator and entry.object_id == str(editor.pk)
    assert entry.timestamp is not None
    # The session verified with the removed device is no longer verified: set up anew.
    assert client.get("/admin/")["Location"].startswith("/en/accounts/2fa/setup/")


def test_reset_command_names_an_unknown_user(editor):
    with pytest.raises(CommandError, match="nobody"):
        run("reset_second_factor", "eddie", "--by", "nobody")
    with pytest.raises(CommandError, match="--by"):
        run("reset_second_factor", "eddie")


def test_moderator_resets_a_members_second_factor_from_the_members_page(
    client, editor, make_user, org_a, org_b
):
    moderator = make_user("mona", org=org_a, role=Role.MODERATOR, admin=True)
    outsider = make_user("omar", org=org_b, role=Role.MODERATOR, admin=True)
    TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    url = f"/admin/accounts/members/{editor.pk}/reset-second-factor/"

    login_with_second_factor(client, outsider)
    refused = client.post(url)
    assert refused.status_code in (302, 403) and "members" not in refused.get("Location", "")
    assert TOTPDevice.objects.filter(user=editor).exists()

    login_with_second_factor(client, moderator)
    members = client.get("/admin/members/").content.decode()
    assert url in members
    response = client.post(url, follow=True)
    assert "set up a new one at their next sign-in" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert ModelLogEntry.objects.get(action=SECOND_FACTOR_RESET).user == moderator

    root = make_user("root", is_superuser=True, admin=True)
    login_with_second_factor(client, root)
    history = client.get("/admin/reports/site-history/").content.decode()
    assert "Second factor reset" in history
    assert "mona" in history
