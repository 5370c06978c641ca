"""The pages of accounts in French and German: sign-in, two-step sign-in, invitation,
lock-out and the admin's "Invite a member" and "My API tokens", with no English string of
their own left; and the invitation e-mail in the language of the person invited."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.users.models import UserProfile

from accounts.models import Invitation
from accounts.services import invitation_accept, invitation_create
from organisations.models import Role
from tests.accounts.conftest import LANGUAGES, PASSWORD, assert_translated, text_of
from tests.conftest import login_with_second_factor

STRONG = "plum-harbour-lantern-42"

# The words a reader sees first, as a native speaker would expect them.
SIGN_IN_BUTTON = {"fr": "Se connecter", "de": "Anmelden"}
JOIN = {"fr": "Rejoindre Organisation A", "de": "Organisation A beitreten"}
INVITE_BUTTON = {"fr": "Envoyer l’invitation", "de": "Einladung senden"}


def url_in(language: str, name: str, *args) -> str:
    """The page's address for readers of that language (with its prefix, if any)."""
    with translation.override(language):
        return reverse(name, args=args)


def get_in(client, language: str, url: str, **extra):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language, **extra)


def post_in(client, language: str, url: str, data: dict):
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_in_page(client, portal_db, language):
    response = get_in(client, language, url_in(language, "accounts:login"))
    text = text_of(response)
    assert f">{SIGN_IN_BUTTON[language]}</button>" in response.content.decode()
    assert ">Sign in</button>" not in response.content.decode()
    assert_translated(text, language, ["Online exit work practices"])
    assert "There is no open sign-up" not in text
    assert {"fr": "L’inscription n’est pas ouverte", "de": "offene Registrierung"}[language] in text


@pytest.fixture
def editor(make_user, org_a):
    return make_user("eddie", org=org_a, role=Role.EDITOR, admin=True)


