"""The members admin in French and German, and the review workflow's readable names."""

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage
from wagtail.users.models import UserProfile

from organisations.models import Membership
from organisations.permissions import organisation_roles_ensure
from organisations.services import membership_set, organisation_upsert
from tests.accounts.conftest import LANGUAGES, assert_translated, text_of
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.usefixtures("portal_db")

MEMBERS_ADMIN = [
    "Members",
    "Invite a member",
    "Member",
    "Change role",
    "Remove",
    "Member (reads members-only entries)",
    "Editor (writes the organisation's entries)",
    "Moderator (approves entries, manages members)",
]


def speaking(username: str, language: str, role: str):
    user = membership_set(username=username, organisation_id="org-a", role=role).user
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


@pytest.mark.parametrize("language", LANGUAGES)
def test_members_admin_page_and_its_messages(client, language):
    organisation_upsert(id="org-a", name="Organisation A")
    moderator = speaking("mona", language, "moderator")
    membership_set(username="eddie", organisation_id="org-a", role="editor")
    login_with_second_factor(client, moderator)
    url = reverse("organisations_admin:members")
    page = client.get(url)
    assert {"fr": ">Changer de rôle<", "de": ">Rolle ändern<"}[language] in (page.content.decode())
    assert_translated(text_of(page), language, MEMBERS_ADMIN)

    eddie = Membership.objects.get(user__username="eddie")
    changed = client.post(
        reverse("organisations_admin:membership_role", args=[eddie.pk]),
        {"role": "member"},
        follow=True,
    )
    assert {
        "fr": "eddie a désormais le rôle\u00a0: Membre (lit les fiches réservées aux membres).",
        "de": "eddie hat jetzt die Rolle: Mitglied (liest Einträge nur für Mitglieder).",
    }[language] in text_of(changed)

    last = Membership.objects.get(user=moderator)
    refused = client.post(
        reverse("organisations_admin:membership_remove", args=[last.pk]), follow=True
    )
    assert_translated(
        text_of(refused).replace("Organisation A", "%(organisation)s"),
        language,
        ["%(organisation)s needs at least one moderator; make someone else moderator first."],
    )
    removed = client.post(
        reverse("organisations_admin:membership_remove", args=[eddie.pk]), follow=True
    )
    assert {
        "fr": "eddie n’est plus membre de Organisation A.",
        "de": "eddie ist nicht mehr Mitglied von Organisation A.",
    }[language] in text_of(removed)


def test_the_review_workflow_is_named_in_its_creator_s_language_and_made_once():
    with translation.override("de"):
        organisation = organisation_upsert(id="org-a", name="Organisation A")
    workflow = WorkflowPage.objects.get(page=organisation.page_ptr).workflow
    task = GroupApprovalTask.objects.get(groups=organisation.moderators_group)
    assert workflow.name == "Prüfung durch die Moderation von Organisation A"
    assert task.name == "Freigabe durch die Moderation von Organisation A"

    # Found again by what it is attached to, whatever the language of the next call.
    with translation.override("fr"):
        organisation_roles_ensure(organisation)
    organisation_roles_ensure(organisation)
    assert Workflow.objects.filter(workflow_pages__page=organisation.page_ptr).get() == workflow
    assert GroupApprovalTask.objects.filter(groups=organisation.moderators_group).count() == 1
    assert [each.pk for each in workflow.tasks.all()] == [task.pk]


def test_in_english_the_workflow_reads_as_a_sentence():
    organisation = organisation_upsert(id="org-b", name="Organisation B")
    workflow = WorkflowPage.objects.get(page=organisation.page_ptr).workflow
    assert workflow.name == "Review by the moderators of Organisation B"
    assert workflow.tasks.get().name == "Approval by the moderators of Organisation B"
