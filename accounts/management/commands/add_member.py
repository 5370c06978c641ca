from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.onboarding import link_valid_days, member_add
from organisations.models import Role, id_validator


class Command(BaseCommand):
    help = (
        "Add a person to a member organisation with a role: creates the account, or adds the "
        "existing one of that username. The organisation is created if missing. A person "
        "without a password gets a one-use set-password link, printed here and e-mailed to "
        "them when they have an address."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="Organisation id, e.g. isd.")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--language",
            choices=[code for code, _ in settings.LANGUAGES],
            default="",
            help="Language of the e-mail and of the person's editing area (default: theirs "
            "if they have one, else English).",
        )

    def handle(self, *args, username, org, role, email, language, **options):
        try:
            id_validator(org)
        except ValidationError as error:
            raise CommandError(f"--org {org!r}: {error.messages[0]}") from error
        added = member_add(
            username=username, organisation_id=org, role=role, email=email, language=language
        )
        user = added.membership.user
        self.stdout.write(
            f"{user.username} ({'new account' if added.created else 'existing account'}) "
            f"is now {role} of {added.membership.organisation.title} ({org})."
        )
        if added.set_password_url is None:
            self.stdout.write(
                "They sign in with their password; “Forgotten password?” on the sign-in page "
                "sends them a new one."
            )
            return
        self.stdout.write(
            f"Set-password link (works once, for {link_valid_days()} days):\n"
            f"{added.set_password_url}"
        )
        if added.emailed:
            self.stdout.write(f"The link was e-mailed to {user.email}.")
        elif added.mail_error:
            self.stderr.write(
                f"The e-mail to {user.email} could not be sent ({added.mail_error}): "
                "give them the link yourself."
            )
        else:
            self.stdout.write("They have no e-mail address: give them the link yourself.")
