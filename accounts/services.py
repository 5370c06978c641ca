"""Writes: invitations, API tokens and two-factor devices."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, override, pgettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log
from wagtail.models import APIToken
from wagtail.users.models import UserProfile

from accounts.models import Invitation, token_digest
from accounts.selectors import account_for_email, user_can_invite
from organisations.models import Membership, OrganisationPage, Role
from organisations.services import membership_set

User = get_user_model()


class InvitationUnusable(Exception):
    """The invitation exists but can no longer be accepted."""


class InvitationExpired(InvitationUnusable):
    pass


class InvitationUsed(InvitationUnusable):
    pass


class InvitationWithdrawn(InvitationUnusable):
    pass


class InvitationNotFound(Exception):
    pass


# --- invitations -----------------------------------------------------------------------


def invitation_url(raw_token: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL + reverse("accounts:invitation", args=[raw_token])


@transaction.atomic
def invitation_create(
    *,
    organisation: OrganisationPage,
    email: str,
    role: str,
    invited_by,
    language: str | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail into an organisation; returns the invitation and the raw
    token of its link, which is stored only as a digest. The e-mail is written in
    `language`, by default the active one (that of the request that sends it): the person
    invited has no account yet, so no profile to say which language they read."""
    if not user_can_invite(user=invited_by, organisation=organisation):
        raise PermissionDenied(
            gettext("Only the organisation's moderators or network staff may invite.")
        )
    if role not in Role.values:
        raise ValidationError({"role": gettext("Unknown role: %(role)s.") % {"role": role}})
    email = User.objects.normalize_email(email).strip()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": gettext("%(email)s is already a member of %(organisation)s.")
                % {"email": email, "organisation": organisation.title}
            }
        )
    # Locks the organisation's row: two invitations sent at once (a double click) cannot
    # both pass the check below.
    OrganisationPage.objects.select_for_update().filter(pk=organisation.pk).first()
    pending = Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at=None,
        withdrawn_at=None,
        expires_at__gt=timezone.now(),
    ).first()
    if pending is not None:
        # Two links for one person would make two ways in; the first one still works.
        raise ValidationError(
            {
                "email": gettext(
                    "%(email)s already has an invitation to %(organisation)s that has not "
                    "been accepted yet (it expires on %(expires)s). Withdraw it first to send "
                    "a new one."
                )
                % {
                    "email": email,
                    "organisation": organisation.title,
                    "expires": date_format(timezone.localtime(pending.expires_at)),
                }
            }
        )
    raw_token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        role=role,
        token_hash=token_digest(raw_token),
        created_by=invited_by,
        language=language or get_language(),
    )
    _send_invitation(invitation=invitation, raw_token=raw_token)
    return invitation, raw_token


def _send_invitation(*, invitation: Invitation, raw_token: str) -> None:
    with override(invitation.language):
        inviter = invitation.created_by
        inviter_name = (
            (inviter.get_full_name() or inviter.get_username())
            if inviter
            else gettext("A moderator")
        )
        details = {
            "inviter": inviter_name,
            "organisation": invitation.organisation.title,
            "site": settings.WAGTAIL_SITE_NAME,
            "role": Role(invitation.role).short_label,
            "url": invitation_url(raw_token),
            "expires": date_format(
                timezone.localtime(invitation.expires_at),
                pgettext("date and time an invitation expires", "j F Y, H:i T"),
            ),
        }
        subject = gettext("Invitation to join %(organisation)s on %(site)s") % details
        message = (
            gettext(
                "%(inviter)s invites you to join %(organisation)s on %(site)s as %(role)s.\n\n"
                "Choose your username and password here:\n%(url)s\n\n"
                "The link works once and expires on %(expires)s. If you did not expect this "
                "invitation, you can ignore this message.\n"
            )
            % details
        )
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[invitation.email])


