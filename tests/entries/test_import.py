import io
import json

import pytest
from django.core.management import CommandError, call_command

from entries.interchange import entry_to_interchange, parse_line
from entries.models import EntryPage
from entries.services import entries_import
from organisations.models import OrganisationPage
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
    assert EntryPage.objects.get().specific_class.kind == "practice"


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
