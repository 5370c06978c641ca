"""What the admin names or lists to a member of another organisation.

Organisation A has an organisation-only entry, a draft that was never published, and a
public entry with an unpublished change, each titled with a canary word of its own; it also
has a public entry that anyone may link to. Editors and moderators of organisation B try
every admin view that lists or names pages; none may show a canary, while A's own editor
still finds them (so hiding everything would not pass).
"""

from django.contrib.auth.models import Group, User
from django.test import TestCase
from django.utils import timezone
from wagtail.models import Page, Workflow, WorkflowState

from entries.admin_visibility import pages_admin_visible_to
from entries.services import entry_upsert
from organisations.models import NETWORK_STAFF_GROUP
from organisations.services import membership_set
from portal.services import site_ensure
from tests.conftest import login_with_second_factor
from tests.factories import entry_data
from vocabulary.models import Term
from vocabulary.services import vocabulary_load

ORG_A = {"id": "org-a", "name": "Organisation A", "country": "DE"}
ORG_B = {"id": "org-b", "name": "Organisation B", "country": "FR"}
SHARED_WORD = "adminword"

# The titles A's editors see and B's must not: the organisation-only entry, the draft that
# was never published, and the unpublished change of a live public entry.
CANARIES = {
    "org": "Caracalword",
    "draft": "Dugongword",
    "pending": "Fossaword",
}
# A live public entry of A: B may link to it, so B's chooser finds it.
PUBLIC_TITLE = "Gerbilword public practice"


def _entry(name: str, title: str, visibility: str, organisation=ORG_A) -> dict:
    return entry_data(
        id=f"{name}-entry",
        organisation=organisation,
        title=f"{title} {SHARED_WORD}",
        visibility=visibility,
    )


class AdminVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        cls.pages = {
            "org": entry_upsert(data=_entry("org", "Caracalword practice", "organisation"))[0],
            "draft": entry_upsert(
                data=_entry("draft", "Dugongword practice", "public"), publish=False
            )[0],
            "pending": entry_upsert(data=_entry("pending", "Elandword practice", "public"))[0],
            "public": entry_upsert(data=_entry("public", PUBLIC_TITLE, "public"))[0],
            "own": entry_upsert(data=_entry("own", "Hyenaword practice", "organisation", ORG_B))[0],
        }
        # A change of the live public entry waits for A's moderators.
        entry_upsert(data=_entry("pending", "Fossaword practice", "public"), publish=False)
        cls.users = {
            name: membership_set(username=name, organisation_id=org, role=role).user
            for name, (org, role) in {
                "editor_a": ("org-a", "editor"),
                "moderator_a": ("org-a", "moderator"),
                "editor_b": ("org-b", "editor"),
                "moderator_b": ("org-b", "moderator"),
            }.items()
        }
        # A's hidden entry names B as a partner and links B's entry in its body: B's usage
        # views must not name it.
        org_entry = cls.pages["org"].specific
        org_entry.partners = [cls.pages["own"].specific.organisation]
        org_entry.body = f'<p><a linktype="page" id="{cls.pages["own"].pk}">B</a></p>'
        org_entry.save_revision().publish()
        Page.objects.filter(pk=cls.pages["org"].pk).update(
            locked=True, locked_by=cls.users["moderator_a"], locked_at=timezone.now()
        )
        cls.organisation_a = cls.pages["org"].get_parent()
        cls.workflow_a = Workflow.objects.get(workflow_pages__page=cls.organisation_a)
        cls.term = Term.objects.get(facet="formats", slug="chat")
        cls.state = WorkflowState.objects.get(object_id=str(cls.pages["draft"].pk))

    def urls(self) -> list[str]:
        """Every admin URL that lists or names pages, with A's pages in it."""
        org, draft, pending = (self.pages[name].pk for name in ("org", "draft", "pending"))
        ids = "&".join(f"id={self.pages[name].pk}" for name in CANARIES)
        task_state = self.state.current_task_state
        urls = [
            "/admin/",
            "/admin/choose-page/",
            f"/admin/choose-page/{self.organisation_a.pk}/",
            f"/admin/choose-page/search/?q={SHARED_WORD}",
            f"/admin/choose-page/chosen-multiple/?{ids}",
            "/admin/pages/",
            f"/admin/pages/{self.organisation_a.pk}/",
            f"/admin/pages/{self.organisation_a.pk}/results/",
            f"/admin/pages/search/?q={SHARED_WORD}",
            f"/admin/pages/search/results/?q={SHARED_WORD}",
            f"/admin/api/main/pages/?child_of={self.organisation_a.pk}&fields=title",
            f"/admin/api/main/pages/?search={SHARED_WORD}",
            f"/admin/api/main/pages/?descendant_of={self.organisation_a.pk}",
            "/admin/api/main/pages/?for_explorer=1",
            f"/admin/api/main/pages/?child_of={self.organisation_a.pk}&for_explorer=1",
            f"/admin/pages/usage/practices/practicepage/?q={SHARED_WORD}",
            "/admin/pages/usage/practices/practicepage/results/",
            "/admin/pages/usage/wagtailcore/page/",
            "/admin/reports/locked/",
            "/admin/reports/locked/results/",
            "/admin/reports/aging-pages/",
            "/admin/reports/aging-pages/results/",
            "/admin/reports/site-history/",
            "/admin/reports/site-history/results/",
            "/admin/reports/page-types-usage/",
            "/admin/reports/workflow/",
            "/admin/reports/workflow/results/",
            "/admin/reports/workflow_tasks/",
            "/admin/reports/workflow_tasks/results/",
            "/admin/workflows/list/",
            f"/admin/workflows/edit/{self.workflow_a.pk}/",
            f"/admin/workflows/usage/{self.workflow_a.pk}/",
            "/admin/workflows/tasks/index/",
            f"/admin/workflows/tasks/edit/{task_state.task_id}/",
            "/admin/workflows/task_chooser/",
            f"/admin/pages/{self.pages['own'].pk}/usage/",
            f"/admin/pages/{self.pages['own'].specific.organisation_id}/usage/",
            f"/admin/snippets/vocabulary/term/usage/{self.term.pk}/",
            "/admin/snippets/vocabulary/term/",
            "/admin/tag-autocomplete/?term=",
        ]
        for action in ("publish", "unpublish", "delete", "move"):
            urls.append(f"/admin/bulk/wagtailcore/page/{action}/?{ids}")
            urls.append(
                f"/admin/bulk/wagtailcore/page/{action}/?id=all&childOf={self.organisation_a.pk}"
            )
        for pk in (org, draft, pending):
            urls += [
                f"/admin/choose-page/{pk}/",
                f"/admin/pages/{pk}/",
                f"/admin/api/main/pages/{pk}/",
                f"/admin/pages/{pk}/edit/",
                f"/admin/pages/{pk}/edit/preview/",
                f"/admin/pages/{pk}/view_draft/",
                f"/admin/pages/{pk}/delete/",
                f"/admin/pages/{pk}/unpublish/",
                f"/admin/pages/{pk}/move/",
                f"/admin/pages/{pk}/copy/",
                f"/admin/pages/{pk}/privacy/",
                f"/admin/pages/{pk}/lock/",
                f"/admin/pages/{pk}/unlock/",
                f"/admin/pages/{pk}/usage/",
                f"/admin/pages/{pk}/revisions/",
                f"/admin/pages/{pk}/revisions/compare/live...latest/",
                f"/admin/pages/{pk}/revisions/compare/earliest...latest/",
                f"/admin/pages/{pk}/history/",
                f"/admin/pages/{pk}/history/results/",
                f"/admin/pages/{pk}/workflow_history/",
                f"/admin/pages/{pk}/set_position/",
                f"/admin/pages/{pk}/convert_alias/",
                f"/admin/pages/{pk}/add_subpage/",
                f"/admin/pages/workflow/confirm_cancellation/{pk}/",
                f"/admin/workflows/remove/{pk}/",
            ]
            revision = Page.objects.get(pk=pk).latest_revision
            urls.append(f"/admin/pages/{pk}/revisions/{revision.pk}/view/")
            urls.append(f"/admin/pages/{pk}/revisions/{revision.pk}/revert/")
        # The workflow's views of a page that awaits no moderation (they used to name it in
        # the message of the page they send the user back to).
        for pk in (org, pending):
            urls += [
                f"/admin/pages/workflow/action/{pk}/approve/{task_state.pk}/",
                f"/admin/pages/workflow/collect_action_data/{pk}/approve/{task_state.pk}/",
                f"/admin/pages/workflow/preview/{pk}/{task_state.task_id}/",
            ]
        urls += [
            f"/admin/pages/{draft}/workflow_history/detail/{self.state.pk}/",
            f"/admin/pages/workflow/preview/{draft}/{task_state.task_id}/",
            f"/admin/pages/workflow/action/{draft}/approve/{task_state.pk}/",
            f"/admin/pages/workflow/collect_action_data/{draft}/approve/{task_state.pk}/",
        ]
        return urls

    def read(self, url: str, follow: bool = False) -> tuple[int, str]:
        response = self.client.get(url, follow=follow)
        return response.status_code, response.content.decode()

    def as_caller(self, caller: str):
        login_with_second_factor(self.client, self.users[caller])

    def test_no_admin_view_names_hidden_pages_to_another_organisation(self):
        for caller in ("editor_b", "moderator_b"):
            self.as_caller(caller)
            for url in self.urls():
                with self.subTest(caller=caller, url=url):
                    # Followed: a message on the page a view sends the user to counts too.
                    status, body = self.read(url, follow=True)
                    self.assertLess(status, 500)
                    for name, canary in CANARIES.items():
                        self.assertNotIn(canary, body, f"{name} entry named")

    def test_views_of_a_hidden_page_refuse_another_organisation(self):
        refused = (302, 403, 404, 405)
        for caller in ("editor_b", "moderator_b"):
            self.as_caller(caller)
            for name in CANARIES:
                pk = self.pages[name].pk
                for url in (
                    f"/admin/choose-page/{pk}/",
                    f"/admin/pages/{pk}/",
                    f"/admin/api/main/pages/{pk}/",
                    f"/admin/pages/{pk}/edit/",
                    f"/admin/pages/{pk}/view_draft/",
                    f"/admin/pages/{pk}/edit/preview/",
                    f"/admin/pages/{pk}/revisions/",
                    f"/admin/pages/{pk}/history/",
                    f"/admin/pages/{pk}/workflow_history/",
                    f"/admin/pages/{pk}/copy/",
                    f"/admin/pages/{pk}/move/",
                    f"/admin/pages/{pk}/delete/",
                ):
                    with self.subTest(caller=caller, url=url):
                        self.assertIn(self.read(url)[0], refused)

    def test_the_workflow_does_not_tell_another_organisation_what_awaits_moderation(self):
        # A's draft awaits moderation, its organisation-only entry does not: both answer
        # as a missing page would.
        self.as_caller("editor_b")
        for name in ("draft", "org"):
            with self.subTest(page=name):
                url = f"/admin/pages/workflow/confirm_cancellation/{self.pages[name].pk}/"
                self.assertEqual(self.read(url)[0], 404)

    def test_the_organisation_own_editor_still_finds_its_hidden_pages_and_drafts(self):
        self.as_caller("editor_a")
        ids = "&".join(f"id={self.pages[name].pk}" for name in CANARIES)
        for url in (
            f"/admin/choose-page/{self.organisation_a.pk}/",
            f"/admin/choose-page/search/?q={SHARED_WORD}",
            f"/admin/choose-page/chosen-multiple/?{ids}",
            f"/admin/pages/{self.organisation_a.pk}/",
            f"/admin/pages/search/?q={SHARED_WORD}",
            f"/admin/bulk/wagtailcore/page/publish/?{ids}",
            f"/admin/pages/{self.pages['draft'].pk}/view_draft/",
        ):
            with self.subTest(url=url):
                status, body = self.read(url)
                self.assertEqual(status, 200)
                if "view_draft" in url:
                    self.assertIn(CANARIES["draft"], body)
                else:
                    for canary in CANARIES.values():
                        self.assertIn(canary, body)

    def test_a_public_entry_of_another_organisation_can_still_be_linked(self):
        public = self.pages["public"].pk
        for caller in ("editor_b", "moderator_b"):
            self.as_caller(caller)
            for url in (
                f"/admin/choose-page/{self.organisation_a.pk}/",
                f"/admin/choose-page/search/?q={SHARED_WORD}",
                f"/admin/choose-page/{public}/",
                f"/admin/choose-page/chosen-multiple/?id={public}",
            ):
                with self.subTest(caller=caller, url=url):
                    status, body = self.read(url)
                    self.assertEqual(status, 200)
                    self.assertIn(PUBLIC_TITLE, body)

    def test_page_types_report_counts_only_what_the_caller_may_see(self):
        self.as_caller("moderator_b")
        report = self.client.get("/admin/reports/page-types-usage/")
        practices = next(
            item for item in report.context["object_list"] if item.model == "practicepage"
        )
        # B's own entry, A's public entry; not A's hidden, draft or pending ones.
        self.assertEqual(practices.count, 2)

    def test_network_staff_see_only_readable_live_entries_and_superusers_all(self):
        staff = User.objects.create_user("staff")
        staff.groups.add(Group.objects.get_or_create(name=NETWORK_STAFF_GROUP)[0])
        root = User.objects.create_superuser("root")
        for user, shown in (
            (staff, {"public"}),
            (root, {"org", "draft", "pending", "public", "own"}),
        ):
            with self.subTest(user=user.username):
                visible = Page.objects.filter(pages_admin_visible_to(user))
                self.assertEqual(
                    {name for name, page in self.pages.items() if visible.filter(pk=page.pk)},
                    shown,
                )
                # The tree and the organisations stay in view, for choosing where to link.
                self.assertTrue(visible.filter(pk=self.organisation_a.pk).exists())


class KeywordSuggestionTests(TestCase):
    """The admin's keyword field suggests keywords as one types; a keyword only a hidden
    entry carries says what that entry is about."""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        entry_upsert(data={**_entry("org", "Quokkaword", "organisation"), "tags": ["Okapi op"]})
        entry_upsert(data={**_entry("public", "Numbatword", "public"), "tags": ["Okra shared"]})
        cls.editor_a = membership_set(username="ea", organisation_id="org-a", role="editor").user
        cls.editor_b = membership_set(username="eb", organisation_id="org-b", role="editor").user

    def suggestions(self, user, term="Ok") -> list[str]:
        login_with_second_factor(self.client, user)
        return self.client.get(f"/admin/tag-autocomplete/?term={term}").json()

    def test_keywords_of_hidden_entries_are_suggested_only_to_their_organisation(self):
        self.assertEqual(self.suggestions(self.editor_b), ["Okra shared"])
        self.assertEqual(self.suggestions(self.editor_a), ["Okapi op", "Okra shared"])
