import json

import jsonschema
import pytest

from entries.lines import parse_line
from tests.factories import CONTRACT_FACETS, make_entry

pytestmark = pytest.mark.usefixtures("portal_db")


def test_entry_endpoint_returns_the_interchange_form(client):
    make_entry(title="Public entry title")
    response = client.get("/api/v1/entries/test-org/test-entry/")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Public entry title"
    assert data["organisation"] == {"id": "test-org", "name": "Test Organisation", "country": "DE"}
    assert parse_line(json.dumps(data)) == (data, [])


@pytest.mark.parametrize("visibility", ["members", "organisation"])
def test_non_public_entries_answer_exactly_like_missing_ones(client, visibility):
    from organisations.services import membership_set

    make_entry(visibility=visibility)
    if visibility == "organisation":
        # A member of another organisation reads members entries, not this one.
        outsider = membership_set(username="outsider", organisation_id="other", role="editor")
        client.force_login(outsider.user)
    hidden = client.get("/api/v1/entries/test-org/test-entry/")
    missing = client.get("/api/v1/entries/test-org/no-such-entry/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_jsonl_export_lists_public_entries_valid_against_the_schema(client):
    make_entry(id="public-one")
    make_entry(id="members-one", visibility="members")
    response = client.get("/api/v1/entries.jsonl")
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["public-one"]
    assert parse_line(lines[0])[1] == []


def test_jsonl_export_takes_the_search_facet_filters(client):
    make_entry(id="chat-one", formats=["chat"])
    make_entry(id="voice-one", formats=["voice"])
    make_entry(id="video-one", formats=["video"], language="de")
    response = client.get("/api/v1/entries.jsonl?formats=chat&formats=video")
    ids = [
        json.loads(line)["id"]
        for line in b"".join(response.streaming_content).decode().splitlines()
    ]
    assert ids == ["chat-one", "video-one"]
    response = client.get("/api/v1/entries.jsonl?formats=chat&formats=video&language=de")
    ids = [
        json.loads(line)["id"]
        for line in b"".join(response.streaming_content).decode().splitlines()
    ]
    assert ids == ["video-one"]


def test_openapi_describes_the_paths_and_links_the_contract(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/entries/{organisation}/{entry_id}/" in spec["paths"]
    assert "/api/v1/entries.jsonl" in spec["paths"]
    assert "/api/v1/schema/entry.schema.json" in spec["info"]["description"]


def test_openapi_describes_the_search_parameters_and_its_answer(client, settings):
    settings.SEARCH_URL = None
    make_entry(title="Anonymous chat for leavers", formats=["chat"])
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/search/"]["get"]
    described = {parameter["name"]: parameter for parameter in operation["parameters"]}
    # The contract's, and `started`, which the overview's figures by year started link with.
    contract = {"q", "page", "page_size", "sort", "year_from", "year_to"} | set(CONTRACT_FACETS)
    assert set(described) == contract | {"started"}
    assert described["formats"]["explode"] is True
    assert described["sort"]["schema"]["enum"] == ["relevance", "newest"]
    # The answer is what the description says it is.
    answer = client.get("/api/v1/search/", {"q": "chat", "formats": "chat"}).json()
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(answer, schema)
    error = client.get("/api/v1/search/", {"page": "x"}).json()
    jsonschema.validate(
        error, operation["responses"]["400"]["content"]["application/json"]["schema"]
    )


def test_published_contract_files_are_served(client):
    schema = client.get("/api/v1/schema/entry.schema.json")
    assert json.loads(b"".join(schema.streaming_content))["$id"] == "entry.schema.json"
    vocabulary = client.get("/api/v1/vocabulary.json")
    assert "formats" in json.loads(b"".join(vocabulary.streaming_content))["facets"]


def test_safety_details_are_left_out_of_public_api_answers(client):
    make_entry(safety="Counsellors use pseudonyms and a separate phone.")
    data = client.get("/api/v1/entries/test-org/test-entry/").json()
    assert "safety" not in data
    assert parse_line(json.dumps(data))[1] == []
    line = b"".join(client.get("/api/v1/entries.jsonl").streaming_content).decode()
    assert "pseudonyms" not in line


def _export(client) -> dict[str, dict]:
    lines = b"".join(client.get("/api/v1/entries.jsonl").streaming_content).decode()
    return {data["id"]: data for data in map(json.loads, lines.splitlines())}


def test_answers_name_no_entry_the_caller_may_not_see(client):
    from organisations.services import membership_set

    make_entry(id="lotse-threats-lesson", visibility="members")
    make_entry(id="lotse-supervision-draft", visibility="organisation")
    make_entry(id="public-two")
    make_entry(
        id="public-one",
        related=[
            "lotse-threats-lesson",
            "lotse-supervision-draft",
            "partner-org/held-elsewhere",
            "public-two",
        ],
    )
    make_entry(id="lotse-original", visibility="members")
    make_entry(id="public-translation", language="fr", translation_of="lotse-original")

    detail = client.get("/api/v1/entries/test-org/public-one/").json()
    assert detail["related"] == ["partner-org/held-elsewhere", "public-two"]
    exported = _export(client)
    assert exported["public-one"] == detail
    assert "translation_of" not in exported["public-translation"]
    assert "lotse" not in json.dumps(exported)
    for data in exported.values():
        assert parse_line(json.dumps(data))[1] == []

    # A member of another organisation reads members entries, not this organisation's own.
    member = membership_set(username="reader", organisation_id="other", role="member").user
    client.force_login(member)
    detail = client.get("/api/v1/entries/test-org/public-one/").json()
    assert detail["related"] == [
        "lotse-threats-lesson",
        "partner-org/held-elsewhere",
        "public-two",
    ]
    exported = _export(client)
    assert exported["public-translation"]["translation_of"] == "lotse-original"


def test_search_answers_name_a_group_after_no_original_the_caller_may_not_see(client):
    from organisations.services import membership_set

    make_entry(id="lotse-original", visibility="members", language="de", title="Chat-Regeln")
    for language in ("fr", "en"):
        make_entry(
            id=f"chat-rules-{language}",
            language=language,
            translation_of="lotse-original",
            title=f"Chat rules ({language})",
        )
    make_entry(id="chat-alone", title="Chat alone")

    answer = client.get("/api/v1/search/?q=chat")
    groups = {hit["id"]: hit["group"] for hit in answer.json()["results"]}
    assert groups == {
        "chat-rules-en": "test-org/chat-rules-en",
        "chat-rules-fr": "test-org/chat-rules-en",
        "chat-alone": "test-org/chat-alone",
    }
    assert b"lotse" not in answer.content

    member = membership_set(username="reader", organisation_id="other", role="member").user
    client.force_login(member)
    hits = {hit["id"]: hit for hit in client.get("/api/v1/search/?q=chat").json()["results"]}
    assert hits["chat-rules-fr"]["group"] == hits["lotse-original"]["group"]
    assert hits["lotse-original"]["group"] == "test-org/lotse-original"
    # Each result says who may read it: a partner system must not publish the others.
    assert hits["lotse-original"]["visibility"] == "members"
    assert hits["chat-rules-fr"]["visibility"] == "public"


def test_answers_to_a_token_are_private_and_every_answer_varies_by_authorization(client):
    from accounts.services import token_issue
    from organisations.services import membership_set

    make_entry()
    anonymous = client.get("/api/v1/entries/test-org/test-entry/")
    assert "Authorization" in anonymous["Vary"]
    assert "private" not in anonymous.get("Cache-Control", "")

    member = membership_set(username="member", organisation_id="test-org", role="member").user
    token = token_issue(user=member, name="partner system")
    for url in (
        "/api/v1/entries/test-org/test-entry/",
        "/api/v1/entries.jsonl",
        "/api/v1/search/?q=chat",
    ):
        answer = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert answer.status_code == 200, url
        assert "private" in answer["Cache-Control"], url
        assert "Authorization" in answer["Vary"], url


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("formats=chat%00", "formats"), ("&".join(["countries=DE"] * 101), "countries")],
)
def test_export_and_list_filters_that_no_term_could_match_are_refused_by_name(
    client, query, parameter
):
    make_entry()
    answer = client.get(f"/api/v1/entries.jsonl?{query}")
    assert answer.status_code == 400
    assert answer.json()["parameter"] == parameter
    page = client.get(f"/en/entries/?{query}")
    assert page.status_code == 400
    assert f"<code>{parameter}</code>" in page.content.decode()


def test_an_entry_address_that_is_no_id_answers_404(client):
    assert client.get("/api/v1/entries/test-org/bad%00id/").status_code == 404
    assert client.get("/api/v1/entries/Test%20Org/test-entry/").status_code == 404


def test_the_openapi_description_declares_the_bearer_scheme_and_the_import_body(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    upload = schema["paths"]["/api/v1/entries.jsonl"]["post"]
    assert upload["security"] == [{"bearerToken": []}]
    assert "application/x-ndjson" in upload["requestBody"]["content"]
    assert {"200", "400", "401", "403", "413", "422"} <= set(upload["responses"])
    single = schema["paths"]["/api/v1/entries/{organisation}/{entry_id}/"]["get"]
    assert {"200", "401", "404"} <= set(single["responses"])
    page = next(
        parameter
        for parameter in schema["paths"]["/api/v1/search/"]["get"]["parameters"]
        if parameter["name"] == "page"
    )
    assert page["schema"]["maximum"] >= 1
