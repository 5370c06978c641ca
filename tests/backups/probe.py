"""What people get from a portal, as plain data: the export, what three kinds of reader
find, whether two people can sign in, and the stored media. Called in the test process on
the portal that was backed up, and in a subprocess on each portal it was restored into
(`python -c` with DATABASE_URL naming it), so that the two can be compared whole."""

import hashlib
import io
import json

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.documents import get_document_model

from accounts.selectors import user_for_bearer
from entries.visibility import reader_for
from organisations.models import Membership
from search.api import SearchQuery, search_entries

# Reader kind -> the user who is one (None: not signed in).
READERS = {"anonymous": None, "member": "member_b", "organisation": "member_a"}
QUERIES = (
    SearchQuery(),
    SearchQuery(text="chat counselling"),
    SearchQuery(filters={"formats": ("chat",)}, sort="newest"),
)


def _searches() -> dict:
    User = get_user_model()
    found = {}
    for kind, username in READERS.items():
        user = User.objects.get(username=username) if username else None
        reader = reader_for(user)
        found[kind] = [
            search_entries(reader=reader, query=query).as_contract() for query in QUERIES
        ]
    return found


def _sign_ins(password: str, codes: dict[str, str]) -> dict:
    """Per user: their password works, and so does the code their authenticator shows
    now (checked in a transaction rolled back, so that the code stays unused)."""
    User = get_user_model()
    answers = {}
    for username, code in codes.items():
        user = User.objects.get(username=username)
        with transaction.atomic():
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            code_ok = device.verify_token(code)
            transaction.set_rollback(True)
        answers[username] = {"password": user.check_password(password), "second_factor": code_ok}
    return answers


def _token_user(raw_token: str) -> str | None:
    """Whose API token this is, if it still works."""
    request = RequestFactory().get("/api/v1/search/", HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    user = user_for_bearer(request)
    return user.username if user else None


def _media() -> dict:
    files = {}
    for document in get_document_model().objects.order_by("title"):
        with document.file.open("rb") as stream:
            files[document.title] = hashlib.sha256(stream.read()).hexdigest()
    return files


def _members_since() -> dict:
    """When each person joined each organisation (a date filled in when the membership
    was made, which a restore must keep, not set anew)."""
    return {
        f"{membership.user.username}@{membership.organisation.slug}": (
            membership.created_at.isoformat()
        )
        for membership in Membership.objects.select_related("user", "organisation")
    }


def portal_probe(*, password: str, codes: dict[str, str], api_token: str) -> dict:
    export = io.StringIO()
    call_command("export_entries", stdout=export)
    return {
        "export": export.getvalue(),
        "searches": _searches(),
        "sign_ins": _sign_ins(password, codes),
        "api_token_of": _token_user(api_token),
        "media": _media(),
        "members_since": _members_since(),
    }


def probe_command(**arguments) -> str:
    """Python source that prints portal_probe(**arguments) of the portal DATABASE_URL
    names."""
    arguments = json.dumps(arguments)
    return (
        "import django, json; django.setup(); "
        "from tests.backups.probe import portal_probe; "
        f"print(json.dumps(portal_probe(**json.loads({arguments!r}))))"
    )
