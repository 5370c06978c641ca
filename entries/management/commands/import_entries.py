import sys

from django.core.management.base import BaseCommand, CommandError

from entries.imports import entries_import
from entries.lines import InterchangeFileError, read_lines


class Command(BaseCommand):
    help = (
        "Import practice and lesson entries from a JSON Lines file in the interchange format. "
        "A file with any invalid line changes nothing, unless --partial is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .jsonl file, or - for standard input.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every line and write nothing."
        )
        parser.add_argument(
            "--partial", action="store_true", help="Import the valid lines even if others fail."
        )

    def handle(self, *args, file, dry_run, partial, **options):
        try:
            stream = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            with stream:
                lines = read_lines(stream)
        except InterchangeFileError as error:
            raise CommandError(f"{file}: {error}") from error

        # The operator imports with every right: no user.
        report = entries_import(lines, partial=partial, dry_run=dry_run)
        for error in report.errors:
            self.stderr.write(f"{file}: {error}")
        if report.written:
            self.stdout.write(
                f"Imported {len(report.created)} new and {len(report.updated)} updated entries; "
                f"{len(report.unchanged)} unchanged."
            )
        elif dry_run and not report.errors:
            self.stdout.write(
                f"Dry run: {len(report.created)} new and {len(report.updated)} updated entries "
                f"would be imported, {len(report.unchanged)} unchanged. Nothing was written."
            )
        if report.errors:
            taken = "the other lines were imported" if report.written else "nothing was imported"
            raise CommandError(f"{len(report.errors)} problem(s) in {file}; {taken}.")
