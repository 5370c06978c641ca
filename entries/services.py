"""Writes of one entry: creating or updating it from one validated interchange line, and
submitting it to its organisation's review workflow (whose start e-mails the moderators).

The checks and the import of a whole file are in entries/import_checks.py and
entries/imports.py; what an importer may change is in entries/import_rights.py.
"""

import enum

from django.utils.translation import gettext_lazy
from modelsearch.index import insert_or_update_object
from wagtail.actions.base import BaseAction
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.models import ReferenceIndex, Revision
from wagtail.permissions import policy_registry

from entries.entry_fill import (
    FileLookups,
    entry_fields_fill,
    entry_fill,
    entry_relations_fill,
    file_lookups,
)
from entries.import_rights import organisation_editable_by, organisations_known
from entries.interchange import entry_to_interchange
from entries.kinds import entry_page_class
from entries.models import EntryPage
from entries.selectors import EntryKey
from entries.signals import entry_saves_deferring, entry_written
from organisations.models import OrganisationPage
from organisations.services import organisation_changes, organisation_upsert

# Refusals that the checks before writing and the writing itself both give.
NOT_A_MEMBER = gettext_lazy("organisation: %(id)s is not a member organisation of the portal")
KIND_CHANGE = gettext_lazy("%(entry)s exists as a %(kind)s; its kind cannot change to %(new_kind)s")


class EntryImportError(Exception):
    pass


class Written(enum.StrEnum):
    """What writing a line did to its entry."""

    CREATED = "created"
    UPDATED = "updated"
    # The line says what the live entry already says: no revision, no review, no index
    # update, so that re-importing a partner's whole catalogue costs only the comparison.
    UNCHANGED = "unchanged"


def line_key(data: dict) -> EntryKey:
    """The identity of a validated line's entry."""
    return (data["organisation"]["id"], data["id"])


def entry_existing(*, organisation_id: str, entry_id: str) -> EntryPage | None:
    entry = EntryPage.objects.filter(organisation__slug=organisation_id, slug=entry_id).first()
    return entry.specific if entry else None


def _publisher(details: dict, user, lookups: FileLookups) -> OrganisationPage:
    if organisation_editable_by(user=user, organisation_id=details["id"]):
        return _publisher_up_to_date(details, lookups.organisations)
    organisation = organisations_known(ids=[details["id"]]).get(details["id"])
    if organisation is None:
        raise EntryImportError(NOT_A_MEMBER % {"id": details["id"]})
    return organisation


def _publisher_up_to_date(
    details: dict, confirmed: dict[str, OrganisationPage]
) -> OrganisationPage:
    """organisation_upsert, without writing or reading again an organisation that an
    earlier line of the file found saying what this line says: a file names the same few
    organisations on many lines."""
    fields = {key: value for key, value in details.items() if key != "id"}
    organisation = confirmed.get(details["id"]) or organisations_known(ids=[details["id"]]).get(
        details["id"]
    )
    if organisation is not None and not organisation_changes(organisation, **fields):
        confirmed[details["id"]] = organisation
        return organisation
    # Changed or new: written, and read again by the next line that names it, since a
    # refused line takes its writes with it.
    confirmed.pop(details["id"], None)
    return organisation_upsert(**details)


def entry_upsert(
    *,
    data: dict,
    lookups: FileLookups | None = None,
    user=None,
    publish: bool = True,
    submit: bool = True,
    stored: dict[EntryKey, EntryPage] | None = None,
) -> tuple[EntryPage, Written]:
    """Create or update the entry of one validated interchange line.

    The organisation + id pair identifies the entry, so importing the same line twice
    updates it. With publish, the new version goes live at once; without, it is saved as
    a draft and (with submit) submitted to the organisation's review workflow, as an
    editor's edit in the admin would be. user None is the operator, who may do anything.
    A line that changes nothing of a live entry without pending changes writes nothing.
    stored holds the entries of a file's lines, read for many at once (entries_stored);
    without it, the line's own entry is read. Returns the entry and what was written.
    """
    lookups = lookups or file_lookups()
    organisation = _publisher(data["organisation"], user, lookups)
    if stored is None:
        entry = entry_existing(organisation_id=organisation.slug, entry_id=data["id"])
    elif entry := stored.get(line_key(data)):
        # Read with its batch, before this line brought its organisation up to date.
        entry.organisation = organisation
    created = entry is None
    if entry is None:
        entry = entry_page_class(data["kind"])(organisation=organisation, live=publish)
        entry_fields_fill(entry=entry, data=data)
        if not publish:
            # A draft's page row holds its terms and items from the start, as the admin's.
            entry_relations_fill(entry=entry, data=data, lookups=lookups, user=user)
    elif entry.kind != data["kind"]:
        raise EntryImportError(
            KIND_CHANGE
            % {
                "entry": f"{organisation.slug}/{entry.slug}",
                "kind": entry.kind,
                "new_kind": data["kind"],
            }
        )
    else:
        # The page row holds the live version only while no draft is pending.
        stored = entry.live and not entry.has_unpublished_changes
        before = entry_to_interchange(entry) if stored else None
        entry_fill(entry=entry, data=data, lookups=lookups, user=user)
        if before is not None and entry_to_interchange(entry) == before:
            return entry, Written.UNCHANGED
    with entry_saves_deferring():
        if created:
            organisation.add_child(instance=entry)
            if publish:
                # Given once the page row exists, a published entry's terms and items are
                # written once, by the publication, and the revision reads them from
                # memory: given before, they would be written with the row too, and read
                # back.
                entry_relations_fill(entry=entry, data=data, lookups=lookups, user=user)
        revision = entry.save_revision(user=user, clean=False)
        if publish:
            _PublishSavedPage(revision, page=entry, user=user).execute()
    ReferenceIndex.create_or_update_for_object(entry)
    insert_or_update_object(entry)
    entry_written.send(sender=type(entry), instance=entry)
    if not publish and submit:
        entry_submit_for_review(entry=entry, user=user)
    return entry, Written.CREATED if created else Written.UPDATED


class _PublishSavedPage(PublishPageRevisionAction):
    """Wagtail's publication of a revision (revision.publish), given the page the revision
    was just saved from instead of rebuilding that page from the revision's JSON: the
    rebuild reads every term, keyword and partner back by id (about 14 queries an entry)
    to make the page already held. The rest is Wagtail's own: the live fields, the full
    save, page_published, the log entry, the workflow's cancellation, the aliases."""

    def __init__(self, revision: Revision, *, page: EntryPage, user=None):
        # PublishRevisionAction.__init__, but for its revision.as_object().
        BaseAction.__init__(self, page, user=user)
        self.revision = revision
        self.object = page
        self.permission_policy = policy_registry.get(page)
        self.changed = True
        self.log_action = True
        self.previous_revision = None


def entry_submit_for_review(*, entry: EntryPage, user=None) -> None:
    """Start the organisation's review workflow on the entry's latest revision; Wagtail
    e-mails the moderators as it starts."""
    workflow = entry.get_workflow()
    if workflow is not None and not entry.workflow_in_progress:
        workflow.start(entry, user)
