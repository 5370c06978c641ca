from django.core.management.base import BaseCommand, CommandError

from search.engine_adapters import EngineError, EngineUnavailable
from search.indexing import synonyms_reload


class Command(BaseCommand):
    help = (
        "Apply the vocabulary's labels and synonyms as they are in the database to the live "
        "search index, without a rebuild (the index closes for about a second)."
    )

    def handle(self, *args, **options):
        try:
            updated = synonyms_reload()
        except (EngineError, EngineUnavailable) as error:
            raise CommandError(f"synonyms not reloaded: {error}") from error
        if updated:
            self.stdout.write(f"Synonyms reloaded in {', '.join(updated)}.")
        else:
            self.stdout.write("No search index to reload (SEARCH_URL unset or no index yet).")
