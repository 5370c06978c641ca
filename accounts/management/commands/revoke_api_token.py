from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import tokens_by_prefix
from accounts.services import token_revoke


class Command(BaseCommand):
    help = "Revoke a live API token, named by the prefix that list_api_tokens shows."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, prefix, **options):
        matches = list(tokens_by_prefix(prefix=prefix))
        if not matches:
            raise CommandError(f"No live API token starts with {prefix!r}.")
        if len(matches) > 1:
            owners = ", ".join(sorted({str(token.user) for token in matches}))
            raise CommandError(
                f"{len(matches)} live tokens start with {prefix!r} (of {owners}); "
                "revoke it in the admin under My API tokens."
            )
        token = matches[0]
        token_revoke(token=token)
        self.stdout.write(f"Revoked token {token.prefix} ({token.name}) of {token.user}.")
