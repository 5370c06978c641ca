import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from entries.imports import entries_import
from entries.interchange import entry_to_interchange
from entries.lines import parse_line
from entries.models import EntryPage
from organisations.models import OrganisationPage
from organisations.selectors import organisations_writable_by
from organisations.services import membership_set, organisation_upsert
from tests.conftest import login_with_second_factor
from tests.factories import entry_data, entry_line, fixture_lines
from vocabulary.models import Term

pytestmark = pytest.mark.usefixtures("portal_db")


def export_lines() -> list[str]:
    out = io.StringIO()
    call_command("export_entries", stdout=out)
    return out.getvalue().splitlines()


def test_importing_the_seed_file_twice_leaves_eight_entries(tmp_path):
    seed = tmp_path / "seed.jsonl"
    seed.write_text("\n".join(fixture_lines("seed-entries.jsonl")), encoding="utf-8")
    call_command("import_entries", str(seed), stdout=io.StringIO())
    call_command("import_entries", str(seed), stdout=io.StringIO())
    assert EntryPage.objects.count() == 8
    demo = tmp_path / "demo.jsonl"
    demo.write_text("\n".join(fixture_lines("demo-entries.jsonl")), encoding="utf-8")
    call_command("import_entries", str(demo), stdout=io.StringIO())
    assert EntryPage.objects.count() == 48
    assert OrganisationPage.objects.filter(slug="isd").count() == 1


def test_reimport_updates_the_entry_in_place():
    entries_import([entry_line(title="First title")])
    entry = EntryPage.objects.get(slug="test-entry")
    report = entries_import([entry_line(title="Second title", formats=["voice"])])
    assert report.updated == ["test-org/test-entry"]
    updated = EntryPage.objects.get(slug="test-entry").specific
    assert updated.pk == entry.pk
    assert updated.title == "Second title"
    assert [term.slug for term in updated.formats.all()] == ["voice"]
    assert updated.live


def test_one_broken_line_rejects_the_file_and_names_the_line(tmp_path):
    entries_import([entry_line(id="already-there", title="Stored before")])
    before = export_lines()
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                entry_line(id="good-one"),
                entry_line(id="already-there", title="Changed title"),
                entry_line(id="bad-one", visibility="everyone"),
            ]
        ),
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_entries", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 3: visibility" in err.getvalue()
    assert "'everyone' is not one of" in err.getvalue()
    assert export_lines() == before
    assert not EntryPage.objects.filter(slug="good-one").exists()


def test_partial_imports_the_valid_lines_and_reports_the_others():
    report = entries_import(
        [entry_line(id="good-one"), "{not json", entry_line(id="x")], partial=True
    )
    assert report.created == ["test-org/good-one"]
    assert [(error.line, error.message.split(" ")[0]) for error in report.errors] == [
        (2, "not"),
        (3, "id:"),
    ]
    assert EntryPage.objects.filter(slug="good-one").exists()


def test_dry_run_writes_nothing():
    report = entries_import([entry_line()], dry_run=True)
    assert report.created == ["test-org/test-entry"]
    assert not report.written
    assert not EntryPage.objects.exists()
    assert not OrganisationPage.objects.filter(slug="test-org").exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"kind": "method"}, "kind: 'method' is not one of"),
        ({"summary": "short"}, "summary: 'short' is too short"),
        ({"visibility": None}, "entry: 'visibility' is a required property"),
        ({"countries": ["XX"]}, "countries: XX is not an ISO 3166-1 country code"),
        ({"started": 2020, "ended": 2019}, "ended: the end year comes before the start year"),
        (
            {"links": [{"url": "javascript:alert(1)"}]},
            "links[0].url: 'javascript:alert(1)' does not match",
        ),
        ({"published": "2024-13-45"}, "published: '2024-13-45' is not a 'date'"),
        ({"surprise": 1}, "Additional properties are not allowed ('surprise' was unexpected)"),
    ],
)
def test_invalid_lines_are_named_with_the_reason(overrides, expected):
    report = entries_import([entry_line(), entry_line(id="second", **overrides)])
    assert not report.written
    assert any(error.line == 2 and expected in error.message for error in report.errors), [
        str(error) for error in report.errors
    ]
    assert not EntryPage.objects.exists()


def test_the_same_entry_twice_in_one_file_is_refused():
    report = entries_import([entry_line(), entry_line(title="Other")])
    assert [str(error) for error in report.errors] == [
        "line 2: test-org/test-entry appears again (first on line 1)"
    ]


