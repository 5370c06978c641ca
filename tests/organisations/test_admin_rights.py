"""Editing rights in the Wagtail admin, tried by UI and by URL."""

import pytest
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from entries.models import EntryPage
from organisations.services import membership_set
from tests.conftest import login_with_second_factor
from tests.factories import make_entry

pytestmark = pytest.mark.usefixtures("portal_db")


@pytest.fixture
def entry_a():
    return make_entry(
        id="entry-of-a", title="Entry of A", organisation={"id": "org-a", "name": "Org A"}
    )


@pytest.fixture
def entry_b():
    return make_entry(
        id="entry-of-b", title="Entry of B", organisation={"id": "org-b", "name": "Org B"}
    )


def user_with(role: str, organisation_id: str, username: str):
    return membership_set(username=username, organisation_id=organisation_id, role=role).user


@pytest.fixture
def editor_a(entry_a):
    return user_with("editor", "org-a", "editor-a")


@pytest.fixture
def editor_b(entry_b):
    return user_with("editor", "org-b", "editor-b")


@pytest.fixture
def moderator_a(entry_a):
    return user_with("moderator", "org-a", "moderator-a")


def edit_form(entry, **changes) -> dict:
    """The fields the page editor posts, as the browser would send them."""
    data = {
        "title": entry.title,
        "slug": entry.slug,
        "language": entry.language,
        "translation_of": entry.translation_of,
        "visibility": entry.visibility,
        "summary": entry.summary,
        "body": '{"blocks": [], "entityMap": {}}',
        "assessment": "",
        "evaluation": "",
        "status": "",
        "counsellor_choice": "",
        "tags": "",
        "audience_practitioners": "",
        "audience_policymakers": "",
        "outcomes": "",
        "context": "",
        "what_worked": "",
        "what_did_not_work": "",
        "ethics": "",
        "safety": "",
        "source_title": "",
        "source_url": "",
        "comment_notifications": "",
    }
    for relation in (
        "metrics",
        "recommendations",
        "links",
        "relations",
        "partner_names",
        "comments",
    ):
        data.update(
            {
                f"{relation}-TOTAL_FORMS": "0",
                f"{relation}-INITIAL_FORMS": "0",
                f"{relation}-MIN_NUM_FORMS": "0",
                f"{relation}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return data


def test_editor_of_b_cannot_open_edit_delete_or_move_an_entry_of_a(client, editor_b, entry_a):
    login_with_second_factor(client, editor_b)
    for name in ("edit", "delete", "move", "unpublish"):
        response = client.get(reverse(f"wagtailadmin_pages:{name}", args=[entry_a.pk]))
        assert response.status_code in (302, 403), name
        if response.status_code == 302:
            assert "/admin/" in response["Location"] and str(entry_a.pk) not in response["Location"]
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[entry_a.pk]),
        edit_form(entry_a, title="Taken over", action_publish="1"),
    )
    assert response.status_code in (302, 403)
    assert EntryPage.objects.get(pk=entry_a.pk).title == "Entry of A"
    response = client.post(reverse("wagtailadmin_pages:delete", args=[entry_a.pk]))
    assert EntryPage.objects.filter(pk=entry_a.pk).exists()


def test_editor_of_b_does_not_see_entries_of_a_in_the_explorer(client, editor_b, entry_a):
    login_with_second_factor(client, editor_b)
    organisation_a = entry_a.get_parent()
    response = client.get(reverse("wagtailadmin_explore", args=[organisation_a.pk]))
    assert "Entry of A" not in response.content.decode()
    response = client.get(reverse("wagtailadmin_pages:search") + "?q=Entry")
    assert "Entry of A" not in response.content.decode()


def test_editor_of_b_cannot_create_an_entry_under_a(client, editor_b, entry_a):
    login_with_second_factor(client, editor_b)
    organisation_a = entry_a.get_parent()
    url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", organisation_a.pk])
    response = client.get(url)
    assert response.status_code in (302, 403)


def test_an_entry_cannot_be_moved_to_another_organisation_even_by_a_superuser(
    client, superuser, entry_a, entry_b
):
    login_with_second_factor(client, superuser)
    organisation_b = entry_b.get_parent()
    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[entry_a.pk, organisation_b.pk])
    )
    assert response.status_code in (302, 403)
    assert EntryPage.objects.get(pk=entry_a.pk).get_parent().pk == entry_a.get_parent().pk


def test_editor_cannot_publish_without_approval_and_moderator_approves(
    client, editor_a, moderator_a, entry_a
):
    login_with_second_factor(client, editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[entry_a.pk])
    response = client.post(url, edit_form(entry_a, title="Edited by editor", action_publish="1"))
    live = Page.objects.get(pk=entry_a.pk)
    assert live.title == "Entry of A"  # publishing was not allowed

    response = client.post(
        url, edit_form(entry_a, title="Edited by editor", **{"action-submit": "1"})
    )
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(entry_a.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert Page.objects.get(pk=entry_a.pk).title == "Entry of A"

    login_with_second_factor(client, moderator_a)
    task_state = state.current_task_state
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[entry_a.pk, "approve", task_state.pk],
        ),
        {"comment": "Fine"},
    )
    assert response.status_code in (200, 302)
    assert Page.objects.get(pk=entry_a.pk).title == "Edited by editor"


def test_editor_can_edit_a_draft_of_their_own_entry(client, editor_a, entry_a):
    login_with_second_factor(client, editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[entry_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, edit_form(entry_a, title="Draft title"))
    assert response.status_code == 302
    assert Page.objects.get(pk=entry_a.pk).get_latest_revision_as_object().title == "Draft title"


def test_only_moderators_edit_the_organisation_page(client, editor_a, moderator_a, entry_a):
    organisation_a = entry_a.get_parent()
    login_with_second_factor(client, editor_a)
    refused = client.get(reverse("wagtailadmin_pages:edit", args=[organisation_a.pk]))
    assert refused.status_code in (302, 403)
    assert "edit" not in refused.get("Location", "")
    login_with_second_factor(client, moderator_a)
    assert (
        client.get(reverse("wagtailadmin_pages:edit", args=[organisation_a.pk])).status_code == 200
    )


def test_moderators_see_who_changed_their_entries_and_others_do_not(
    client, editor_a, moderator_a, editor_b, entry_a
):
    login_with_second_factor(client, editor_a)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[entry_a.pk]), edit_form(entry_a, title="Draft A")
    )
    login_with_second_factor(client, moderator_a)
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Draft A" in history or "Entry of A" in history
    assert "editor-a" in history
    login_with_second_factor(client, editor_b)
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Entry of A" not in history and "Draft A" not in history
