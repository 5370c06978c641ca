from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search.dictionaries import PAIRS, dictionary_files, lookup_ensure


class Command(BaseCommand):
    help = (
        "Read the bilingual dictionaries (Debian's dict-freedict-* packages, in "
        "SEARCH_DICTIONARY_DIR) into the lookup file that translates queries, unless it is "
        "current. Searches build it on first use otherwise."
    )

    def handle(self, *args, **options):
        directory = Path(settings.SEARCH_DICTIONARY_DIR)
        missing = [
            str(path)
            for source, target in PAIRS
            for path in dictionary_files(directory, source, target)
            if not path.is_file()
        ]
        if missing:
            raise CommandError(
                "dictionaries missing (install dict-freedict-deu-eng, -eng-deu, -fra-eng, "
                f"-eng-fra, -deu-fra, -fra-deu or set SEARCH_DICTIONARY_DIR): {', '.join(missing)}"
            )
        lookup = Path(settings.SEARCH_DICTIONARY_LOOKUP)
        if lookup_ensure(directory, lookup):
            self.stdout.write(f"Dictionary lookup built: {lookup}")
        else:
            self.stdout.write(f"Dictionary lookup already current: {lookup}")
