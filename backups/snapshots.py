"""A consistent view of the whole database while the portal goes on writing, for a
backup to read every table from."""

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from django.db import connection, connections, transaction

from backups.manifest import BackupError

# The connection alias of the SQLite snapshot a backup reads.
SNAPSHOT_ALIAS = "backup_snapshot"


@contextmanager
def _sqlite_snapshot(directory: Path) -> Iterator[str]:
    """A copy of the database made by SQLite's online backup API (consistent, and writers
    wait only while pages are copied), opened as a connection of its own."""
    path = directory / ".snapshot.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    connections.settings[SNAPSHOT_ALIAS] = {**connections.settings["default"], "NAME": str(path)}
    try:
        yield SNAPSHOT_ALIAS
    finally:
        connections[SNAPSHOT_ALIAS].close()
        del connections[SNAPSHOT_ALIAS]
        del connections.settings[SNAPSHOT_ALIAS]
        path.unlink()


@contextmanager
def _postgresql_snapshot() -> Iterator[str]:
    """One REPEATABLE READ transaction: every table is read as the whole database was at
    the transaction's first query, while the portal goes on writing."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield "default"


def database_snapshot(directory: Path) -> AbstractContextManager[str]:
    """The database as it is now, read through the connection alias yielded; a SQLite copy
    is made in `directory` and removed afterwards."""
    if connection.in_atomic_block:
        raise BackupError("a backup reads its own snapshot: run it outside any transaction")
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(directory)
    if connection.vendor == "postgresql":
        return _postgresql_snapshot()
    raise BackupError(f"backups of a {connection.vendor} database are not supported")
