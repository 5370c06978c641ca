"""Writes to entries: importing interchange lines, one entry at a time or a whole file.

An import changes only what its importer may change: entries of the organisations they
write for, organisation pages only when they may edit them (their moderators, superusers,
the operator at the command line), and new organisations only for superusers and the
operator. Nothing escapes a dry run or a rolled-back import: the review workflow, whose
start e-mails the moderators, starts only once every line is written, and not in a dry run.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pycountry
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from taggit.models import Tag
from wagtail.models import Orderable

from entries.interchange import CHOICE_FACETS
from entries.kinds import entry_page_class
from entries.lines import LineError, excerpt, parse_line, updated_at
from entries.markdown import markdown_to_html
from entries.models import (
    EntryLink,
    EntryMetric,
    EntryPage,
    EntryPartnerName,
    EntryRecommendation,
    EntryRelation,
)
from organisations.models import OrganisationPage
from organisations.selectors import organisations_moderated_by
from organisations.services import (
    organisation_changes,
    organisation_get_or_create,
    organisation_upsert,
)
from vocabulary.facets import VOCABULARY_FILE_FACETS
from vocabulary.selectors import term_lookup, term_resolve
from vocabulary.services import country_term_get_or_create

logger = logging.getLogger(__name__)


class EntryImportError(Exception):
    pass


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    # What was taken but not as written (an organisation's details left alone, a partner
    # kept as a name): the entries still import.
    notices: list[LineError] = field(default_factory=list)
    awaiting_approval: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _may_edit_organisation(user, organisation_id: str) -> bool:
    """The operator (no user) may; anyone else as the organisation page's own rule says."""
    return (
        user is None or organisations_moderated_by(user=user).filter(slug=organisation_id).exists()
    )


def _may_create_organisations(user) -> bool:
    return user is None or user.is_superuser


def _known_organisations(ids: list[str]) -> dict[str, OrganisationPage]:
    return {
        organisation.slug: organisation
        for organisation in OrganisationPage.objects.filter(slug__in=ids)
    }


def _term_lookups() -> dict[str, dict]:
    return {facet.name: term_lookup(facet.name) for facet in VOCABULARY_FILE_FACETS}


def _related(reference: str, organisation_id: str) -> EntryRelation:
    target_organisation, _, target_id = reference.rpartition("/")
    return EntryRelation(
        target_organisation=target_organisation or organisation_id, target_id=target_id
    )


def _in_order(items: Iterable[Orderable]) -> list[Orderable]:
    """Child items numbered as the line lists them: with no sort_order, PostgreSQL reads
    them back in any order (SQLite happens to keep the order of insertion)."""
    items = list(items)
    for position, item in enumerate(items):
        item.sort_order = position
    return items


def _apply(entry: EntryPage, data: dict, lookups: dict, user=None) -> None:
    """Copy every field of a validated line onto an (unsaved) entry page."""
    organisation_id = data["organisation"]["id"]
    entry.title = data["title"]
    entry.slug = data["id"]
    entry.language = data["language"]
    entry.translation_of = data.get("translation_of", "")
    entry.visibility = data["visibility"]
    entry.summary = data["summary"]
    entry.body = markdown_to_html(data.get("body", ""))
    _apply_partners(entry, data.get("partners", []), user)

    free_tags = list(data.get("tags", []))
    # The terms of the vocabulary file's facets are resolved by any of their names; a
    # country is its ISO code.
    for facet in VOCABULARY_FILE_FACETS:
        terms = []
        for name in data.get(facet.name, []):
            term = term_resolve(lookups[facet.name], name)
            if term is None:
                # Not in the shared vocabulary: kept and shown, as a free keyword.
                free_tags.append(name)
            elif term not in terms:
                terms.append(term)
        setattr(entry, facet.name, terms)
    entry.countries = [country_term_get_or_create(code) for code in data.get("countries", [])]
    entry.tags.set(_tags(free_tags))

    entry.counsellor_choice = data.get("counsellor_choice")
    for name in CHOICE_FACETS:
        setattr(entry, name, data.get(name, ""))
    entry.started = data.get("started")
    entry.ended = data.get("ended")
    for name in ("outcomes", "context", "what_worked", "what_did_not_work", "ethics", "safety"):
        setattr(entry, name, data.get(name, ""))
    audience = data.get("audience", [])
    entry.audience_practitioners = "practitioners" in audience
    entry.audience_policymakers = "policymakers" in audience

    entry.metrics = _in_order(
        EntryMetric(
            name=metric["name"],
            value=float(metric["value"]),
            unit=metric.get("unit", ""),
            note=metric.get("note", ""),
        )
        for metric in data.get("metrics", [])
    )
    entry.links = _in_order(
        EntryLink(title=link.get("title", ""), url=link["url"]) for link in data.get("links", [])
    )
    entry.recommendations = _in_order(
        EntryRecommendation(text=text) for text in data.get("recommendations", [])
    )
    entry.relations = _in_order(_related(ref, organisation_id) for ref in data.get("related", []))

    source = data.get("source", {})
    entry.source_title = source.get("title", "")
    entry.source_date = date.fromisoformat(source["date"]) if source.get("date") else None
    entry.source_url = source.get("url", "")
    entry.published_date = date.fromisoformat(data["published"]) if "published" in data else None
    entry.updated_at = updated_at(data["updated"]) if "updated" in data else None


