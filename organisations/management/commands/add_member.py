from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from organisations.models import Role, id_validator
from organisations.services import membership_set


class Command(BaseCommand):
    help = (
        "Create or update a user of a member organisation with a role. The organisation is "
        "created if missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="Organisation id, e.g. isd.")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")

    def handle(self, *args, username, org, role, email, **options):
        try:
            id_validator(org)
        except ValidationError as error:
            raise CommandError(f"--org {org!r}: {error.messages[0]}") from error
        membership = membership_set(username=username, organisation_id=org, role=role, email=email)
        self.stdout.write(
            f"{membership.user.username} is now {role} of {membership.organisation.title} ({org})."
        )
