"""Writes: a way in for people added to an organisation by an administrator.

A set-password link is Django's password-reset token for the user: it is derived from the
user's password hash and last sign-in, so it stops working once used (the hash changes),
and it expires after PASSWORD_RESET_TIMEOUT. Nothing of it is stored.
"""

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext, ngettext, override
from wagtail.users.models import UserProfile

from organisations.models import Membership, Role
from organisations.services import membership_set


@dataclass(frozen=True)
class MemberAdded:
    membership: Membership
    created: bool
    # The set-password link, for a person who has no password yet; None otherwise.
    set_password_url: str | None
    emailed: bool
    # Why the e-mail could not be sent (the mail server's answer), if it could not.
    mail_error: str = ""


def link_valid_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600))


def set_password_url(*, user, language: str) -> str:
    """A one-use, expiring link on which the user chooses their password."""
    with override(language):
        path = reverse(
            "accounts:set_password",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user),
            ],
        )
    return settings.WAGTAILADMIN_BASE_URL + path


def member_add(
    *, username: str, organisation_id: str, role: str, email: str = "", language: str = ""
) -> MemberAdded:
    """Add a person to an organisation with a role: a new account, or the existing one of
    that username (never a second account). A person without a password gets a set-password
    link, e-mailed to them when they have an address."""
    with transaction.atomic():
        created = not get_user_model().objects.filter(username=username).exists()
        membership = membership_set(
            username=username, organisation_id=organisation_id, role=role, email=email
        )
        user = membership.user
        profile = UserProfile.get_for_user(user)
        if language:
            profile.preferred_language = language
            profile.save(update_fields=["preferred_language"])
    if user.has_usable_password():
        return MemberAdded(
            membership=membership, created=created, set_password_url=None, emailed=False
        )
    language = profile.preferred_language or settings.LANGUAGE_CODE
    url = set_password_url(user=user, language=language)
    if not user.email:
        return MemberAdded(
            membership=membership, created=created, set_password_url=url, emailed=False
        )
    # The membership stands either way: a mail server that is down must not undo it, and
    # the caller still has the link to hand over.
    try:
        _send_set_password_link(membership=membership, url=url, language=language)
    except (smtplib.SMTPException, OSError) as error:
        return MemberAdded(
            membership=membership,
            created=created,
            set_password_url=url,
            emailed=False,
            mail_error=str(error) or type(error).__name__,
        )
    return MemberAdded(membership=membership, created=created, set_password_url=url, emailed=True)


def _send_set_password_link(*, membership: Membership, url: str, language: str) -> None:
    with override(language):
        days = link_valid_days()
        details = {
            "organisation": membership.organisation.title,
            "site": settings.WAGTAIL_SITE_NAME,
            "role": Role(membership.role).short_label,
            "username": membership.user.get_username(),
            "url": url,
            "validity": ngettext("%(days)d day", "%(days)d days", days) % {"days": days},
        }
        subject = gettext("Your account at %(organisation)s on %(site)s") % details
        message = (
            gettext(
                "You have been added to %(organisation)s on %(site)s as %(role)s.\n\n"
                "Your username is %(username)s. Choose your password here:\n%(url)s\n\n"
                "The link works once and for %(validity)s. When it has expired, use "
                "“Forgotten password?” on the sign-in page to get a new one.\n"
            )
            % details
        )
    send_mail(
        subject=subject, message=message, from_email=None, recipient_list=[membership.user.email]
    )