def test_an_entry_cannot_change_kind():
    entries_import([entry_line()])
    report = entries_import([entry_line(kind="lesson")])
    assert "exists as a practice; its kind cannot change to lesson" in str(report.errors[0])
    assert EntryPage.objects.get().kind == "practice"


def test_synonyms_and_labels_resolve_to_terms_and_unknown_terms_become_tags():
    entries_import(
        [entry_line(formats=["hotline", "Video call", "carrier pigeon"], tags=["binôme"])]
    )
    entry = EntryPage.objects.get().specific
    assert sorted(term.slug for term in entry.formats.all()) == ["helpline", "video"]
    assert sorted(tag.name for tag in entry.tags.all()) == ["binôme", "carrier pigeon"]


def test_countries_become_terms_with_labels_in_three_languages():
    entries_import([entry_line(countries=["DE", "FR"])])
    germany = Term.objects.get(facet="countries", slug="DE")
    assert (germany.label_en, germany.label_fr, germany.label_de) == (
        "Germany",
        "Allemagne",
        "Deutschland",
    )


def test_export_import_export_gives_identical_entries():
    entries_import(fixture_lines("seed-entries.jsonl") + fixture_lines("demo-entries.jsonl"))
    first = export_lines()
    assert len(first) == 48
    for line in first:
        data, problems = parse_line(line)
        assert problems == [], line

    EntryPage.objects.all().delete()
    OrganisationPage.objects.all().delete()
    Term.objects.filter(facet="countries").delete()
    assert not EntryPage.objects.exists()

    report = entries_import(first)
    assert report.ok and len(report.created) == 48
    assert export_lines() == first


def test_export_keeps_every_field_of_a_full_entry():
    data = entry_data(
        kind="lesson",
        translation_of="original",
        partners=[{"id": "partner-org", "name": "Partner", "url": "https://partner.example.org/"}],
        approaches=["tandem-counselling"],
        target_groups=["leavers"],
        ideologies=["far-right"],
        counsellor_profiles=["former-extremist"],
        platforms=["telegram"],
        tags=["night shifts"],
        counsellor_choice=False,
        assessment="less-good",
        evaluation="external",
        status="ended",
        started=2019,
        ended=2022,
        outcomes="Fewer drop-outs.",
        metrics=[
            {"name": "Clients", "value": 42, "unit": "people", "note": "2021"},
            {"name": "Rate", "value": 0.5},
        ],
        context="A pilot.",
        what_worked="Listening.",
        what_did_not_work="Night shifts.",
        recommendations=["Plan rest.", "Share the load."],
        audience=["practitioners", "policymakers"],
        ethics="Consent first.",
        safety="Pseudonyms only.",
        related=["other-entry", "isd/isd-one-to-one"],
        links=[{"title": "Site", "url": "https://example.org/"}, {"url": "https://example.org/b"}],
        source={"title": "Report", "date": "2021-03-15", "url": "https://example.org/r"},
        visibility="members",
        published="2022-01-31",
        updated="2024-02-01T09:30:00Z",
    )
    entries_import([json.dumps(data)])
    exported = entry_to_interchange(EntryPage.objects.get(slug="test-entry").specific)
    assert exported == data


