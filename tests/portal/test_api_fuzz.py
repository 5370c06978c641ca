"""schemathesis against /api/v1/openapi.json: every operation, with data generated from the
description, as an anonymous caller and with an editor's token. No answer may be a 5xx or
break the description, and no import it sends may leave anything half-written."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from wagtail.models import Page, Revision

from accounts.services import token_issue
from organisations.services import membership_set
from tests.factories import make_entry

pytestmark = pytest.mark.usefixtures("portal_db", "wsgi_keeps_test_connection")


@schemathesis.serializer("application/x-ndjson")
def json_lines(ctx, value) -> bytes:
    """The import body is text: generated values go on the wire as it, lone surrogates
    included (the portal must refuse those, not the test)."""
    if isinstance(value, bytes):
        return value
    text = value if isinstance(value, str) else json.dumps(value)
    return text.encode("utf-8", "surrogatepass")


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@pytest.fixture
def api_schema(portal_db):
    make_entry(id="public-one")
    make_entry(id="members-one", visibility="members")
    make_entry(id="own-one", visibility="organisation")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def editor_token(portal_db):
    editor = membership_set(username="editor", organisation_id="test-org", role="editor").user
    return token_issue(user=editor, name="fuzzing partner")


def stored() -> tuple[int, int]:
    return Page.objects.count(), Revision.objects.count()


def fuzz(api_schema, headers: dict[str, str]) -> int:
    """Run every operation's generated cases; returns how many were sent. (schemathesis's
    own pytest plugin does not run on this pytest, so hypothesis drives each operation.)"""
    sent = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @FUZZ
        def run(case):
            nonlocal sent
            before = stored()
            response = case.call_and_validate(checks=CHECKS, headers=headers)
            sent += 1
            if response.status_code != 200:
                # A refused request, an import above all, writes nothing.
                assert stored() == before, f"{case.method} {case.path} wrote and failed"

        run()
    print(f"schemathesis sent {sent} requests ({'with a token' if headers else 'anonymous'})")
    return sent


def test_the_api_as_an_anonymous_caller(api_schema):
    assert fuzz(api_schema, headers={}) > 100


def test_the_api_with_an_editors_token(api_schema, editor_token):
    assert fuzz(api_schema, headers={"Authorization": f"Bearer {editor_token}"}) > 100
