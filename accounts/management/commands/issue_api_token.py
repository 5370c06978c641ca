from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import token_issue


class Command(BaseCommand):
    help = (
        "Issue an API token for a user and print it. Only a digest is kept: the token "
        "cannot be shown again. Requests carry it as `Authorization: Bearer TOKEN`."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, username, name, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(
                f"No user named {username!r}; create it first with add_member."
            ) from error
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; a token would not work.")
        # The token alone on stdout, so that TOKEN=$(manage.py issue_api_token …) works.
        self.stdout.write(token_issue(user=user, name=name or "issued with issue_api_token"))
