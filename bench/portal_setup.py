"""The portal the benchmarks measure: Django set up on a throwaway SQLite database, with
the vocabulary and the seed and demo entries of fixtures/ loaded through the real import."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ENTRY_FILES = ["seed-entries.jsonl", "demo-entries.jsonl"]


def django_setup(database: Path | str, engine_url: str, index_prefix: str) -> None:
    """Django on a SQLite file (a Path) or the database of a URL (a str)."""
    os.environ["DATABASE_URL"] = database if isinstance(database, str) else f"sqlite:///{database}"
    os.environ["SEARCH_URL"] = engine_url
    os.environ["SEARCH_INDEX_PREFIX"] = index_prefix
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fixture_lines() -> list[str]:
    """The interchange lines of the seed and demo entries."""
    lines = []
    for name in ENTRY_FILES:
        lines += (FIXTURES / name).read_text("utf-8").splitlines()
    return [line for line in lines if line.strip()]


def fixture_entries_read() -> list[dict]:
    return [json.loads(line) for line in fixture_lines()]


def fixture_entries_load() -> list[dict]:
    """Migrate, then load the site, the vocabulary and the fixtures' entries as the portal
    does; returns the entries as read."""
    from django.core.management import call_command

    from entries.imports import entries_import
    from portal.services import site_ensure
    from vocabulary.services import vocabulary_load

    call_command("migrate", verbosity=0)
    site_ensure()
    vocabulary_load()
    lines = fixture_lines()
    report = entries_import(lines)
    if not report.ok:
        raise SystemExit(f"import failed: {report.errors[:3]}")
    return [json.loads(line) for line in lines]
