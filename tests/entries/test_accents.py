"""Accents and other non-ASCII text survive import and export unchanged.

Three French demo entries were once stored without their accents ("Se presenter a visage
decouvert"): fixtures/demo-entries.jsonl came into the repository (in its first commit)
with those three lines transliterated to ASCII, every field of them, while the contract's
copy (examples/demo-entries.jsonl) has them. Neither the import nor the export loses
accents; these tests keep it so, and keep the fixtures written as their languages are.
"""

import io
import json
import re

import pytest
from django.core.management import call_command

from entries.imports import entries_import
from entries.interchange import entry_to_interchange
from entries.models import EntryPage
from tests.factories import entry_data, fixture_lines

pytestmark = pytest.mark.usefixtures("portal_db")

NON_ASCII = re.compile(r"\w*[^\x00-\x7f]\w*")


def _export() -> dict[str, dict]:
    out = io.StringIO()
    call_command("export_entries", stdout=out)
    return {data["id"]: data for data in map(json.loads, out.getvalue().splitlines())}


def test_no_french_or_german_fixture_entry_is_written_without_its_accents():
    for name in ("seed-entries.jsonl", "demo-entries.jsonl"):
        for line in fixture_lines(name):
            data = json.loads(line)
            if data["language"] in ("fr", "de"):
                text = " ".join([data["title"], data["summary"], data.get("body", "")])
                assert NON_ASCII.search(text), f"{name}: {data['id']} has no accent at all"


def test_the_demo_title_keeps_its_accents_through_import_and_export():
    report = entries_import(fixture_lines("demo-entries.jsonl"))
    assert report.ok, report.errors
    title = "Se présenter à visage découvert : pourquoi nous avons renoncé aux profils fictifs"
    assert EntryPage.objects.get(slug="contrepoint-lecon-profils-fictifs").title == title
    exported = _export()
    for line in fixture_lines("demo-entries.jsonl"):
        data = json.loads(line)
        assert exported[data["id"]]["title"] == data["title"]
        assert exported[data["id"]]["summary"] == data["summary"]
        body = exported[data["id"]].get("body", "")
        for word in NON_ASCII.findall(data.get("body", "")):
            assert word in body, (data["id"], word)


def test_non_ascii_title_body_terms_and_keywords_are_kept_as_they_are():
    data = entry_data(
        id="accents",
        language="de",
        title="Übergänge gestalten: « Ausstieg » & Fürsorge — ß, œ, ø, č, ł, ğ, 中文, 🙂",
        summary="Élan, Straße, naïveté, Łódź, São Paulo, İstanbul.",
        body="Beratende begleiten **Aussteigende** über Jahre.\n\n- Schutzräume für Mädchen\n"
        "- Réseaux d’entraide à Montréal",
        formats=["chat"],
        # A term named by its labels in French and German: stored as the term, exported by
        # its id; a word outside the vocabulary stays a free keyword as it was written.
        domains=["Contre-discours et récits alternatifs", "Ausstiegsarbeit"],
        tags=["Begleitung für Jugendliche", "récits de vie"],
        what_worked="Gespräche über Zugehörigkeit, nicht über Ideologie.",
    )
    report = entries_import([json.dumps(data, ensure_ascii=False)])
    assert report.ok, report.errors
    entry = EntryPage.objects.get(slug="accents").specific
    assert entry.title == data["title"]
    exported = entry_to_interchange(entry)
    for field in ("title", "summary", "body", "what_worked", "tags"):
        assert exported[field] == data[field], field
    assert exported["domains"] == ["exit-work", "alternative-narratives"]
    line = json.dumps(exported, ensure_ascii=False)
    assert "Übergänge" in line and "中文" in line and "🙂" in line
    # The command's file writes the characters themselves, not \u escapes.
    out = io.StringIO()
    call_command("export_entries", stdout=out)
    assert "Übergänge gestalten" in out.getvalue() and "récits de vie" in out.getvalue()