def test_hostile_markup_is_neutralised_on_import():
    entries_import(
        [
            entry_line(
                summary="Summary with <script>alert('s')</script> inside it.",
                body="<script>alert('b')</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>",
            )
        ]
    )
    entry = EntryPage.objects.get().specific
    assert "<script" not in entry.body
    assert "<img" not in entry.body
    assert 'href="javascript' not in entry.body  # kept as text, never as a link
    assert "&lt;script&gt;alert('b')&lt;/script&gt;" in entry.body


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(entry_line(title="Caf\u00e9 talks").encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("import_entries", str(path), stdout=io.StringIO())
    assert not EntryPage.objects.exists()


def test_a_missing_file_is_named():
    with pytest.raises(CommandError, match="Cannot read /nonexistent.jsonl"):
        call_command("import_entries", "/nonexistent.jsonl", stdout=io.StringIO())


# Who may change what through an import: entries go where the importer may write them,
# but an organisation page changes only through those who may edit it.


def _member(role: str, organisation_id: str = "org-a", **details):
    membership = membership_set(
        username=f"{role}-{organisation_id}",
        organisation_id=organisation_id,
        role=role,
        email=f"{role}@{organisation_id}.example.org",
    )
    if details:
        organisation_upsert(id=organisation_id, **details)
    return membership.user


def _import_as(user, lines, **options):
    writable = organisations_writable_by(user=user)
    return entries_import(
        lines,
        user=user,
        allowed_organisations=set(writable),
        publish_organisations={slug for slug, role in writable.items() if role == "moderator"},
        **options,
    )


ORG_A = {"id": "org-a", "name": "Org A", "country": "DE", "url": "https://org-a.example.org/"}
FAKE_PARTNER = {"id": "anything", "name": "Official Network Staff"}


def test_an_editors_import_leaves_the_organisation_page_as_it_is():
    editor = _member("editor", name="Org A", country="DE", url="https://org-a.example.org/")
    renamed = {"id": "org-a", "name": "Renamed", "country": "FR", "url": "https://evil.example/"}
    report = _import_as(editor, [entry_line(organisation=renamed)])
    assert report.written and report.awaiting_approval == ["org-a/test-entry"]
    organisation = OrganisationPage.objects.get(slug="org-a")
    assert (organisation.title, organisation.country, organisation.website) == (
        "Org A",
        "DE",
        "https://org-a.example.org/",
    )
    assert organisation.get_latest_revision().content["title"] == "Org A"
    assert [str(notice) for notice in report.notices] == [
        "line 1: organisation: the name, country and url of org-a are left as they are; "
        "only its moderators change them"
    ]


def test_a_moderators_import_updates_their_organisation_page():
    moderator = _member("moderator", name="Org A")
    report = _import_as(moderator, [entry_line(organisation={**ORG_A, "name": "Org A e.V."})])
    assert report.written and not report.notices
    assert OrganisationPage.objects.get(slug="org-a").title == "Org A e.V."


def test_unknown_partners_of_a_members_import_are_names_on_the_entry(client):
    moderator = _member("moderator", name="Org A")
    organisations_before = OrganisationPage.objects.count()
    groups_before = Group.objects.count()
    line = entry_data(organisation=ORG_A, partners=[FAKE_PARTNER])
    report = _import_as(moderator, [json.dumps(line)])
    assert report.written
    assert [str(notice) for notice in report.notices] == [
        "line 1: partners[0]: anything is not a member organisation of the portal; "
        "kept as a name on the entry"
    ]
    assert OrganisationPage.objects.count() == organisations_before
    assert Group.objects.count() == groups_before
    page = client.get("/en/organisations/org-a/test-entry/").content.decode()
    assert "with Official Network Staff" in page
    assert "/organisations/anything/" not in page
    assert [json.loads(text)["partners"] for text in export_lines()] == [[FAKE_PARTNER]]


def test_an_editors_unknown_partner_creates_no_organisation_even_once_approved():
    editor = _member("editor", name="Org A")
    report = _import_as(editor, [entry_line(organisation=ORG_A, partners=[FAKE_PARTNER])])
    assert report.awaiting_approval == ["org-a/test-entry"]
    assert not OrganisationPage.objects.filter(slug="anything").exists()
    entry = EntryPage.objects.get(slug="test-entry")
    entry.get_latest_revision().publish()
    assert not OrganisationPage.objects.filter(slug="anything").exists()
    assert [name.name for name in EntryPage.objects.get(slug="test-entry").partner_names.all()] == [
        "Official Network Staff"
    ]


def test_a_known_partner_stays_linked_and_keeps_its_own_details():
    moderator = _member("moderator", name="Org A")
    organisation_upsert(id="org-b", name="Org B", url="https://org-b.example.org/")
    renamed_b = {"id": "org-b", "name": "Not Org B", "url": "https://evil.example/"}
    _import_as(moderator, [entry_line(organisation=ORG_A, partners=[renamed_b])])
    entry = EntryPage.objects.get(slug="test-entry")
    assert [partner.slug for partner in entry.partners.all()] == ["org-b"]
    assert not entry.partner_names.exists()
    org_b = OrganisationPage.objects.get(slug="org-b")
    assert (org_b.title, org_b.website) == ("Org B", "https://org-b.example.org/")


def test_the_operator_imports_partners_as_organisations():
    report = entries_import([entry_line(partners=[FAKE_PARTNER])])
    assert report.written and not report.notices
    assert OrganisationPage.objects.get(slug="anything").title == "Official Network Staff"


# Hostile lines: each named by number and field, nothing written, no crash.

HUGE = "x" * 3_000_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "line 2: entry: nested more than"),
        (
            entry_line()[:-1] + ', "title": ' + "[" * 5000 + "]" * 5000 + "}",
            "line 2: entry: nested more than",
        ),
        (
            entry_line(metrics=[{"name": "Rate", "value": 1}]).replace(": 1}", ": NaN}"),
            ("line 2: metrics[0].value: NaN is not a number the format allows"),
        ),
        (
            entry_line(metrics=[{"name": "Rate", "value": 1}]).replace(": 1}", ": -Infinity}"),
            ("line 2: metrics[0].value: -Infinity is not a number the format allows"),
        ),
        (
            entry_line(metrics=[{"name": "Rate", "value": 1}]).replace(": 1}", ": 1e999}"),
            ("line 2: metrics[0].value: 1e999 is not a number the format allows"),
        ),
        (
            entry_line(metrics=[{"name": "Rate", "value": 1}]).replace(
                ": 1}", ": 1" + "0" * 5000 + "}"
            ),
            "line 2: metrics[0].value: 10000000000",
        ),
        (
            entry_line(title="ab\\ud800cd").replace("\\\\", "\\"),
            "line 2: title: contains a lone surrogate",
        ),
        (entry_line(title="Nul \u0000 byte"), "line 2: title: contains a NUL character"),
        (entry_line(title="Bell \u0007 ringing"), "line 2: title: contains a control character"),
        (entry_line(tags=["fine", "nul\u0000"]), "line 2: tags[1]: contains a NUL character"),
        (
            entry_line(translation_of="Not An Id!"),
            "line 2: translation_of: 'Not An Id!' is not an id",
        ),
        (entry_line(related=["Bad Ref!"]), "line 2: related[0]: 'Bad Ref!' is not an entry id"),
        (
            entry_line(
                organisation={"id": "test-org", "name": "T", "url": "https://e.org/" + "a" * 300}
            ),
            "line 2: organisation.url: longer than 200 characters",
        ),
        (
            entry_line(links=[{"url": "https://e.org/" + "a" * 2100}]),
            "line 2: links[0].url: longer than 2000 characters",
        ),
        (
            entry_line(updated="9999-12-31T23:59:59-23:00"),
            "line 2: updated: '9999-12-31T23:59:59-23:00'",
        ),
        (entry_line(tags=[str(number) for number in range(1000)]), "line 2: tags: more than"),
        (
            entry_line(partners=[FAKE_PARTNER, FAKE_PARTNER]),
            "line 2: partners[1]: anything appears",
        ),
    ],
)
def test_hostile_lines_are_named_and_nothing_is_written(text, expected):
    report = entries_import([entry_line(id="fine-line"), text])
    assert not report.written
    messages = [str(error) for error in report.errors]
    assert any(message.startswith(expected) for message in messages), messages
    assert all(len(message) < 300 for message in messages), messages
    assert not EntryPage.objects.exists()


