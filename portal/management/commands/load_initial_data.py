from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.services import site_ensure

DEMO_FILES = ["seed-entries.jsonl", "demo-entries.jsonl"]


class Command(BaseCommand):
    help = (
        "Load the vocabulary, the seed entries of the founding document and the demo "
        "entries. Safe to run again: it updates what is there."
    )

    def handle(self, *args, **options):
        site_ensure()
        call_command("load_vocabulary", stdout=self.stdout)
        for name in DEMO_FILES:
            call_command(
                "import_entries", str(settings.BASE_DIR / "fixtures" / name), stdout=self.stdout
            )
