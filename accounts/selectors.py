"""Reads: who may invite where, pending invitations, tokens and the bearer of a request."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from wagtail.models import APIToken

from accounts.models import Invitation, token_digest
from organisations.models import Membership, OrganisationPage, Role
from organisations.selectors import memberships_managed_by, user_is_network_staff

# Roles whose holders change what the portal publishes, and so must use two factors.
TWO_FACTOR_ROLES = (Role.EDITOR, Role.MODERATOR)


def organisations_user_may_invite_to(*, user) -> QuerySet[OrganisationPage]:
    if not user.is_authenticated or not user.is_active:
        return OrganisationPage.objects.none()
    if user.is_superuser or user_is_network_staff(user=user):
        return OrganisationPage.objects.order_by("title")
    moderated = Membership.objects.filter(user=user, role=Role.MODERATOR).values("organisation_id")
    return OrganisationPage.objects.filter(pk__in=moderated).order_by("title")


def user_can_invite(*, user, organisation: OrganisationPage | None = None) -> bool:
    """Moderators of the organisation, network staff and superusers may invite; without an
    organisation: whether the user may invite anywhere."""
    allowed = organisations_user_may_invite_to(user=user)
    if organisation is None:
        return allowed.exists()
    return allowed.filter(pk=organisation.pk).exists()


def account_for_email(*, email: str):
    """The active account of an e-mail address (the oldest, should there be several)."""
    return (
        get_user_model()
        .objects.filter(email__iexact=email.strip(), is_active=True)
        .order_by("pk")
        .first()
    )


def invitation_for_token(*, raw_token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=token_digest(raw_token))
        .first()
    )


def invitations_pending(*, user) -> QuerySet[Invitation]:
    """Open invitations into the organisations this user may invite to."""
    return Invitation.objects.filter(
        organisation__in=organisations_user_may_invite_to(user=user),
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("organisation", "created_by")


def tokens_of(*, user) -> QuerySet[APIToken]:
    return APIToken.objects.filter(user=user).order_by("-created")


def tokens_by_prefix(*, prefix: str) -> QuerySet[APIToken]:
    """Live tokens whose display prefix starts with what was typed (a trailing … allowed)."""
    prefix = prefix.strip().rstrip("…").strip()
    if not prefix:
        return APIToken.objects.none()
    return APIToken.objects.select_related("user").filter(
        prefix__startswith=prefix, revoked_at__isnull=True
    )


def user_for_bearer(request):
    """The active user whose live token the request carries as `Authorization: Bearer …`,
    or None. Records when the token was last used. The user's rights are the token's:
    pass the user to entries.visibility.reader_for."""
    from accounts.services import token_touch

    scheme, _, raw_token = request.headers.get("Authorization", "").partition(" ")
    raw_token = raw_token.strip()
    if scheme.lower() != "bearer" or not APIToken.validate_token_format(raw_token):
        return None
    token = (
        APIToken.objects.select_related("user")
        .filter(key_hash__in=APIToken.candidate_key_hashes(raw_token), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    token_touch(token=token)
    return token.user


def user_requires_two_factor(*, user) -> bool:
    """Editors, moderators, network staff and superusers must use a second factor."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or user_is_network_staff(user=user)
        or Membership.objects.filter(user=user, role__in=TWO_FACTOR_ROLES).exists()
    )


def user_has_confirmed_device(*, user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def user_may_reset_second_factor(*, actor, member) -> bool:
    """Superusers, network staff and the moderators of one of the member's organisations."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser or user_is_network_staff(user=actor):
        return True
    return memberships_managed_by(user=actor).filter(user=member).exists()


def devices_for_code(*, user, code: str) -> list:
    """The confirmed devices that could have made this code: six digits come from the
    authenticator, anything else is a backup code. Trying only those keeps a backup code
    from counting as a wrong code of the authenticator, which would slow its next use."""
    from_authenticator = len(code) == 6 and code.isdigit()
    return [
        device
        for device in devices_for_user(user, confirmed=True)
        if isinstance(device, StaticDevice) != from_authenticator
    ]
