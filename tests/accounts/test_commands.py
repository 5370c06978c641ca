from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from wagtail.models import APIToken

from accounts.selectors import user_for_bearer


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def bearer(raw_token):
    return RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {raw_token}")


def test_issue_list_and_revoke_a_token(make_user, db):
    user = make_user("alice")
    raw_token = run("issue_api_token", "alice", "--name", "nightly import").strip()
    assert user_for_bearer(bearer(raw_token)) == user

    listing = run("list_api_tokens", "alice")
    token = APIToken.objects.get(user=user)
    assert token.prefix in listing
    assert "nightly import" in listing
    assert "active" in listing
    assert raw_token not in listing

    assert "Revoked" in run("revoke_api_token", token.prefix)
    assert user_for_bearer(bearer(raw_token)) is None
    assert "revoked" in run("list_api_tokens", "alice")
    with pytest.raises(CommandError, match="No live API token"):
        run("revoke_api_token", token.prefix)


def test_issue_for_an_unknown_user_fails_clearly(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("issue_api_token", "nobody")
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("list_api_tokens", "nobody")
