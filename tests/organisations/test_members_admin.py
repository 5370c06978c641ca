import pytest
from django.urls import reverse

from organisations.models import Membership
from organisations.services import membership_set
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.usefixtures("portal_db")


@pytest.fixture
def moderator():
    return membership_set(username="moderator", organisation_id="org-a", role="moderator").user


@pytest.fixture
def editor():
    return membership_set(username="editor", organisation_id="org-a", role="editor").user


@pytest.fixture
def outsider():
    return membership_set(username="outsider", organisation_id="org-b", role="editor").user


def test_moderator_lists_and_changes_roles_of_their_members(client, moderator, editor, outsider):
    login_with_second_factor(client, moderator)
    page = client.get(reverse("organisations_admin:members")).content.decode()
    assert "editor" in page and "outsider" not in page
    membership = Membership.objects.get(user=editor)
    client.post(
        reverse("organisations_admin:membership_role", args=[membership.pk]), {"role": "moderator"}
    )
    membership.refresh_from_db()
    assert membership.role == "moderator"
    assert editor.groups.filter(name="org-a: moderators").exists()
    assert not editor.groups.filter(name="org-a: editors").exists()


def test_moderator_cannot_touch_another_organisations_members(client, moderator, outsider):
    login_with_second_factor(client, moderator)
    membership = Membership.objects.get(user=outsider)
    response = client.post(reverse("organisations_admin:membership_remove", args=[membership.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_moderator_cannot_leave_or_step_down(client, moderator):
    login_with_second_factor(client, moderator)
    membership = Membership.objects.get(user=moderator)
    response = client.post(
        reverse("organisations_admin:membership_role", args=[membership.pk]),
        {"role": "member"},
        follow=True,
    )
    assert "needs at least one moderator" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "moderator"
    client.post(reverse("organisations_admin:membership_remove", args=[membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_removing_a_member_takes_their_rights_away(client, moderator, editor):
    login_with_second_factor(client, moderator)
    membership = Membership.objects.get(user=editor)
    client.post(reverse("organisations_admin:membership_remove", args=[membership.pk]))
    assert not Membership.objects.filter(user=editor).exists()
    assert not editor.groups.exists()


def test_editors_do_not_manage_members(client, editor):
    login_with_second_factor(client, editor)
    response = client.get(reverse("organisations_admin:members"))
    assert response.status_code in (302, 403)
