from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.second_factor import second_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator and backup codes (a lost phone): they set up a new "
        "second factor at their next sign-in. Logged in the admin's history (Reports → Site "
        "history) with who reset it and when."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--by",
            required=True,
            help="Your own username: the history records who reset the second factor.",
        )

    def handle(self, *args, username, by, **options):
        User = get_user_model()
        users = {
            user.get_username(): user for user in User.objects.filter(username__in=[username, by])
        }
        for name in (username, by):
            if name not in users:
                raise CommandError(f"No user named {name!r}.")
        removed = second_factor_reset(user=users[username], reset_by=users[by])
        self.stdout.write(
            f"Second factor of {username} reset by {by} ({removed} devices removed): they set "
            "up a new one at their next sign-in."
        )
