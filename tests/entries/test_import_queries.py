"""Re-importing an unchanged file costs the same number of queries whatever its length: the
stored entries the lines name are read a batch at a time, with every relation the
comparison reads, instead of a score of queries a line."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Revision

from entries.imports import entries_import
from tests.factories import entry_line

pytestmark = pytest.mark.usefixtures("portal_db")


def _line(number: int) -> str:
    """A line with every kind of relation an entry holds but partners (each line naming
    partners reads them: one query a line): terms of several facets, countries, free
    keywords, metrics, links, recommendations, a related entry; practices and lessons."""
    return entry_line(
        id=f"entry-{number}",
        kind="lesson" if number % 2 else "practice",
        title=f"Entry {number}",
        countries=["DE", "FR"],
        domains=["exit-work"],
        formats=["chat", "voice"],
        tags=["tandem work", "Peer Support"],
        metrics=[{"name": "clients", "value": number, "unit": "people"}],
        links=[{"title": "Report", "url": f"https://example.org/{number}"}],
        recommendations=["Start small.", "Keep records."],
        related=[f"entry-{number - 1}"] if number else None,
        source={"title": "Conclusion paper", "date": "2021-03-15"},
        audience=["practitioners"],
    )


def _queries_of_import(lines: list[str]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        report = entries_import(lines)
    assert report.ok, report.errors
    return len(queries), report.unchanged


def test_an_unchanged_reimport_makes_as_many_queries_for_20_entries_as_for_5():
    lines = [_line(number) for number in range(25)]
    assert len(entries_import(lines).created) == 25
    revisions = Revision.objects.count()

    few, few_unchanged = _queries_of_import(lines[:5])
    many, many_unchanged = _queries_of_import(lines[5:])

    assert len(few_unchanged) == 5 and len(many_unchanged) == 20
    assert Revision.objects.count() == revisions
    assert many == few, f"{few} queries for 5 unchanged entries, {many} for 20"
