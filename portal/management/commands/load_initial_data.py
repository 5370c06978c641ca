import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from organisations.services import organisation_profile_fill
from portal.services import site_ensure

DEMO_FILES = ["seed-entries.jsonl", "demo-entries.jsonl"]
# What the demo organisations' pages say of them (the entries name them only).
DEMO_ORGANISATIONS = "demo-organisations.json"


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
        profiles = json.loads(
            (settings.BASE_DIR / "fixtures" / DEMO_ORGANISATIONS).read_text(encoding="utf-8")
        )
        for profile in profiles:
            organisation_profile_fill(**profile)