def _apply_partners(entry: EntryPage, partners: list[dict], user) -> None:
    """A partner's details are its own to keep: an entry may name a member organisation,
    not rename it. One the portal does not know becomes an organisation only through a
    superuser or the operator; anyone else's entry keeps it as a name."""
    known = _known_organisations([partner["id"] for partner in partners])
    create = _may_create_organisations(user)
    entry.partners = [
        known.get(partner["id"]) or organisation_get_or_create(**partner)
        for partner in partners
        if partner["id"] in known or create
    ]
    entry.partner_names = _in_order(
        EntryPartnerName(
            partner_id=partner["id"],
            name=partner["name"],
            country=partner.get("country", ""),
            url=partner.get("url", ""),
        )
        for partner in partners
        if partner["id"] not in known and not create
    )


def _tags(names: list[str]) -> list[Tag]:
    tags: dict[str, Tag] = {}
    for name in names:
        name = name.strip()
        if name and name.casefold() not in tags:
            tags[name.casefold()] = Tag.objects.filter(name__iexact=name).first() or Tag(name=name)
    for tag in tags.values():
        if tag.pk is None:
            tag.save()
    return list(tags.values())


def entry_existing(*, organisation_id: str, entry_id: str) -> EntryPage | None:
    entry = EntryPage.objects.filter(organisation__slug=organisation_id, slug=entry_id).first()
    return entry.specific if entry else None


def _publisher(details: dict, user) -> OrganisationPage:
    if _may_edit_organisation(user, details["id"]):
        return organisation_upsert(**details)
    organisation = _known_organisations([details["id"]]).get(details["id"])
    if organisation is None:
        raise EntryImportError(
            f"organisation: {details['id']} is not a member organisation of the portal"
        )
    return organisation


def entry_upsert(
    *,
    data: dict,
    lookups: dict | None = None,
    user=None,
    publish: bool = True,
    submit: bool = True,
) -> tuple[EntryPage, bool]:
    """Create or update the entry of one validated interchange line.

    The organisation + id pair identifies the entry, so importing the same line twice
    updates it. With publish, the new version goes live at once; without, it is saved as
    a draft and (with submit) submitted to the organisation's review workflow, as an
    editor's edit in the admin would be. user None is the operator, who may do anything.
    Returns the entry and whether it was created.
    """
    lookups = lookups or _term_lookups()
    organisation = _publisher(data["organisation"], user)
    entry = entry_existing(organisation_id=organisation.slug, entry_id=data["id"])
    created = entry is None
    if entry is None:
        entry = entry_page_class(data["kind"])(organisation=organisation, live=publish)
        _apply(entry, data, lookups, user)
        organisation.add_child(instance=entry)
    elif entry.kind != data["kind"]:
        raise EntryImportError(
            f"{organisation.slug}/{entry.slug} exists as a {entry.kind}; "
            f"its kind cannot change to {data['kind']}"
        )
    else:
        _apply(entry, data, lookups, user)
    revision = entry.save_revision(user=user, clean=False)
    if publish:
        revision.publish(user=user)
    elif submit:
        entry_submit_for_review(entry=entry, user=user)
    return entry, created


def entry_submit_for_review(*, entry: EntryPage, user=None) -> None:
    """Start the organisation's review workflow on the entry's latest revision; Wagtail
    e-mails the moderators as it starts."""
    workflow = entry.get_workflow()
    if workflow is not None and not entry.workflow_in_progress:
        workflow.start(entry, user)


