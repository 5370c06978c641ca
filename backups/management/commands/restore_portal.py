from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.manifest import BackupError
from backups.services import indexes_rebuild, portal_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_portal into this portal, which must be empty "
        "(migrated, no users, organisations, entries or media), then rebuild the search "
        "indexes. All or nothing: a refused or failed restore leaves the portal as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")

    def handle(self, *args, directory, **options):
        try:
            report = portal_restore(directory=directory)
        except BackupError as error:
            raise CommandError(f"nothing restored: {error}") from error
        self.stdout.write(
            f"Restored {report.rows} rows and {report.media_files} media files from {directory}."
        )
        try:
            indexed = indexes_rebuild()
        except Exception as error:
            raise CommandError(
                f"the data is restored, but the search index was not rebuilt ({error}); "
                "run `manage.py rebuild_search_index` once the engine answers"
            ) from error
        if indexed is None:
            self.stdout.write("No SEARCH_URL: searches read the database, no index to build.")
        else:
            self.stdout.write(f"Search index rebuilt: {indexed} entries.")
