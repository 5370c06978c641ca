"""Re-importing what the portal already has: a partner sends its whole catalogue again, and
only the entries that changed cost a revision, a review and an index update."""

import pytest
from wagtail.models import Revision

from entries.imports import entries_import
from entries.models import EntryPage
from organisations.selectors import organisations_writable_by
from organisations.services import membership_set
from search.models import PendingIndexUpdate
from tests.factories import entry_line, fixture_lines

pytestmark = pytest.mark.usefixtures("portal_db")

SEED_KEYS = 8


@pytest.fixture
def engine_configured(settings):
    """An engine nobody answers at: index updates are queued and stay queued, so the
    queue shows which entries an import asked to update."""
    settings.SEARCH_URL = "http://127.0.0.1:9"


def test_an_unchanged_file_writes_no_revision_and_queues_no_index_update(engine_configured):
    lines = fixture_lines("seed-entries.jsonl")
    first = entries_import(lines)
    assert len(first.created) == SEED_KEYS
    assert PendingIndexUpdate.objects.count() == SEED_KEYS
    PendingIndexUpdate.objects.all().delete()
    revisions = Revision.objects.count()

    again = entries_import(lines)

    assert again.written
    assert again.created == [] and again.updated == []
    assert sorted(again.unchanged) == sorted(first.created)
    assert Revision.objects.count() == revisions
    assert not PendingIndexUpdate.objects.exists()


def test_a_changed_line_among_unchanged_ones_is_the_only_one_written(engine_configured):
    entries_import([entry_line(id="same"), entry_line(id="edited", title="Before")])
    PendingIndexUpdate.objects.all().delete()
    revisions = Revision.objects.count()

    report = entries_import([entry_line(id="same"), entry_line(id="edited", title="After")])

    assert report.unchanged == ["test-org/same"]
    assert report.updated == ["test-org/edited"]
    assert Revision.objects.count() == revisions + 1
    edited = EntryPage.objects.get(slug="edited")
    assert edited.title == "After" and edited.live
    assert list(PendingIndexUpdate.objects.values_list("page_id", flat=True)) == [edited.pk]


def test_a_list_reordered_the_same_is_unchanged_but_a_new_term_is_not():
    entries_import([entry_line(formats=["chat", "voice"])])
    assert entries_import([entry_line(formats=["voice", "chat"])]).unchanged == [
        "test-org/test-entry"
    ]
    assert entries_import([entry_line(formats=["voice"])]).updated == ["test-org/test-entry"]


def test_an_editors_unchanged_line_sends_nothing_for_review(mailoutbox):
    organisation = {"id": "org-a", "name": "Org A"}
    membership_set(username="mod", organisation_id="org-a", role="moderator", email="m@a.org")
    editor = membership_set(username="ed", organisation_id="org-a", role="editor").user
    line = entry_line(organisation=organisation)
    entries_import([line])  # published by the operator
    writable = organisations_writable_by(user=editor)

    report = entries_import(
        [line], user=editor, allowed_organisations=set(writable), publish_organisations=set()
    )

    assert report.unchanged == ["org-a/test-entry"]
    assert report.awaiting_approval == []
    assert mailoutbox == []
    assert not EntryPage.objects.get(slug="test-entry").workflow_in_progress


def test_a_line_equal_to_the_live_entry_still_replaces_a_pending_draft():
    """While a draft is pending, the page row is not what the reader sees: the line is
    written as before (a new revision, published), never skipped."""
    entries_import([entry_line(title="Live title")])
    entries_import([entry_line(title="Draft title")], publish_organisations=set())
    entry = EntryPage.objects.get(slug="test-entry")
    assert entry.has_unpublished_changes and entry.title == "Live title"

    report = entries_import([entry_line(title="Live title")])

    assert report.updated == ["test-org/test-entry"]
    assert not EntryPage.objects.get(slug="test-entry").has_unpublished_changes
