from django.core.management.base import BaseCommand

from vocabulary.services import vocabulary_load, vocabulary_path


class Command(BaseCommand):
    help = "Create or update the controlled terms from the published vocabulary.json."

    def handle(self, *args, **options):
        count = vocabulary_load()
        self.stdout.write(f"Loaded {count} terms from {vocabulary_path()}.")
