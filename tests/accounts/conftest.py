"""Users with roles in organisations, the code their authenticator app shows, and the text
of a page checked for strings left in English."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.models import NETWORK_STAFF_GROUP, Membership
from organisations.services import organisation_upsert

PASSWORD = "correct horse battery staple"


@pytest.fixture
def org_a(portal_db):
    return organisation_upsert(id="org-a", name="Organisation A", country="DE")


@pytest.fixture
def org_b(portal_db):
    return organisation_upsert(id="org-b", name="Organisation B", country="FR")


@pytest.fixture
def make_user(django_user_model):
    """make_user("ann", org=org_a, role="moderator", admin=True, staff=False)"""

    def make(username, *, org=None, role="member", admin=False, staff=False, **fields):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.org", PASSWORD, **fields
        )
        if org is not None:
            Membership.objects.create(user=user, organisation=org, role=role)
        if admin:
            user.user_permissions.add(
                Permission.objects.get(
                    codename="access_admin", content_type__app_label="wagtailadmin"
                )
            )
        if staff:
            user.groups.add(Group.objects.get_or_create(name=NETWORK_STAFF_GROUP)[0])
        return user

    return make


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for this device."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


# --- pages in French and German ----------------------------------------------------------

LANGUAGES = ["fr", "de"]


def text_of(response) -> str:
    """The page's title and main content as text: the site's header and footer are the
    public site's own (tested with it), the admin's frame is Wagtail's."""
    html = response.content.decode()
    parts = re.findall(r"<title>.*?</title>|<main\b.*?</main>", html, flags=re.S)
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", " ".join(parts), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'")
    # Runs of ASCII white space made one space; the no-break spaces French typography puts
    # before a colon or inside quotes are the catalogue's and stay.
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()


def assert_translated(text: str, language: str, english: list[str]) -> None:
    """Each English string is absent and its translation (from the catalogue) present."""
    with translation.override(language):
        for msgid in english:
            translated = translation.gettext(msgid)
            assert translated != msgid, f"{msgid!r} has no {language} translation"
            assert translated in text, f"{translated!r} missing ({language})"
            left = re.search(rf"(?<!\w){re.escape(msgid)}(?!\w)", text)
            assert not left, f"English {msgid!r} left ({language})"
