from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import APIToken

from accounts.selectors import (
    invitations_pending,
    organisations_user_may_invite_to,
    user_for_bearer,
    user_requires_two_factor,
)
from accounts.services import invitation_create, token_issue
from organisations.models import Role


def request_with(authorization=None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    return RequestFactory().get("/api/v1/entries", **headers)


def test_bearer_token_names_its_user_and_records_the_use(make_user):
    user = make_user("api-user")
    raw_token = token_issue(user=user)
    assert APIToken.objects.get().last_used_at is None
    assert user_for_bearer(request_with(f"Bearer {raw_token}")) == user
    assert timezone.now() - APIToken.objects.get().last_used_at < timedelta(seconds=5)
    # The scheme is case-insensitive, as HTTP says.
    assert user_for_bearer(request_with(f"bearer {raw_token}")) == user


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token {raw}", "Bearer {raw}x"],
)
def test_no_user_for_missing_malformed_or_unknown_tokens(make_user, authorization):
    raw_token = token_issue(user=make_user("api-user"))
    header = authorization.format(raw=raw_token) if authorization else authorization
    assert user_for_bearer(request_with(header)) is None


def test_no_user_for_the_token_of_an_inactive_user(make_user):
    user = make_user("gone")
    raw_token = token_issue(user=user)
    user.is_active = False
    user.save()
    assert user_for_bearer(request_with(f"Bearer {raw_token}")) is None


def test_who_must_use_two_factors(make_user, org_a, superuser):
    assert user_requires_two_factor(user=make_user("e", org=org_a, role=Role.EDITOR))
    assert user_requires_two_factor(user=make_user("m", org=org_a, role=Role.MODERATOR))
    assert user_requires_two_factor(user=make_user("s", staff=True))
    assert user_requires_two_factor(user=superuser)
    assert not user_requires_two_factor(user=make_user("r", org=org_a, role=Role.MEMBER))
    assert not user_requires_two_factor(user=make_user("nobody"))


def test_a_moderator_invites_into_and_sees_invitations_of_their_organisations_only(
    make_user, org_a, org_b, superuser
):
    moderator = make_user("mona", org=org_a, role=Role.MODERATOR)
    make_user("mem", org=org_b, role=Role.MODERATOR)
    assert list(organisations_user_may_invite_to(user=moderator)) == [org_a]
    assert set(organisations_user_may_invite_to(user=superuser)) == {org_a, org_b}
    mine, _ = invitation_create(
        organisation=org_a, email="a@example.org", role=Role.MEMBER, invited_by=moderator
    )
    invitation_create(
        organisation=org_b, email="b@example.org", role=Role.MEMBER, invited_by=superuser
    )
    assert list(invitations_pending(user=moderator)) == [mine]
    assert invitations_pending(user=superuser).count() == 2
