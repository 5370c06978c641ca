"""The suite runs on SQLite and again on PostgreSQL (scripts/test.sh). Each run names the
database it means in TEST_DATABASE_VENDOR, so that a run meant for PostgreSQL cannot pass
on SQLite because DATABASE_URL went missing on the way."""

import os

from django.db import connection


def test_the_suite_runs_on_the_database_it_was_asked_for(db):
    expected = os.environ.get("TEST_DATABASE_VENDOR", "sqlite")
    assert connection.vendor == expected, (
        f"this run was meant for {expected} (TEST_DATABASE_VENDOR) but runs on "
        f"{connection.vendor}: is DATABASE_URL set?"
    )
