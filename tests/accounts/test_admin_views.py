"""The admin's "Invite a member" and "My API tokens", behind the second factor."""

import re

import pytest
from django.core import mail
from django.test import RequestFactory
from wagtail.models import APIToken

from accounts.models import Invitation
from accounts.selectors import user_for_bearer
from accounts.services import invitation_create, token_issue
from organisations.models import Role
from tests.conftest import login_with_second_factor

INVITE = "/admin/accounts/invitations/"
TOKENS = "/admin/accounts/api-tokens/"


@pytest.fixture
def moderator(make_user, org_a):
    return make_user("mona", org=org_a, role=Role.MODERATOR, admin=True)


def test_invite_menu_item_is_shown_to_moderators_only(client, make_user, moderator, org_a):
    login_with_second_factor(client, moderator)
    assert "Invite a member" in client.get("/admin/").content.decode()
    assert "My API tokens" in client.get("/admin/").content.decode()

    editor = make_user("eddie", org=org_a, role=Role.EDITOR, admin=True)
    login_with_second_factor(client, editor)
    dashboard = client.get("/admin/").content.decode()
    assert "Invite a member" not in dashboard
    assert "My API tokens" in dashboard
    assert client.get(INVITE).status_code in (302, 403)
    assert Invitation.objects.count() == 0


def test_moderator_invites_into_their_own_organisation(client, moderator, org_a, org_b):
    login_with_second_factor(client, moderator)
    form = client.get(INVITE).content.decode()
    assert "Organisation A" in form
    assert "Organisation B" not in form

    response = client.post(
        INVITE, {"organisation": org_a.pk, "email": "new@example.org", "role": Role.EDITOR}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.role, invitation.created_by) == (
        org_a,
        Role.EDITOR,
        moderator,
    )
    assert mail.outbox[0].to == ["new@example.org"]
    listing = client.get(INVITE).content.decode()
    assert "new@example.org" in listing

    # Another organisation's id, posted by hand, is refused.
    refused = client.post(
        INVITE, {"organisation": org_b.pk, "email": "x@example.org", "role": Role.MODERATOR}
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert Invitation.objects.count() == 1


def test_moderator_withdraws_an_invitation_of_their_organisation_only(
    client, moderator, org_a, org_b, superuser
):
    mine, mine_token = invitation_create(
        organisation=org_a, email="a@example.org", role=Role.MEMBER, invited_by=moderator
    )
    other, _ = invitation_create(
        organisation=org_b, email="b@example.org", role=Role.MEMBER, invited_by=superuser
    )
    login_with_second_factor(client, moderator)
    assert "b@example.org" not in client.get(INVITE).content.decode()
    assert client.post(f"{INVITE}{other.pk}/withdraw/").status_code == 404
    assert client.post(f"{INVITE}{mine.pk}/withdraw/").status_code == 302
    listing = client.get(INVITE).content.decode()
    assert "Invitation of a@example.org withdrawn." in listing
    assert "<td>a@example.org</td>" not in listing
    other.refresh_from_db()
    assert other.withdrawn_at is None
    response = client.get(f"/en/accounts/invitation/{mine_token}/")
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_admin_user_creates_a_token_sees_it_once_and_revokes_it(client, moderator):
    login_with_second_factor(client, moderator)
    response = client.post(TOKENS, {"name": "CRM sync"})
    html = response.content.decode()
    raw_token = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    assert "shown this once" in html
    token = APIToken.objects.get(user=moderator)
    assert token.name == "CRM sync"

    listing = client.get(TOKENS).content.decode()
    assert token.prefix in listing and "CRM sync" in listing
    assert raw_token not in listing

    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    assert user_for_bearer(request) == moderator
    assert client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 302
    assert user_for_bearer(request) is None
    assert "revoked" in client.get(TOKENS).content.decode()


def test_nobody_lists_or_revokes_another_users_token(client, moderator, make_user):
    other = make_user("otto")
    token_issue(user=other, name="Otto's script")
    token = APIToken.objects.get(user=other)
    login_with_second_factor(client, moderator)
    assert "Otto" not in client.get(TOKENS).content.decode()
    assert client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_admin_views_need_the_second_factor(client, moderator):
    client.force_login(moderator)
    for url in (INVITE, TOKENS):
        assert client.get(url)["Location"].startswith("/en/accounts/2fa/setup/")
