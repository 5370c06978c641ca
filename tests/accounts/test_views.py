"""The invitation page and the two-step sign-in pages, as an invited person meets them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Invitation
from accounts.services import invitation_create
from organisations.models import Membership, Role
from tests.accounts.conftest import current_code

STRONG = "plum-harbour-lantern-42"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def invitation(make_user, org_a):
    moderator = make_user("mona", org=org_a, role=Role.MODERATOR)
    invitation, raw_token = invitation_create(
        organisation=org_a, email="new@example.org", role=Role.EDITOR, invited_by=moderator
    )
    return invitation, f"/en/accounts/invitation/{raw_token}/"


def accept(client, url, **overrides):
    data = {"username": "newbie", "password": STRONG, "password_again": STRONG, **overrides}
    return client.post(url, data)


def test_a_new_members_welcome_leads_home_in_their_language_and_not_to_the_editing_area(
    client, make_user, org_a
):
    moderator = make_user("mona", org=org_a, role=Role.MODERATOR)
    _, raw_token = invitation_create(
        organisation=org_a, email="new@example.org", role=Role.MEMBER, invited_by=moderator
    )
    accepted = accept(client, f"/fr/accounts/invitation/{raw_token}/")
    html = client.get(accepted["Location"]).content.decode()
    assert '<a href="/fr/">' in html
    assert "/admin/" not in html.split("<main", 1)[1]
    client.logout()
    assert client.get("/fr/accounts/welcome/")["Location"].startswith("/fr/accounts/login/")


def test_invitation_page_shows_organisation_role_and_a_labelled_form(client, invitation):
    _, url = invitation
    response = client.get(url)
    assert response.status_code == 200
    text = text_of(response)
    assert "Join Organisation A" in text
    assert "Editor" in text
    html = response.content.decode()
    for name in ("username", "password", "password_again"):
        assert f'<label for="id_{name}">' in html
    assert 'autocomplete="new-password"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_accepting_signs_the_new_member_in_and_the_link_then_answers_410(client, invitation):
    record, url = invitation
    response = accept(client, url)
    assert response.status_code == 302
    welcome = client.get(response["Location"])
    assert "Welcome, newbie" in text_of(welcome)
    assert "Organisation A" in text_of(welcome)
    assert Membership.objects.get(user__username="newbie").role == Role.EDITOR
    # An editor goes on to the editing area, which first asks for an authenticator app.
    assert client.get("/admin/")["Location"].startswith("/en/accounts/2fa/setup/")

    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "This invitation has already been used" in text_of(again)
    assert accept(client, url, username="second").status_code == 410
    assert not Membership.objects.filter(user__username="second").exists()


def test_expired_invitation_says_so_and_answers_410(client, invitation):
    record, url = invitation
    Invitation.objects.filter(pk=record.pk).update(expires_at=timezone.now())
    response = client.get(url)
    assert response.status_code == 410
    text = text_of(response)
    assert "This invitation has expired" in text
    assert "ask your moderator for a new one" in text
    # No form to sign up with (the language switcher is the page's only form).
    main = response.content.decode().split('<main id="main"', 1)[1]
    assert "<form" not in main


def test_unknown_invitation_answers_404(client, portal_db):
    assert client.get("/en/accounts/invitation/not-a-real-token/").status_code == 404


def test_errors_are_listed_announced_and_tied_to_their_fields(client, invitation):
    _, url = invitation
    response = accept(client, url, password="short", password_again="different")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<div class="error-summary" role="alert"', html)
    assert "<title>Error: " in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_password_again_error"' in html
    assert "The two passwords differ" in text_of(response)
    assert (
        not Membership.objects.exists()
        or not Membership.objects.filter(user__username="newbie").exists()
    )


def test_weak_password_is_refused_with_the_validators_words(client, invitation):
    _, url = invitation
    response = accept(client, url, password="qwerty123456", password_again="qwerty123456")
    assert response.status_code == 200
    assert "This password is too common" in text_of(response)
    assert not Membership.objects.filter(user__username="newbie").exists()


# --- two-step sign-in ------------------------------------------------------------------


def a_moment_later(device):
    """As though the person took a few seconds to read their phone again."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=10)
    )


@pytest.fixture
def editor(make_user, org_a):
    return make_user("eddie", org=org_a, role=Role.EDITOR, admin=True)