def test_a_huge_bad_value_is_quoted_as_a_short_excerpt():
    report = entries_import([entry_line(title=HUGE)])
    [error] = report.errors
    assert str(error).startswith("line 1: title: 'xxxxxxxx")
    assert "…" in str(error)
    assert len(str(error)) < 200


def test_the_cli_names_a_deeply_nested_line_and_exits_non_zero(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text(entry_line() + "\n" + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_entries", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 2: entry: nested more than" in err.getvalue()
    assert not EntryPage.objects.exists()


def test_a_line_separator_inside_a_text_keeps_the_line_whole(tmp_path):
    path = tmp_path / "separator.jsonl"
    path.write_text(entry_line(title="Before\u2028after") + "\n" + entry_line(id="second"))
    call_command("import_entries", str(path), stdout=io.StringIO())
    assert EntryPage.objects.get(slug="test-entry").title == "Before\u2028after"
    assert EntryPage.objects.filter(slug="second").exists()


# Side effects: nothing escapes a dry run; a real import notifies the moderators.


def test_a_dry_run_by_an_editor_sends_no_email_and_a_real_one_notifies_moderators(mailoutbox):
    moderator = _member("moderator", name="Org A")
    editor = _member("editor")
    line = entry_line(organisation=ORG_A)
    report = _import_as(editor, [line], dry_run=True)
    assert report.awaiting_approval == ["org-a/test-entry"]
    assert not EntryPage.objects.exists()
    assert mailoutbox == []
    report = _import_as(editor, [line])
    assert report.written
    assert moderator.email in {address for message in mailoutbox for address in message.to}


def test_partner_names_are_shown_and_kept_in_the_admin(client):
    moderator = _member("moderator", name="Org A")
    _import_as(moderator, [entry_line(organisation=ORG_A, partners=[FAKE_PARTNER])])
    page = client.get("/en/organisations/org-a/test-entry/").content.decode()
    assert 'Official Network Staff <span class="muted">(not a member organisation)' in page
    login_with_second_factor(client, moderator)
    entry = EntryPage.objects.get(slug="test-entry")
    edit = client.get(f"/admin/pages/{entry.pk}/edit/").content.decode()
    assert "Partners outside the portal" in edit
    assert "Official Network Staff" in edit
