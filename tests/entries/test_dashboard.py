"""The admin speaks the portal: its name on the sign-in page and in titles, the editor's
dashboard (new entries, drafts, waiting for review, sent back with the comment) and the
moderator's list of what waits for them."""

import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.models import Site

from organisations.services import membership_set
from portal.services import site_ensure
from tests.conftest import login_with_second_factor
from tests.factories import make_entry

pytestmark = pytest.mark.usefixtures("portal_db")


@pytest.fixture
def entries():
    return {
        name: make_entry(id=name, title=title, organisation={"id": "org-a", "name": "Org A"})
        for name, title in (
            ("draft", "A draft of mine"),
            ("waiting", "Waiting entry"),
            ("sent-back", "Sent back entry"),
            ("untouched", "Someone else's entry"),
        )
    }


@pytest.fixture
def editor(entries):
    return membership_set(username="eddie", organisation_id="org-a", role="editor").user


@pytest.fixture
def moderator(entries):
    return membership_set(username="mona", organisation_id="org-a", role="moderator").user


def submit(entry, user):
    entry.save_revision(user=user)
    return entry.get_workflow().start(entry, user)


def test_editor_dashboard_offers_new_entries_and_sorts_their_work(
    client, entries, editor, moderator
):
    organisation = entries["draft"].get_parent()
    entries["draft"].title = "A draft of mine, edited"
    entries["draft"].save_revision(user=editor)
    submit(entries["waiting"], editor)
    state = submit(entries["sent-back"], editor)
    task_state = state.current_task_state
    task_state.task.specific.on_action(
        task_state, moderator, "reject", comment="Add your recommendations, please."
    )

    login_with_second_factor(client, editor)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    new_practice = reverse(
        "wagtailadmin_pages:add", args=["practices", "practicepage", organisation.pk]
    )
    new_lesson = reverse("wagtailadmin_pages:add", args=["lessons", "lessonpage", organisation.pk])
    assert f'href="{new_practice}"' in page and "New practice" in page
    assert f'href="{new_lesson}"' in page and "New lesson" in page
    assert client.get(new_lesson).status_code == 200

    def section(heading):
        start = page.index(heading)
        return page[start : page.index("</ul>", start)]

    assert "A draft of mine, edited" in section("Your drafts")
    assert "Waiting entry" in section("Waiting for review")
    sent_back = section("Sent back to you")
    assert "Sent back entry" in sent_back
    assert "mona asks for changes:" in sent_back
    assert "Add your recommendations, please." in sent_back
    assert "Someone else&#x27;s entry" not in page
    # The panel replaces Wagtail's own list of the same entries.
    assert "Your pages and snippets in a workflow" not in page


def test_moderator_dashboard_lists_what_waits_for_them(client, entries, editor, moderator):
    submit(entries["waiting"], editor)
    login_with_second_factor(client, moderator)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    start = page.index("Awaiting your review")
    assert "Waiting entry" in page[start:]
    assert "Approval by the moderators of Org A" in page[start:]


def test_member_without_a_writing_role_gets_no_editor_panel(client, entries):
    member = membership_set(username="max", organisation_id="org-a", role="member").user
    member.is_superuser = True  # reaches the dashboard without an organisation role
    member.save()
    login_with_second_factor(client, member)
    assert "New practice" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_admin_names_the_portal_not_wagtail_or_localhost(client, entries, moderator):
    sign_in = client.get(reverse("wagtailadmin_login")).content.decode()
    assert f"Sign in to {settings.WAGTAIL_SITE_NAME}" in sign_in
    assert "Sign in to Wagtail" not in sign_in
    assert f"- {settings.WAGTAIL_SITE_NAME}</title>" in sign_in

    login_with_second_factor(client, moderator)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "localhost" not in dashboard
    assert settings.WAGTAIL_SITE_NAME in dashboard


def test_site_setup_names_a_site_that_has_no_name(db):
    Site.objects.update(site_name="")
    site_ensure()
    assert set(Site.objects.values_list("site_name", flat=True)) == {settings.WAGTAIL_SITE_NAME}