def test_editor_is_sent_to_set_up_an_authenticator_then_reaches_the_admin(client, editor):
    client.force_login(editor)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/setup/?next=%2Fadmin%2Fpages%2F"

    setup = client.get(response["Location"])
    text = text_of(setup)
    assert "Secret key" in text
    assert "otpauth://totp/" in setup.content.decode()
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed

    wrong = client.post(response["Location"], {"code": "000000", "next": "/admin/pages/"})
    assert "That code is not right" in text_of(wrong)
    assert client.get("/admin/pages/").status_code == 302
    a_moment_later(device)

    right = client.post(
        response["Location"], {"code": current_code(device), "next": "/admin/pages/"}
    )
    # Confirmed: the backup codes are shown, once, with the way on to where they were going.
    assert right.status_code == 200
    assert "Your backup codes" in text_of(right)
    assert 'href="/admin/pages/"' in right.content.decode()
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_next_sign_in_asks_for_a_code_and_refuses_a_wrong_or_reused_one(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    client.force_login(editor)
    response = client.get("/admin/")
    assert response["Location"].startswith("/en/accounts/2fa/verify/")
    assert "That code is not right" in text_of(
        client.post(response["Location"], {"code": "123456"})
    )
    assert client.get("/admin/").status_code == 302
    # Straight after a wrong code even the right one must wait: guessing is slowed down.
    code = current_code(device)
    hurried = client.post(response["Location"], {"code": code})
    assert "Too many wrong codes in a row. Wait 1 second" in text_of(hurried)
    assert client.get("/admin/").status_code == 302

    a_moment_later(device)
    assert client.post(response["Location"], {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200

    # The same code does not open a second session.
    client.logout()
    client.force_login(editor)
    assert "That code is not right" in text_of(
        client.post("/en/accounts/2fa/verify/", {"code": code})
    )


def test_next_is_kept_on_this_site_only(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    client.force_login(editor)
    response = client.post(
        "/en/accounts/2fa/verify/", {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_members_are_not_asked_for_a_second_factor(client, make_user, org_a):
    member = make_user("mem", org=org_a, role=Role.MEMBER, admin=True)
    client.force_login(member)
    assert client.get("/admin/").status_code == 200


def test_logout_works_without_a_second_factor(client, editor):
    client.force_login(editor)
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_two_factor_pages_need_a_signed_in_user(client, portal_db):
    response = client.get("/en/accounts/2fa/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_member_signs_in_on_the_site_and_reads_members_entries(client, portal_db):
    from organisations.services import membership_set
    from tests.factories import make_entry

    entry = make_entry(visibility="members", title="Members-only lesson title")
    user = membership_set(username="reader", organisation_id="org-a", role="member").user
    user.set_password("a long passphrase for tests")
    user.save()
    assert client.get(entry.url).status_code == 404
    response = client.post(
        "/en/accounts/login/",
        {"username": "reader", "password": "a long passphrase for tests", "next": entry.url},
    )
    assert response.status_code == 302 and response["Location"] == entry.url
    assert "Members-only lesson title" in client.get(entry.url).content.decode()
    client.post("/en/accounts/logout/")
    assert client.get(entry.url).status_code == 404


@pytest.mark.parametrize("language", ["fr", "de"])
def test_signing_in_without_a_next_page_stays_in_the_pages_language(client, portal_db, language):
    from organisations.services import membership_set

    user = membership_set(username="reader", organisation_id="org-a", role="member").user
    user.set_password("a long passphrase for tests")
    user.save()
    response = client.post(
        f"/{language}/accounts/login/",
        {"username": "reader", "password": "a long passphrase for tests"},
    )
    assert response.status_code == 302 and response["Location"] == f"/{language}/"
    # Signed in already, the sign-in page sends the reader on in the same way.
    assert client.get(f"/{language}/accounts/login/")["Location"] == f"/{language}/"


def test_a_wrong_password_on_the_site_says_so(client, portal_db):
    response = client.post("/en/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_a_member_changes_their_password_on_the_site(client, portal_db):
    from organisations.services import membership_set

    assert client.get("/en/accounts/password/")["Location"].startswith("/en/accounts/login/")
    user = membership_set(username="reader", organisation_id="org-a", role="member").user
    user.set_password("a long passphrase for tests")
    user.save()
    client.force_login(user)
    assert 'href="/fr/accounts/password/"' in client.get("/fr/").content.decode()
    new = "another long passphrase, mine"
    wrong = client.post(
        "/fr/accounts/password/",
        {"old_password": "not it", "new_password1": new, "new_password2": new},
    )
    assert wrong.status_code == 200 and "old_password" in wrong.context["form"].errors
    done = client.post(
        "/fr/accounts/password/",
        {"old_password": "a long passphrase for tests", "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/fr/accounts/password/"
    assert "Votre mot de passe a été changé." in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(new)
    # Still signed in, in this browser.
    assert done.context["user"].is_authenticated
