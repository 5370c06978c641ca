"""A time budget for the database search when it answers in place of a configured engine.

At a large collection the database search of words takes a minute or more: unbounded, an
engine that is merely slow would turn into a far slower search and a worker killed by
gunicorn's timeout. Under the budget, a search that cannot finish in time is stopped inside
the database and raises SearchBusy, which pages answer as 503 with Retry-After.

Checked before every query (a budget already spent runs nothing more) and enforced during
one: PostgreSQL's statement_timeout, set to what remains of the budget, local to a
transaction; SQLite's progress handler, which interrupts the statement past the deadline.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import OperationalError, connection, transaction

from search.backends.base import SearchBusy

logger = logging.getLogger(__name__)

T = TypeVar("T")

# SQLite calls the progress handler every this many virtual machine instructions: often
# enough to stop within milliseconds of the deadline, rarely enough to cost little.
SQLITE_PROGRESS_STEPS = 10_000
# PostgreSQL's error code for a statement cancelled by statement_timeout.
QUERY_CANCELED = "57014"


def _interrupted(error: OperationalError) -> bool:
    """Whether the database stopped the statement because the budget ran out."""
    cause = error.__cause__
    if connection.vendor == "postgresql":
        return getattr(cause, "sqlstate", None) == QUERY_CANCELED
    return "interrupted" in str(error)


class _Deadline:
    """An execute_wrapper: refuses to start a query past the deadline, tells PostgreSQL
    what remains of the budget, and turns an interrupted query into SearchBusy."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def busy(self) -> SearchBusy:
        logger.warning(
            "search fallback budget exceeded: the database did not answer within %.1f s",
            self.seconds,
        )
        return SearchBusy(f"the database search took more than {self.seconds:g} s")

    def __call__(self, execute, sql, params, many, context):
        remaining = self.remaining()
        if remaining <= 0:
            raise self.busy()
        if connection.vendor == "postgresql":
            # set_config(..., true) is SET LOCAL: it ends with the transaction around the call.
            context["cursor"].cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [f"{max(1, int(remaining * 1000))}ms"],
            )
        try:
            return execute(sql, params, many, context)
        except OperationalError as error:
            if _interrupted(error):
                raise self.busy() from error
            raise


@contextmanager
def _sqlite_interrupt(deadline: _Deadline) -> Iterator[None]:
    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(lambda: int(deadline.remaining() <= 0), SQLITE_PROGRESS_STEPS)
    try:
        yield
    finally:
        raw.set_progress_handler(None, SQLITE_PROGRESS_STEPS)


def within_budget(call: Callable[[], T], *, seconds: float) -> T:
    """call()'s answer, or SearchBusy when its queries take more than `seconds` in all."""
    deadline = _Deadline(seconds)
    if connection.vendor == "postgresql":
        # A transaction (a savepoint inside one already open) scopes statement_timeout;
        # it is put back before a surrounding transaction goes on.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('statement_timeout')")
                (before,) = cursor.fetchone()
            with connection.execute_wrapper(deadline):
                answer = call()
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
            return answer
    if connection.vendor == "sqlite":
        with _sqlite_interrupt(deadline), connection.execute_wrapper(deadline):
            try:
                return call()
            except (OperationalError, sqlite3.OperationalError) as error:
                # Rows are read after execute() returns, where the handler may also stop.
                if "interrupted" in str(error):
                    raise deadline.busy() from error
                raise
    with connection.execute_wrapper(deadline):
        return call()
