import json

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, WorkflowState

from accounts.services import token_issue
from entries.models import EntryPage
from organisations.models import OrganisationPage
from organisations.services import membership_set
from tests.factories import entry_line, make_entry

pytestmark = pytest.mark.usefixtures("portal_db")


def token_for(role: str, organisation_id: str, username: str) -> str:
    user = membership_set(username=username, organisation_id=organisation_id, role=role).user
    return token_issue(user=user, name="partner system")


def post(client, token, lines, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return client.post(
        f"/api/v1/entries.jsonl?{query}",
        data="\n".join(lines),
        content_type="application/x-ndjson",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


A = {"id": "org-a", "name": "Org A"}
B = {"id": "org-b", "name": "Org B"}


def test_a_moderator_token_imports_and_publishes_its_organisations_entries(client):
    token = token_for("moderator", "org-a", "mod-a")
    response = post(client, token, [entry_line(id="one", organisation=A)])
    assert response.status_code == 200, response.content
    assert response.json()["created"] == ["org-a/one"]
    assert EntryPage.objects.get(slug="one").live


def test_an_editor_token_submits_drafts_for_approval(client):
    token = token_for("editor", "org-a", "editor-a")
    response = post(client, token, [entry_line(id="draft-one", organisation=A)])
    assert response.json()["awaiting_approval"] == ["org-a/draft-one"]
    entry = EntryPage.objects.get(slug="draft-one")
    assert not entry.live
    assert WorkflowState.objects.get(object_id=str(entry.pk)).status == "in_progress"
    assert client.get("/api/v1/entries/org-a/draft-one/").status_code == 404


def test_a_token_of_b_posting_entries_for_a_is_refused_with_nothing_written(client):
    make_entry(id="existing", title="Stored title", organisation=A)
    token = token_for("moderator", "org-b", "mod-b")
    response = post(
        client,
        token,
        [
            entry_line(id="fine", organisation=B),
            entry_line(id="existing", title="Hijacked", organisation=A),
        ],
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"line": 2, "message": "organisation org-a is not one you may publish for"}
    ]
    assert not EntryPage.objects.filter(slug="fine").exists()
    assert Page.objects.get(slug="existing").title == "Stored title"


def test_partial_takes_only_the_token_holders_lines(client):
    token = token_for("moderator", "org-b", "mod-b")
    response = post(
        client,
        token,
        [entry_line(id="fine", organisation=B), entry_line(id="other", organisation=A)],
        partial="true",
    )
    assert response.status_code == 200
    assert response.json()["created"] == ["org-b/fine"]
    assert not EntryPage.objects.filter(slug="other").exists()


def test_a_member_token_cannot_write(client):
    token = token_for("member", "org-a", "member-a")
    response = post(client, token, [entry_line(organisation=A)])
    assert response.status_code == 403
    assert not EntryPage.objects.exists()


def test_import_needs_a_valid_token(client):
    response = client.post(
        "/api/v1/entries.jsonl", data=entry_line(), content_type="application/x-ndjson"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    response = post(client, "not-a-real-token", [entry_line()])
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "The API token is unknown, revoked or malformed."}
    assert not EntryPage.objects.exists()


def test_a_token_reads_with_its_users_rights(client):
    make_entry(id="members-entry", visibility="members")
    make_entry(id="own-entry", visibility="organisation", organisation=A)
    make_entry(id="their-entry", visibility="organisation", organisation=B)
    token = token_for("member", "org-a", "member-a")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/entries/test-org/members-entry/", **headers).status_code == 200
    assert client.get("/api/v1/entries/org-a/own-entry/", **headers).status_code == 200
    assert client.get("/api/v1/entries/org-b/their-entry/", **headers).status_code == 404
    lines = b"".join(client.get("/api/v1/entries.jsonl", **headers).streaming_content)
    ids = sorted(json.loads(line)["id"] for line in lines.decode().splitlines())
    assert ids == ["members-entry", "own-entry"]
    assert client.get("/api/v1/entries/test-org/members-entry/").status_code == 404


def test_a_body_past_djangos_memory_limit_and_within_20_mib_is_imported(client):
    token = token_for("moderator", "org-a", "mod-a")
    padding = [""] * 3_000_000  # 3 MB of blank lines, which the import skips
    response = post(client, token, [*padding, entry_line(id="after-padding", organisation=A)])
    assert response.status_code == 200, response.content[:500]
    assert response.json()["created"] == ["org-a/after-padding"]


def test_a_body_over_20_mib_is_refused_with_413_and_nothing_written(client):
    token = token_for("moderator", "org-a", "mod-a")
    response = post(client, token, [entry_line(id="first", organisation=A), "x" * (21 * 2**20)])
    assert response.status_code == 413
    assert "20 MiB" in response.json()["detail"]
    assert not EntryPage.objects.exists()


def test_an_editor_token_changes_no_organisation_page_and_creates_no_partner(client):
    token = token_for("editor", "org-a", "editor-a")
    renamed = {"id": "org-a", "name": "Renamed", "url": "https://evil.example/"}
    staff = {"id": "anything", "name": "Official Network Staff"}
    response = post(client, token, [entry_line(organisation=renamed, partners=[staff])])
    assert response.status_code == 200, response.content
    assert [notice["line"] for notice in response.json()["notices"]] == [1, 1]
    organisation = OrganisationPage.objects.get(slug="org-a")
    assert (organisation.title, organisation.website) == ("org-a", "")
    assert not OrganisationPage.objects.filter(slug="anything").exists()
    assert not Group.objects.filter(name__startswith="anything").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "entry: nested more than"),
        (
            entry_line(organisation=A).replace(
                '"summary"', '"x": ' + "[" * 5000 + "]" * 5000 + ', "summary"'
            ),
            "entry: nested more than",
        ),
        (
            entry_line(organisation=A, metrics=[{"name": "n", "value": 1}]).replace(
                ": 1}", ": NaN}"
            ),
            "metrics[0].value: NaN",
        ),
        (
            entry_line(organisation=A, metrics=[{"name": "n", "value": 1}]).replace(
                ": 1}", ": 1e999}"
            ),
            "metrics[0].value: 1e999",
        ),
        (
            entry_line(organisation=A, title="ab\\ud800cd").replace("\\\\", "\\"),
            "title: contains a lone surrogate",
        ),
        (entry_line(organisation=A, title="Nul \u0000 byte"), "title: contains a NUL character"),
        (entry_line(organisation=A, translation_of="Not An Id!"), "translation_of: 'Not An Id!'"),
    ],
)
def test_hostile_lines_answer_400_naming_the_line_and_write_nothing(client, text, expected):
    token = token_for("moderator", "org-a", "mod-a")
    response = post(client, token, [entry_line(id="fine", organisation=A), text])
    assert response.status_code == 400, response.content[:500]
    errors = response.json()["errors"]
    assert any(error["line"] == 2 and error["message"].startswith(expected) for error in errors)
    assert all(len(error["message"]) < 300 for error in errors)
    assert not EntryPage.objects.exists()


def test_an_editors_dry_run_sends_no_email(client, mailoutbox):
    membership_set(
        username="mod-a", organisation_id="org-a", role="moderator", email="mod@org-a.example"
    )
    token = token_for("editor", "org-a", "editor-a")
    response = post(client, token, [entry_line(organisation=A)], dry_run="true")
    assert response.json()["awaiting_approval"] == ["org-a/test-entry"]
    assert mailoutbox == []
    post(client, token, [entry_line(organisation=A)])
    assert ["mod@org-a.example"] in [message.to for message in mailoutbox]
