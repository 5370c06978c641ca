from django.core.management.base import BaseCommand, CommandError

from search.drift import index_drift_check
from search.engine_adapters import EngineError, EngineUnavailable


class Command(BaseCommand):
    help = (
        "Compare the search index with the database: documents missing, stale (saying "
        "something else than the database) or extra. With --repair, fix exactly those, "
        "without a rebuild. Exits 1 when drift was found and not repaired, or when the "
        "index lacks a field of this version's mapping (a rebuild adds it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Fix what is found.")

    def handle(self, *args, repair: bool, **options):
        try:
            report = index_drift_check(repair=repair)
        except (EngineError, EngineUnavailable) as error:
            raise CommandError(f"search index not checked: {error}") from error
        self.stdout.write(report.summary() + ".")
        for name, ids in (("missing", report.missing), ("stale", report.stale)):
            if ids:
                self.stdout.write(f"{name} (page ids): {', '.join(map(str, ids[:50]))}")
        if report.extra:
            self.stdout.write(f"extra (document ids): {', '.join(report.extra[:50])}")
        if report.unmapped:
            raise CommandError("the index's mapping is out of date: rebuild the index")
        if not report.clean and not repair:
            raise CommandError("the index has drifted: run with --repair")