def _line_problems(
    number: int, data: dict, seen: dict, allowed: set[str] | None, user
) -> list[str]:
    key = (data["organisation"]["id"], data["id"])
    problems = []
    if key in seen:
        problems.append(f"{key[0]}/{key[1]} appears again (first on line {seen[key]})")
    if allowed is not None and key[0] not in allowed:
        problems.append(f"organisation {key[0]} is not one you may publish for")
    elif not _may_edit_organisation(user, key[0]) and not _known_organisations([key[0]]):
        problems.append(f"organisation: {key[0]} is not a member organisation of the portal")
    problems += [
        f"countries: {code} is not an ISO 3166-1 country code"
        for code in data.get("countries", [])
        if pycountry.countries.get(alpha_2=code) is None
    ]
    existing = entry_existing(organisation_id=key[0], entry_id=key[1])
    if existing is not None and existing.kind != data["kind"]:
        problems.append(
            f"{key[0]}/{key[1]} exists as a {existing.kind}; "
            f"its kind cannot change to {data['kind']}"
        )
    return problems


def _line_notices(data: dict, user) -> list[str]:
    """What an importer's line asks for that the import will not do."""
    notices = []
    details = data["organisation"]
    organisation = _known_organisations([details["id"]]).get(details["id"])
    if organisation is not None and not _may_edit_organisation(user, details["id"]):
        changes = organisation_changes(
            organisation,
            name=details["name"],
            country=details.get("country", ""),
            url=details.get("url", ""),
        )
        if changes:
            notices.append(
                f"organisation: the name, country and url of {details['id']} are left as "
                "they are; only its moderators change them"
            )
    if not _may_create_organisations(user):
        partners = data.get("partners", [])
        known = _known_organisations([partner["id"] for partner in partners])
        notices += [
            f"partners[{index}]: {partner['id']} is not a member organisation of the portal; "
            "kept as a name on the entry"
            for index, partner in enumerate(partners)
            if partner["id"] not in known
        ]
    return notices


@dataclass
class _Checked:
    valid: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    notices: list[LineError] = field(default_factory=list)


def _entries_check(
    lines: Iterable[str], *, allowed_organisations: set[str] | None, user
) -> _Checked:
    """Parse and check every line: the good lines (numbered), the errors and notices."""
    checked = _Checked()
    seen: dict[tuple[str, str], int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        data, problems = parse_line(text)
        if data is not None:
            problems = _line_problems(number, data, seen, allowed_organisations, user)
            seen.setdefault((data["organisation"]["id"], data["id"]), number)
        if problems:
            checked.errors.extend(LineError(number, problem) for problem in problems)
        else:
            checked.valid.append((number, data))
            checked.notices.extend(
                LineError(number, notice) for notice in _line_notices(data, user)
            )
    return checked


class _DryRun(Exception):
    """Raised to roll back a dry run once every write has been tried."""


def entries_import(
    lines: Iterable[str],
    *,
    partial: bool = False,
    dry_run: bool = False,
    allowed_organisations: set[str] | None = None,
    user=None,
    publish_organisations: set[str] | None = None,
) -> ImportReport:
    """Import interchange lines. Without partial, one bad line means nothing is written.

    A dry run goes through every write and then rolls back, so that it finds what the
    database would refuse too; it starts no review workflow, so it notifies no one.
    allowed_organisations limits whose entries may be written (None: any); entries of
    organisations outside publish_organisations (None: all) are saved as drafts and
    submitted for review, once every line is written, instead of being published. user
    None is the operator at the command line.
    """
    checked = _entries_check(lines, allowed_organisations=allowed_organisations, user=user)
    report = ImportReport(errors=checked.errors, notices=checked.notices)
    if checked.errors and not partial:
        return report
    try:
        with transaction.atomic():
            lookups = _term_lookups()
            drafts: list[EntryPage] = []
            for number, data in checked.valid:
                publish = (
                    publish_organisations is None
                    or data["organisation"]["id"] in publish_organisations
                )
                try:
                    with transaction.atomic():
                        entry, created = entry_upsert(
                            data=data, lookups=lookups, user=user, publish=publish, submit=False
                        )
                except (EntryImportError, DatabaseError, ValidationError) as error:
                    report.errors.append(LineError(number, _refusal(error)))
                    if not partial:
                        raise EntryImportError from error
                    continue
                key = f"{entry.organisation.slug}/{entry.slug}"
                (report.created if created else report.updated).append(key)
                if not publish:
                    report.awaiting_approval.append(key)
                    drafts.append(entry)
            if dry_run:
                raise _DryRun
            for entry in drafts:
                entry_submit_for_review(entry=entry, user=user)
    except _DryRun:
        return report
    except EntryImportError:
        report.created, report.updated, report.awaiting_approval = [], [], []
        return report
    report.written = True
    return report


def _refusal(error: Exception) -> str:
    if isinstance(error, EntryImportError):
        return str(error)
    # The checks before writing should leave nothing for the models or the database to
    # refuse; if they still do, the line is named and the cause logged, not a crash.
    logger.warning("An imported entry was refused on saving", exc_info=error)
    return f"refused on saving ({excerpt(str(error))})"