def _invitation_locked(raw_token: str) -> Invitation:
    """The usable invitation of this token, locked for the time of the transaction, so that
    a link used twice at once still makes one account."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=token_digest(raw_token))
        .first()
    )
    if invitation is None:
        raise InvitationNotFound
    invitation_check_usable(invitation=invitation)
    return invitation


@transaction.atomic
def invitation_accept(*, raw_token: str, username: str, password: str):
    """Create the invited person's account and membership. Someone who has an account
    under the invited address joins with it instead (invitation_join): never a second one."""
    invitation = _invitation_locked(raw_token)
    if account_for_email(email=invitation.email) is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    gettext("You already have an account with this address: sign in to join.")
                ]
            }
        )

    username = username.strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [gettext("Choose a username.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [gettext("This username is taken; choose another.")]
    candidate = User(username=username, email=invitation.email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username, email=invitation.email, password=password
            )
    except IntegrityError as error:
        raise ValidationError(
            {"username": [gettext("This username is taken; choose another.")]}
        ) from error
    # Their editing area starts in the language they were invited in.
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = invitation.language
    profile.save(update_fields=["preferred_language"])
    _invitation_complete(invitation=invitation, user=user)
    return user


@transaction.atomic
def invitation_join(*, raw_token: str, user, password: str | None = None):
    """Add the existing account of the invited address to the organisation. An account that
    has no password yet (made by add_member) sets it here; one that has signs in first."""
    invitation = _invitation_locked(raw_token)
    if account_for_email(email=invitation.email) != user:
        raise PermissionDenied(gettext("This invitation was sent to another address."))
    if password is not None:
        if user.has_usable_password():
            raise PermissionDenied(gettext("Sign in with your password to join."))
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise ValidationError({"password": list(error.messages)}) from error
        user.set_password(password)
        user.save(update_fields=["password"])
    elif not user.has_usable_password():
        raise ValidationError({"password": [gettext("Choose a password.")]})
    _invitation_complete(invitation=invitation, user=user)
    return user


def _invitation_complete(*, invitation: Invitation, user) -> None:
    # The organisations app's own service, so the role's Wagtail groups follow the membership.
    membership_set(
        username=user.get_username(),
        organisation_id=invitation.organisation.slug,
        role=invitation.role,
        email=invitation.email,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])


def invitation_check_usable(*, invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise InvitationUsed
    if invitation.withdrawn_at is not None:
        raise InvitationWithdrawn
    if invitation.is_expired:
        raise InvitationExpired


def invitation_withdraw(*, invitation: Invitation, withdrawn_by) -> None:
    if not user_can_invite(user=withdrawn_by, organisation=invitation.organisation):
        raise PermissionDenied(
            gettext("Only the organisation's moderators or network staff may withdraw.")
        )
    if invitation.accepted_at is None and invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])


# --- API tokens ------------------------------------------------------------------------


def token_issue(*, user, name: str = "", issued_by=None) -> str:
    """Issue an API token for a user and return it. Only a keyed digest is kept, so this is
    the one time it can be shown. It carries the user's rights, nothing more."""
    token, raw_token = APIToken.create_token(user=user, name=name.strip() or gettext("API token"))
    log(token, "wagtail.apitoken.create", user=issued_by)
    return raw_token


def token_revoke(*, token: APIToken, revoked_by=None) -> None:
    if token.revoked_at is None:
        token.revoke()
        log(token, "wagtail.apitoken.revoke", user=revoked_by)


def token_touch(*, token: APIToken) -> None:
    """Record that a token was used, at most once a minute (as Wagtail's own API does)."""
    interval = getattr(settings, "WAGTAILAPI_TOKEN_LAST_USED_INTERVAL", 60)
    now = timezone.now()
    if interval is None:
        return
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= interval:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- two-factor devices ----------------------------------------------------------------


def totp_device_pending(*, user) -> TOTPDevice:
    """The authenticator a user is setting up: made on the first visit, the same secret
    until it is confirmed with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=gettext("Authenticator app"), confirmed=False
        )
    return device


def totp_device_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirm a new authenticator with a code it shows; True when the code was right."""
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True