TWO_FACTOR_SETUP = [
    "Set up two-step sign-in",
    "Scan this QR code, or type the secret key by hand:",
    "Secret key",
    "time-based, 6 digits, every 30 seconds",
    "Link for apps on this device",
    "Type the code the app shows to confirm.",
    "Six-digit code from your authenticator app",
    "Confirm",
    "Sign out",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_two_factor_setup_page_and_its_errors(client, editor, language):
    client.force_login(editor)
    url = url_in(language, "accounts:2fa_setup")
    assert_translated(text_of(get_in(client, language, url)), language, TWO_FACTOR_SETUP)

    wrong = post_in(client, language, url, {"code": "000000"})
    assert_translated(
        text_of(wrong),
        language,
        [
            "There is a problem",
            "That code is not right. Check the time on your phone and type the code "
            "your app shows now.",
        ],
    )
    assert "<title>Error:" not in wrong.content.decode()
    malformed = post_in(client, language, url, {"code": "12"})
    assert_translated(
        text_of(malformed), language, ["Type the six digits your authenticator app shows."]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_two_factor_verify_page_counts_the_wait_in_the_language(client, editor, language):
    TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    client.force_login(editor)
    url = url_in(language, "accounts:2fa_verify")
    text = text_of(get_in(client, language, url))
    assert_translated(
        text,
        language,
        [
            "Two-step sign-in",
            "Type the code your authenticator app shows for this portal.",
            "Sign in",
            "Sign out",
        ],
    )
    assert "Lost your phone?" not in text

    post_in(client, language, url, {"code": "123456"})
    hurried = text_of(post_in(client, language, url, {"code": "123456"}))
    assert {
        "fr": "Trop de codes erronés d’affilée. Patientez 1 seconde,",
        "de": "Zu viele falsche Codes hintereinander. Warten Sie 1 Sekunde ",
    }[language] in hurried
    assert "Too many wrong codes" not in hurried


@pytest.fixture
def invitation(make_user, org_a):
    moderator = make_user("mona", org=org_a, role=Role.MODERATOR)
    record, raw_token = invitation_create(
        organisation=org_a, email="new@example.org", role=Role.EDITOR, invited_by=moderator
    )
    return record, raw_token


INVITATION_PAGE = [
    "Editor (writes the organisation's entries)",
    "Username",
    "Letters, digits and @ . + - _ only. Others in the portal see it.",
    "Password again",
    "Make my account",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_invitation_page_and_its_errors(client, invitation, language):
    _, raw_token = invitation
    url = url_in(language, "accounts:invitation", raw_token)
    text = text_of(get_in(client, language, url))
    assert JOIN[language] in text
    assert "Join Organisation A" not in text
    assert "You are invited" not in text and "works until" not in text
    assert_translated(text, language, INVITATION_PAGE)

    refused = post_in(
        client,
        language,
        url,
        {"username": "newbie", "password": STRONG, "password_again": "something else"},
    )
    html = refused.content.decode()
    assert {"fr": "<title>Erreur\u00a0:", "de": "<title>Fehler:"}[language] in html
    assert_translated(
        text_of(refused),
        language,
        ["There is a problem", "The two passwords differ; type the same twice."],
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_welcome_page_after_accepting(client, invitation, language):
    _, raw_token = invitation
    url = url_in(language, "accounts:invitation", raw_token)
    accepted = post_in(
        client, language, url, {"username": "newbie", "password": STRONG, "password_again": STRONG}
    )
    welcome = text_of(get_in(client, language, accepted["Location"]))
    assert {"fr": "Bienvenue, newbie", "de": "Willkommen, newbie"}[language] in welcome
    assert_translated(
        welcome,
        language,
        [
            "Your account is ready and you are signed in.",
            "Your organisations",
            "Editor (writes the organisation's entries)",
        ],
    )
    assert "Go to the portal" not in welcome and "editing area" not in welcome


@pytest.mark.parametrize("language", LANGUAGES)
def test_used_invitation_says_so_in_the_language(client, invitation, language):
    _, raw_token = invitation
    invitation_accept(raw_token=raw_token, username="newbie", password=STRONG)
    response = get_in(client, language, url_in(language, "accounts:invitation", raw_token))
    assert response.status_code == 410
    assert_translated(text_of(response), language, ["This invitation has already been used"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_lock_out_page(client, editor, language):
    for _ in range(6):
        response = client.post(
            "/admin/login/",
            {"username": "eddie", "password": "wrong password guess"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 429
    text = text_of(response)
    assert_translated(
        text,
        language,
        [
            "Too many sign-in attempts",
            "Wait, then try again. If you forgot your password, ask your moderator.",
        ],
    )
    assert {"fr": "bloquée pendant 15 minutes après 5", "de": "für 15 Minuten gesperrt"}[
        language
    ] in text


# --- the admin, in the language of the user's profile ----------------------------------


def speaks(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


@pytest.fixture
def moderator(make_user, org_a):
    return make_user("mona", org=org_a, role=Role.MODERATOR, admin=True)


INVITATIONS_ADMIN = [
    "Invite a member",
    "Language of the invitation",
    "E-mail address",
    "Pending invitations",
    "Invited by",
    "Withdraw",
    "Member (reads members-only entries)",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_invitations_admin_page_and_its_message(client, moderator, org_a, language):
    login_with_second_factor(client, speaks(moderator, language))
    invitation_create(
        organisation=org_a, email="waiting@example.org", role=Role.MEMBER, invited_by=moderator
    )
    url = reverse("accounts_admin:invitations")
    page = client.get(url)
    text = text_of(page)
    assert f">{INVITE_BUTTON[language]}</button>" in page.content.decode()
    assert ">Send invitation</button>" not in page.content.decode()
    assert_translated(text, language, INVITATIONS_ADMIN)
    # The language of the invitation starts as the moderator's own.
    assert re.search(rf'<option value="{language}" selected>', page.content.decode()), (
        "the moderator's language is not the default"
    )

    response = client.post(
        url,
        {"organisation": org_a.pk, "email": "new@example.org", "role": Role.EDITOR},
        follow=True,
    )
    assert {
        "fr": "Invitation envoyée à new@example.org pour rejoindre Organisation A en tant que "
        "rédacteur.",
        "de": "Einladung an new@example.org gesendet: Organisation A als Redakteur beitreten.",
    }[language] in text_of(response)
    assert "Invitation sent" not in text_of(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_tokens_admin_page(client, moderator, language):
    login_with_second_factor(client, speaks(moderator, language))
    url = reverse("accounts_admin:api_tokens")
    assert_translated(
        text_of(client.get(url)),
        language,
        ["My API tokens", "Create a token", "Your tokens", "You have no API tokens."],
    )
    created = text_of(client.post(url, {"name": "CRM"}))
    assert_translated(created, language, ["Your new token:", "Prefix", "Last used", "Revoke"])


# --- the invitation e-mail -------------------------------------------------------------


def test_invitation_email_is_written_in_the_chosen_language(moderator, org_a, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example.org"
    with translation.override("fr"):  # the moderator reads French, the person invited German
        record, raw_token = invitation_create(
            organisation=org_a,
            email="neu@example.org",
            role=Role.EDITOR,
            invited_by=moderator,
            language="de",
        )
    message = mail.outbox[-1]
    assert message.subject == "Einladung: Organisation A auf Online Exit Work Practices beitreten"
    assert "mona lädt Sie ein, Organisation A auf Online Exit Work Practices als Redakteur" in (
        message.body
    )
    assert raw_token in message.body
    with translation.override("de"):
        expires = date_format(timezone.localtime(record.expires_at), "j. F Y, H:i T")
    assert f"läuft am {expires} ab" in message.body
    assert "invites you" not in message.body and "expires on" not in message.body


def test_invitation_email_defaults_to_the_sender_s_language_and_sets_the_new_profile(
    client, moderator, org_a
):
    login_with_second_factor(client, speaks(moderator, "fr"))
    client.post(
        reverse("accounts_admin:invitations"),
        {"organisation": org_a.pk, "email": "nouveau@example.org", "role": Role.MEMBER},
    )
    invitation = Invitation.objects.get()
    assert invitation.language == "fr"
    message = mail.outbox[-1]
    assert message.subject.startswith("Invitation à rejoindre Organisation A")
    assert "vous invite à rejoindre Organisation A" in message.body
    assert "en tant que membre." in message.body

    raw_token = re.search(r"/accounts/invitation/([^/\s]+)/", message.body).group(1)
    user = invitation_accept(raw_token=raw_token, username="nouveau", password=PASSWORD)
    assert UserProfile.get_for_user(user).preferred_language == "fr"


def test_in_english_the_email_and_pages_are_as_before(moderator, org_a):
    invitation_create(
        organisation=org_a, email="new@example.org", role=Role.MODERATOR, invited_by=moderator
    )
    assert mail.outbox[-1].subject.startswith("Invitation to join Organisation A on ")
    assert "mona invites you to join Organisation A" in mail.outbox[-1].body
    assert " as moderator." in mail.outbox[-1].body
