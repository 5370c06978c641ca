"""Property-based tests of the import with random, oversized and malformed lines: whatever
arrives, through the service or the API with an editor's token, the answer is a report
that names lines (never an exception, never a 5xx), and an import that is refused leaves
the database exactly as it was."""

import json

import pytest
from django.contrib.auth.models import Group
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from taggit.models import Tag
from wagtail.models import Page, Revision, WorkflowState

from accounts.services import token_issue
from entries.imports import entries_import
from entries.models import EntryPartnerName
from organisations.models import OrganisationPage
from organisations.selectors import organisations_writable_by
from organisations.services import membership_set
from tests.factories import entry_data, entry_line
from vocabulary.models import Term

pytestmark = pytest.mark.usefixtures("portal_db")

ORG_A = {"id": "org-a", "name": "Org A"}
HOSTILE = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Strings with what breaks databases, parsers and feeds: NUL, control characters, escaped
# lone surrogates (put on the line by json.dumps), separators str.splitlines() splits on.
hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x00", "\x07", "\x1b", "\ud800", "\udfff", "\u2028", "\x85", "\ufeff"]),
    ),
    max_size=40,
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=10**300, max_value=10**4000),
    st.floats(allow_nan=True, allow_infinity=True),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, hostile_text),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(hostile_text, children, max_size=4)
    ),
    max_leaves=12,
)
TEXT_FIELDS = ["title", "summary", "body", "outcomes", "safety", "context", "ethics"]
FIELDS = [
    *entry_data(),
    "translation_of",
    "partners",
    "tags",
    "metrics",
    "related",
    "links",
    "source",
    "started",
    "ended",
    "updated",
    "published",
]


@st.composite
def hostile_lines(draw) -> str:
    """One line: an entry with some fields replaced by random, oversized or deeply nested
    values, or random text."""
    kind = draw(st.sampled_from(["strings", "fields", "oversized", "nested", "text"]))
    if kind == "text":
        return draw(hostile_text)
    data = entry_data(id=draw(st.from_regex(r"[a-z][a-z0-9-]{1,20}", fullmatch=True)))
    data["organisation"] = dict(ORG_A)
    if kind == "strings":
        # Valid in shape and length, hostile in content.
        for field in draw(st.sets(st.sampled_from(TEXT_FIELDS), min_size=1, max_size=3)):
            data[field] = f"Text {draw(hostile_text)} of the entry"
        data["tags"] = draw(st.lists(hostile_text.filter(bool), max_size=3, unique=True))
        data["partners"] = [{"id": "some-partner", "name": draw(hostile_text)}]
    elif kind == "fields":
        replaced = draw(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3))
        data.update(replaced)
    elif kind == "oversized":
        field = draw(st.sampled_from(["title", "summary", "body", "translation_of", "tags"]))
        size = draw(st.integers(min_value=200, max_value=300_000))
        data[field] = "é" * size if field != "tags" else [str(n) for n in range(size // 100)]
    else:
        depth = draw(st.integers(min_value=2, max_value=20_000))
        field = draw(st.sampled_from(["title", "metrics", "partners", "source"]))
        text = json.dumps(data)
        return text[:-1] + f', "{field}": ' + "[" * depth + "]" * depth + "}"
    return json.dumps(data, ensure_ascii=draw(st.booleans()), allow_nan=True)


def snapshot() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "organisations": OrganisationPage.objects.count(),
        "groups": Group.objects.count(),
        "tags": Tag.objects.count(),
        "terms": Term.objects.count(),
        "workflows": WorkflowState.objects.count(),
        "partner names": EntryPartnerName.objects.count(),
    }


def assert_named(errors: list[tuple[int, str]], line_count: int) -> None:
    for line, message in errors:
        assert 1 <= line <= line_count, (line, message)
        assert 0 < len(message) < 300, message
        # The import's last guard, for what the checks before writing missed: none here.
        assert not message.startswith("refused on saving"), message


@pytest.fixture
def editor(db):
    return membership_set(username="editor-a", organisation_id="org-a", role="editor").user


@HOSTILE
@given(lines=st.lists(hostile_lines(), min_size=1, max_size=3), dry_run=st.booleans())
def test_the_import_service_names_bad_lines_and_writes_nothing_when_refused(editor, lines, dry_run):
    lines = [entry_line(id="good-line", organisation=ORG_A), *lines]
    before = snapshot()
    writable = organisations_writable_by(user=editor)
    report = entries_import(
        lines,
        user=editor,
        dry_run=dry_run,
        allowed_organisations=set(writable),
        publish_organisations=set(),
    )
    assert_named([(error.line, error.message) for error in report.errors], len(lines))
    event("written" if report.written else "refused")
    if not report.written:
        assert snapshot() == before
    else:
        assert not report.errors and not dry_run


@HOSTILE
@given(text=hostile_lines())
def test_the_operators_import_never_fails_on_a_line(text):
    before = snapshot()
    report = entries_import([text])
    assert_named([(error.line, error.message) for error in report.errors], 1)
    assert report.written != bool(report.errors)
    event("written" if report.written else "refused")
    if report.errors:
        assert snapshot() == before


@settings(HOSTILE, max_examples=100)
@given(lines=st.lists(hostile_lines(), min_size=1, max_size=3), raw=st.booleans())
def test_the_api_answers_4xx_naming_the_lines_never_5xx(client, editor, lines, raw):
    token = token_issue(user=editor, name="partner system")
    lines = [entry_line(id="good-line", organisation=ORG_A), *lines]
    # Raw: lone surrogates put on the wire as they are, which is not UTF-8.
    body = "\n".join(lines).encode("utf-8", "surrogatepass" if raw else "replace")
    before = snapshot()
    response = client.post(
        "/api/v1/entries.jsonl",
        data=body,
        content_type="application/x-ndjson",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (200, 400), response.content[:300]
    answer = response.json()
    event(f"answered {response.status_code}")
    if response.status_code == 400:
        assert snapshot() == before
        if "errors" in answer:
            errors = [(error["line"], error["message"]) for error in answer["errors"]]
            assert_named(errors, body.count(b"\n") + 1)
        else:
            assert "is not UTF-8 text" in answer["detail"]
