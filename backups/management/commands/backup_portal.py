from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.manifest import BackupError
from backups.services import portal_backup


class Command(BaseCommand):
    help = (
        "Back up the whole portal (database and media files) into DIR, a new or empty "
        "folder, in one consistent snapshot while the portal runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")

    def handle(self, *args, directory, **options):
        try:
            manifest = portal_backup(directory=directory)
        except BackupError as error:
            raise CommandError(f"no backup made: {error}") from error
        counts = manifest.as_json()["counts"]
        self.stdout.write(
            f"Backed up {counts['rows']} rows of {counts['tables']} tables and "
            f"{counts['media_files']} media files from {manifest.vendor} into {directory} "
            f"({manifest.portal_version})."
        )
