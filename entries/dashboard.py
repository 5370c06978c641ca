"""The editor's panel on the admin's dashboard: new entries, their drafts, what waits for
review, and what a moderator sent back with their comment.

The moderator's side is Wagtail's own "Awaiting your review" panel, which lists the tasks
of the organisation's workflow (organisations/permissions.py) that wait for them.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState

from entries.models import EntryPage
from organisations.models import Membership, OrganisationPage, Role
from vocabulary.facets import Kind

# Wagtail's "Your pages and snippets in a workflow" panel, which this one replaces: it lists
# the same entries without the reviewer's comment.
WAGTAIL_PANEL_REPLACED = "user_objects_in_workflow_moderation"
NEW_ENTRY_LABELS = {Kind.PRACTICE: _("New practice"), Kind.LESSON: _("New lesson")}
WRITING_ROLES = (Role.EDITOR, Role.MODERATOR)


@dataclass(frozen=True)
class NewEntryLink:
    label: str
    url: str


@dataclass(frozen=True)
class OrganisationActions:
    organisation: OrganisationPage
    new_entries: list[NewEntryLink]


@dataclass(frozen=True)
class SentBack:
    entry: EntryPage
    comment: str
    reviewer: str
    at: object


def organisations_written_for(*, user) -> list[OrganisationPage]:
    """The organisations this user writes entries for (as editor or moderator)."""
    return list(
        OrganisationPage.objects.filter(
            pk__in=Membership.objects.filter(user=user, role__in=WRITING_ROLES).values(
                "organisation_id"
            )
        ).order_by("title")
    )


def new_entry_links(*, organisation: OrganisationPage) -> list[NewEntryLink]:
    """The admin's add-page views for each kind of entry the organisation's page takes."""
    return [
        NewEntryLink(
            label=NEW_ENTRY_LABELS[model.entry_kind],
            url=reverse(
                "wagtailadmin_pages:add",
                args=[model._meta.app_label, model._meta.model_name, organisation.pk],
            ),
        )
        for model in OrganisationPage.creatable_subpage_models()
        if getattr(model, "entry_kind", None) in NEW_ENTRY_LABELS
    ]


def _entries_of(*, user, organisations):
    return (
        EntryPage.objects.filter(organisation__in=organisations)
        .filter(Q(owner=user) | Q(latest_revision__user=user))
        .order_by("-latest_revision_created_at")
    )


def _workflow_states(*, entries, statuses) -> dict[int, WorkflowState]:
    """The entries' workflow states with one of these statuses, by page id. The generic
    relation stores the page id as text, so it is matched in Python, not joined."""
    ids = {str(entry.pk) for entry in entries}
    states = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=ids,
        status__in=statuses,
    ).select_related("current_task_state__task", "current_task_state__finished_by")
    return {int(state.object_id): state for state in states}


def editor_overview(*, user, organisations) -> dict[str, list]:
    """The user's entries, sorted into drafts, waiting for review and sent back."""
    entries = list(_entries_of(user=user, organisations=organisations))
    states = _workflow_states(
        entries=entries,
        statuses=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
    )
    drafts, waiting, sent_back = [], [], []
    for entry in entries:
        state = states.get(entry.pk)
        if state is None:
            if entry.has_unpublished_changes:
                drafts.append(entry)
        elif state.status == WorkflowState.STATUS_IN_PROGRESS:
            waiting.append(entry)
        else:
            task_state = state.current_task_state
            reviewer = task_state.finished_by if task_state else None
            sent_back.append(
                SentBack(
                    entry=entry,
                    comment=(task_state.comment if task_state else "")
                    or _("No comment was given."),
                    reviewer=(reviewer.get_full_name() or reviewer.get_username())
                    if reviewer
                    else "",
                    at=task_state.finished_at if task_state else None,
                )
            )
    return {"drafts": drafts, "waiting": waiting, "sent_back": sent_back}


class EditorPanel(Component):
    """Shown to editors and moderators of an organisation, first on the dashboard."""

    name = "editor_entries"
    template_name = "entries/admin/editor_panel.html"
    order = 50

    def __init__(self, *, user):
        self.user = user
        self.organisations = organisations_written_for(user=user)

    @property
    def is_shown(self) -> bool:
        return bool(self.organisations)

    def render_html(self, parent_context=None) -> str:
        return super().render_html(parent_context) if self.is_shown else ""

    def get_context_data(self, parent_context):
        return {
            "actions": [
                OrganisationActions(
                    organisation=organisation,
                    new_entries=new_entry_links(organisation=organisation),
                )
                for organisation in self.organisations
            ],
            **editor_overview(user=self.user, organisations=self.organisations),
            "request": parent_context["request"],
        }
