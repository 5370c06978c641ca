from datetime import timedelta

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import APIToken, ModelLogEntry

from accounts.models import Invitation
from accounts.selectors import user_for_bearer
from accounts.services import (
    InvitationExpired,
    InvitationUsed,
    InvitationWithdrawn,
    invitation_accept,
    invitation_create,
    invitation_withdraw,
    token_issue,
    token_revoke,
)
from organisations.models import Membership, Role

STRONG = "plum-harbour-lantern-42"


@pytest.fixture
def moderator(make_user, org_a):
    return make_user("mona", org=org_a, role=Role.MODERATOR)


def invite(org, moderator, email="new@example.org", role=Role.EDITOR):
    return invitation_create(organisation=org, email=email, role=role, invited_by=moderator)


# --- invitations -----------------------------------------------------------------------


def test_invitation_mails_a_link_that_names_the_organisation(moderator, org_a, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example.org"
    invitation, raw_token = invite(org_a, moderator)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.org"]
    assert "Organisation A" in message.subject
    assert f"https://portal.example.org/en/accounts/invitation/{raw_token}/" in message.body
    assert "editor" in message.body
    # The link is a secret: the database keeps only its digest.
    assert raw_token not in invitation.token_hash
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)


def test_only_moderators_of_the_organisation_staff_and_superusers_invite(
    make_user, org_a, org_b, moderator, superuser
):
    editor = make_user("eddie", org=org_a, role=Role.EDITOR)
    member = make_user("mem", org=org_a, role=Role.MEMBER)
    moderator_of_b = make_user("bob", org=org_b, role=Role.MODERATOR)
    staff = make_user("stella", staff=True)
    for refused in (editor, member, moderator_of_b):
        with pytest.raises(PermissionDenied):
            invite(org_a, refused)
    for allowed in (moderator, staff, superuser):
        invite(org_a, allowed, email=f"for-{allowed.username}@example.org")
    assert Invitation.objects.count() == 3
    assert len(mail.outbox) == 3


def test_inviting_an_existing_member_is_refused(moderator, org_a):
    with pytest.raises(ValidationError, match="already a member"):
        invite(org_a, moderator, email="MONA@example.org")


def test_inviting_someone_whose_invitation_is_pending_is_refused_until_withdrawn(moderator, org_a):
    first, _token = invite(org_a, moderator)
    with pytest.raises(ValidationError, match="already has an invitation to .* Withdraw it"):
        invite(org_a, moderator, email="NEW@example.org", role=Role.MEMBER)
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1
    invitation_withdraw(invitation=first, withdrawn_by=moderator)
    invite(org_a, moderator)
    assert len(mail.outbox) == 2


def test_accepting_makes_the_account_and_the_membership_once(moderator, org_a):
    invitation, raw_token = invite(org_a, moderator, role=Role.EDITOR)
    user = invitation_accept(raw_token=raw_token, username="newbie", password=STRONG)
    assert user.email == "new@example.org"
    assert Membership.objects.get(user=user).role == Role.EDITOR
    assert Membership.objects.get(user=user).organisation == org_a
    assert authenticate(RequestFactory().post("/"), username="newbie", password=STRONG) == user
    # An editor's role brings the editing area with it.
    assert get_user_model().objects.get(pk=user.pk).has_perm("wagtailadmin.access_admin")
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None

    with pytest.raises(InvitationUsed):
        invitation_accept(raw_token=raw_token, username="again", password=STRONG)
    assert not get_user_model().objects.filter(username="again").exists()


def test_expired_invitation_cannot_be_accepted(moderator, org_a):
    invitation, raw_token = invite(org_a, moderator)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(InvitationExpired):
        invitation_accept(raw_token=raw_token, username="late", password=STRONG)
    assert not get_user_model().objects.filter(username="late").exists()


def test_withdrawn_invitation_cannot_be_accepted(moderator, org_a):
    invitation, raw_token = invite(org_a, moderator)
    invitation_withdraw(invitation=invitation, withdrawn_by=moderator)
    with pytest.raises(InvitationWithdrawn):
        invitation_accept(raw_token=raw_token, username="late", password=STRONG)


@pytest.mark.parametrize(
    ("password", "complaint"),
    [
        ("short-1", "too short"),
        ("123456789012345", "entirely numeric"),
        ("qwerty123456", "too common"),
        ("new@example.org!", "too similar"),
    ],
)
def test_weak_passwords_are_refused_and_the_invitation_stays_open(
    moderator, org_a, password, complaint
):
    invitation, raw_token = invite(org_a, moderator)
    with pytest.raises(ValidationError) as caught:
        invitation_accept(raw_token=raw_token, username="newbie", password=password)
    assert complaint in " ".join(caught.value.message_dict["password"])
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    invitation_accept(raw_token=raw_token, username="newbie", password=STRONG)


def test_a_taken_username_is_refused(moderator, org_a):
    _, raw_token = invite(org_a, moderator)
    with pytest.raises(ValidationError) as caught:
        invitation_accept(raw_token=raw_token, username="MONA", password=STRONG)
    assert "taken" in caught.value.message_dict["username"][0]


# --- API tokens ------------------------------------------------------------------------


def bearer(raw_token):
    return RequestFactory().get("/api/v1/entries", HTTP_AUTHORIZATION=f"Bearer {raw_token}")


def test_issued_token_identifies_its_user_until_revoked(make_user):
    user = make_user("api-user")
    raw_token = token_issue(user=user, name="CRM sync")
    token = APIToken.objects.get(user=user)
    assert token.name == "CRM sync"
    assert raw_token.startswith(token.prefix)
    assert raw_token not in token.key_hash
    assert user_for_bearer(bearer(raw_token)) == user
    token_revoke(token=token, revoked_by=user)
    assert user_for_bearer(bearer(raw_token)) is None
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(token.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["wagtail.apitoken.create", "wagtail.apitoken.revoke"]
