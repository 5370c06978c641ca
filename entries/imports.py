"""Importing a file of interchange lines: every line checked, then written in one
transaction (or line by line with partial), and a report of what was done.

Nothing escapes a dry run or a rolled-back import: the review workflow, whose start
e-mails the moderators, starts only once every line is written, and not in a dry run.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext

from entries.entry_fill import file_lookups
from entries.import_checks import entries_check
from entries.lines import LineError, excerpt
from entries.models import EntryPage
from entries.selectors import STORED_BATCH, EntryKey, entries_stored
from entries.services import (
    EntryImportError,
    Written,
    entry_submit_for_review,
    entry_upsert,
    line_key,
)

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    # Lines that said what their live entry already said: nothing written for them.
    unchanged: list[str] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    # What was taken but not as written (an organisation's details left alone, a partner
    # kept as a name): the entries still import.
    notices: list[LineError] = field(default_factory=list)
    awaiting_approval: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _DryRun(Exception):
    """Raised to roll back a dry run once every write has been tried."""


def entries_import(
    lines: Iterable[str],
    *,
    partial: bool = False,
    dry_run: bool = False,
    allowed_organisations: set[str] | None = None,
    user=None,
    publish_organisations: set[str] | None = None,
) -> ImportReport:
    """Import interchange lines. Without partial, one bad line means nothing is written.

    A dry run goes through every write and then rolls back, so that it finds what the
    database would refuse too; it starts no review workflow, so it notifies no one.
    allowed_organisations limits whose entries may be written (None: any); entries of
    organisations outside publish_organisations (None: all) are saved as drafts and
    submitted for review, once every line is written, instead of being published. user
    None is the operator at the command line.
    """
    checked = entries_check(lines, allowed_organisations=allowed_organisations, user=user)
    report = ImportReport(errors=checked.errors, notices=checked.notices)
    if checked.errors and not partial:
        return report
    try:
        with transaction.atomic():
            lookups = file_lookups()
            drafts: list[EntryPage] = []
            for number, data, stored in _with_stored_entries(checked.valid):
                publish = (
                    publish_organisations is None
                    or data["organisation"]["id"] in publish_organisations
                )
                try:
                    # A refused line is rolled back alone in a partial import; otherwise
                    # the whole import is, and a savepoint a line would only cost time.
                    with transaction.atomic(savepoint=partial):
                        entry, written = entry_upsert(
                            data=data,
                            lookups=lookups,
                            user=user,
                            publish=publish,
                            submit=False,
                            stored=stored,
                        )
                except (EntryImportError, DatabaseError, ValidationError) as error:
                    report.errors.append(LineError(number, _refusal(error)))
                    if not partial:
                        raise EntryImportError from error
                    continue
                key = f"{entry.organisation.slug}/{entry.slug}"
                {
                    Written.CREATED: report.created,
                    Written.UPDATED: report.updated,
                    Written.UNCHANGED: report.unchanged,
                }[written].append(key)
                if not publish and written is not Written.UNCHANGED:
                    report.awaiting_approval.append(key)
                    drafts.append(entry)
            if dry_run:
                raise _DryRun
            for entry in drafts:
                entry_submit_for_review(entry=entry, user=user)
    except _DryRun:
        return report
    except EntryImportError:
        report.created, report.updated, report.unchanged = [], [], []
        report.awaiting_approval = []
        return report
    report.written = True
    return report


def _with_stored_entries(
    valid: list[tuple[int, dict]],
) -> Iterator[tuple[int, dict, dict[EntryKey, EntryPage]]]:
    """Each checked line with the stored entries of its batch of lines: read a batch at a
    time, relations included, instead of a score of queries a line to compare it."""
    for start in range(0, len(valid), STORED_BATCH):
        batch = valid[start : start + STORED_BATCH]
        stored = entries_stored(keys=[line_key(data) for _, data in batch])
        for number, data in batch:
            yield number, data, stored


def _refusal(error: Exception) -> str:
    if isinstance(error, EntryImportError):
        return str(error)
    # The checks before writing should leave nothing for the models or the database to
    # refuse; if they still do, the line is named and the cause logged, not a crash.
    logger.warning("An imported entry was refused on saving", exc_info=error)
    return gettext("refused on saving (%(error)s)") % {"error": excerpt(str(error))}
