from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import tokens_of


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


class Command(BaseCommand):
    help = "List a user's API tokens: prefix, name, created, last used and whether revoked."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        tokens = list(tokens_of(user=user))
        if not tokens:
            self.stdout.write(f"{username} has no API tokens.")
            return
        self.stdout.write(f"{'PREFIX':<14}{'NAME':<30}{'CREATED':<18}{'LAST USED':<18}STATUS")
        for token in tokens:
            status = f"revoked {_when(token.revoked_at)}" if token.revoked_at else "active"
            self.stdout.write(
                f"{token.prefix:<14}{token.name[:29]:<30}"
                f"{_when(token.created):<18}{_when(token.last_used_at):<18}{status}"
            )
