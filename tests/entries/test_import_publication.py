"""An entry the import publishes is published as Wagtail publishes a revision. The import
hands Wagtail's publish action the page the revision was just saved from, instead of
letting it rebuild that page from the revision's JSON (entries/services.py): the live page,
its revision, its log and the page_published signal must be what the rebuild gives."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from wagtail.models import PageLogEntry
from wagtail.signals import page_published

from entries.entry_fill import entry_fill, file_lookups
from entries.imports import entries_import
from entries.interchange import entry_to_interchange
from entries.kinds import entry_page_class
from entries.lines import parse_line
from entries.models import EntryPage
from organisations.models import OrganisationPage
from tests.factories import entry_data, entry_line

pytestmark = pytest.mark.usefixtures("portal_db")

# Every kind of relation an entry holds: what the rebuild reads back.
FULL = {
    "countries": ["DE", "FR"],
    "domains": ["exit-work"],
    "formats": ["chat", "voice"],
    "tags": ["Peer Support", "tandem work"],
    "metrics": [{"name": "clients", "value": 12, "unit": "people"}],
    "links": [{"title": "Report", "url": "https://example.org/report"}],
    "recommendations": ["Start small.", "Keep records."],
    "partners": [{"id": "partner-org", "name": "Partner", "country": "FR"}],
    "source": {"title": "Conclusion paper", "date": "2021-03-15"},
    "updated": "2024-05-01T10:00:00Z",
}

# What differs between two pages of two ids, or of two moments.
OWN = {
    "id",
    "page_ptr",
    "entrypage_ptr",
    "path",
    "slug",
    "url_path",
    "translation_key",
    "latest_revision",
    "live_revision",
    "latest_revision_created_at",
    "first_published_at",
    "last_published_at",
}


@contextmanager
def _published() -> Iterator[list]:
    sent = []

    def receiver(sender, instance, revision, **kwargs):
        sent.append((sender, instance.pk, revision.pk))

    page_published.connect(receiver, weak=False, dispatch_uid="test_import_publication")
    try:
        yield sent
    finally:
        page_published.disconnect(dispatch_uid="test_import_publication")


def _row(page: EntryPage) -> dict:
    return {
        field.name: field.value_from_object(page)
        for field in page._meta.concrete_fields
        if field.name not in OWN
    }


def _log(page: EntryPage) -> list[str]:
    return list(
        PageLogEntry.objects.filter(page=page).order_by("pk").values_list("action", flat=True)
    )


def _published_by_wagtail(data: dict) -> EntryPage:
    """The same line written and published as Wagtail's own code does: a revision saved
    and published with revision.publish(), which rebuilds the page from the revision."""
    organisation = OrganisationPage.objects.get(slug=data["organisation"]["id"])
    entry = entry_page_class(data["kind"])(organisation=organisation, live=True)
    entry_fill(entry=entry, data=data, lookups=file_lookups())
    organisation.add_child(instance=entry)
    entry.save_revision(clean=False).publish()
    return EntryPage.objects.get(pk=entry.pk).specific


def test_a_new_entry_is_published_as_wagtails_revision_publish_publishes_it():
    line = entry_line(id="imported", **FULL)
    with _published() as sent:
        assert entries_import([line]).created == ["test-org/imported"]
    imported = EntryPage.objects.get(slug="imported").specific
    reference = _published_by_wagtail(entry_data(id="by-wagtail", **FULL))

    assert _row(imported) == _row(reference)
    assert imported.live and not imported.has_unpublished_changes
    assert imported.live_revision_id == imported.latest_revision_id is not None
    assert imported.first_published_at == imported.last_published_at is not None
    assert _log(imported) == _log(reference) == ["wagtail.create", "wagtail.publish"]
    assert sent == [(type(imported), imported.pk, imported.live_revision_id)]
    # The revision says what the live page says: Wagtail's rebuild of it gives this entry.
    rebuilt = imported.live_revision.as_object()
    assert entry_to_interchange(rebuilt) == entry_to_interchange(imported) == parse_line(line)[0]
    interchange = entry_to_interchange(reference)
    assert {**interchange, "id": "imported"} == entry_to_interchange(imported)


def test_an_updated_entry_is_published_at_its_new_revision_with_wagtails_rename_log():
    assert entries_import([entry_line(id="chat", title="First title", **FULL)]).ok
    changed = entry_line(id="chat", title="Second title", **{**FULL, "formats": ["voice"]})

    with _published() as sent:
        assert entries_import([changed]).updated == ["test-org/chat"]

    entry = EntryPage.objects.get(slug="chat").specific
    assert entry.live and not entry.has_unpublished_changes
    assert entry.live_revision_id == entry.latest_revision_id
    assert entry.revisions.count() == 2
    assert entry.first_published_at < entry.last_published_at
    assert _log(entry) == ["wagtail.create", "wagtail.publish", "wagtail.rename", "wagtail.publish"]
    assert sent == [(type(entry), entry.pk, entry.live_revision_id)]
    assert entry_to_interchange(entry.live_revision.as_object()) == parse_line(changed)[0]
    assert entry_to_interchange(entry) == parse_line(changed)[0]
