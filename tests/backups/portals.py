"""Portals other than the test database, for the restore tests: each is a database URL and
a MEDIA_ROOT, driven through manage.py in a subprocess, as an operator would."""

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Set by scripts/test.sh in both runs: a PostgreSQL server where the tests may create and
# drop scratch databases (backup_scratch_*) of their own.
POSTGRES_URL = os.environ.get("POSTGRES_TEST_URL", "")


@dataclass(frozen=True)
class Portal:
    vendor: str
    database_url: str
    media_root: Path

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": str(self.media_root),
        }
        for name in ("SEARCH_URL", "SEARCH_ENGINE", "SEARCH_INDEX_PREFIX"):
            env.pop(name, None)
        env.update(extra or {})
        return env

    def start(self, *arguments: str, extra: dict[str, str] | None = None) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=self.environment(extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(
        self, *arguments: str, extra: dict[str, str] | None = None, python: str = ""
    ) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", python] if python else [sys.executable, "manage.py"]
        return subprocess.run(  # noqa: S603 (our own manage.py)
            [*command, *arguments],
            cwd=ROOT,
            env=self.environment(extra),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    def ok(self, *arguments: str, extra: dict[str, str] | None = None, python: str = "") -> str:
        done = self.run(*arguments, extra=extra, python=python)
        assert done.returncode == 0, f"{arguments or 'python'} on {self.vendor}: {done.stderr}"
        return done.stdout


def finished(process: subprocess.Popen) -> None:
    _, errors = process.communicate(timeout=900)
    assert process.returncode == 0, errors


def sqlite_copy_of_test_database(path: Path) -> None:
    """An empty portal without running the migrations again: the test database as it is
    between tests (migrated, nothing committed), copied by SQLite's backup API."""
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def postgres_admin(statement: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(statement)


def postgres_url_of(name: str) -> str:
    return urlsplit(POSTGRES_URL)._replace(path=f"/{name}").geturl()
