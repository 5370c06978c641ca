from django.core.management.base import BaseCommand, CommandError

from entries.interchange import dumps, entry_to_interchange
from entries.selectors import entries_for_export
from entries.visibility import EVERYTHING


class Command(BaseCommand):
    help = "Write entries as JSON Lines in the interchange format, on standard output."

    def add_arguments(self, parser):
        parser.add_argument(
            "--org", action="append", default=[], help="Only this organisation (repeatable)."
        )

    def handle(self, *args, org, **options):
        # The command runs on the server for its operators, so it exports every entry,
        # whatever its visibility; the API applies the caller's rights instead.
        entries = entries_for_export(reader=EVERYTHING, filters={"organisation": org})
        if org and not entries.exists():
            raise CommandError(f"No entries for organisation {', '.join(org)}.")
        for entry in entries.iterator():
            self.stdout.write(dumps(entry_to_interchange(entry.specific)))
