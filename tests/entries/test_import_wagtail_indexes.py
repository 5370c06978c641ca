"""Wagtail's own indexes after an import: the admin's search finds an imported entry by its
current title, and the reference index lists what the entry uses (its organisation and its
keywords), though both are updated once per entry, after its last save
(entries/services.py), not on each save."""

import pytest
from taggit.models import Tag
from wagtail.models import Page, ReferenceIndex

from entries.imports import entries_import
from entries.models import EntryPage
from organisations.models import OrganisationPage
from tests.factories import entry_line

pytestmark = pytest.mark.usefixtures("portal_db")


def _admin_search(words: str) -> set[str]:
    return {page.slug for page in Page.objects.search(words)}


def _users_of(target) -> set[str]:
    """The entries that Wagtail's "usage" of the target lists."""
    page_ids = ReferenceIndex.get_references_to(target).values_list("object_id", flat=True)
    return set(EntryPage.objects.filter(pk__in=set(page_ids)).values_list("slug", flat=True))


def test_the_admin_search_finds_an_imported_entry_by_its_current_title():
    assert entries_import([entry_line(id="chat", title="Anonymous chat counselling")]).ok
    assert "chat" in _admin_search("counselling")

    assert entries_import([entry_line(id="chat", title="Peer mentoring by former members")]).ok

    assert "chat" in _admin_search("mentoring")
    assert "chat" not in _admin_search("counselling")


def test_the_reference_index_lists_an_imported_entrys_keywords_as_they_change():
    assert entries_import([entry_line(id="chat", tags=["mentoring"])]).ok
    organisation = OrganisationPage.objects.get(slug="test-org")
    assert _users_of(organisation) == {"chat"}
    assert _users_of(Tag.objects.get(name="mentoring")) == {"chat"}

    assert entries_import([entry_line(id="chat", tags=["outreach"])]).ok

    assert _users_of(Tag.objects.get(name="mentoring")) == set()
    assert _users_of(Tag.objects.get(name="outreach")) == {"chat"}
    assert _users_of(organisation) == {"chat"}


def test_a_drafts_edit_is_found_by_the_admin_search_too():
    """An editor's import saves a draft and submits it: the admin's search (which finds
    drafts, for their editors) finds the entry by the title it has in the page row."""
    report = entries_import(
        [entry_line(id="draft", title="Moderated forum for leavers")], publish_organisations=set()
    )
    assert report.awaiting_approval == ["test-org/draft"]
    assert "draft" in _admin_search("forum")


def test_an_entry_edited_and_deleted_outside_an_import_follows_in_the_admin_search():
    """Outside an import, every save updates the admin's search as Wagtail's own handlers
    would (EntryPage hands them to entries/signals.py, which defers only an import's)."""
    assert entries_import([entry_line(id="chat", title="Anonymous chat counselling")]).ok
    entry = EntryPage.objects.get(slug="chat").specific

    entry.title = "Peer mentoring by former members"
    entry.save_revision().publish()
    assert "chat" in _admin_search("mentoring")
    assert "chat" not in _admin_search("counselling")

    entry.delete()
    assert "chat" not in _admin_search("mentoring")
