from django.core.management.base import BaseCommand, CommandError

from search.engine_adapters import EngineError, EngineUnavailable
from search.indexing import index_rebuild


class Command(BaseCommand):
    help = (
        "Build a new search index from the database and swap the alias to it in one step: "
        "searches use the old index until the new one is complete."
    )

    def handle(self, *args, **options):
        try:
            report = index_rebuild()
        except (EngineError, EngineUnavailable) as error:
            raise CommandError(f"search index not rebuilt: {error}") from error
        self.stdout.write(f"Indexed {report.count} entries into {report.index}.")
        if report.removed:
            self.stdout.write(f"Removed old indices: {', '.join(report.removed)}.")
