"""Writes to entries: importing interchange lines, one entry at a time or a whole file."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import pycountry
from django.db import transaction
from taggit.models import Tag

from entries.interchange import TERM_FACETS, LineError, parse_line
from entries.kinds import PAGE_CLASSES
from entries.markdown import markdown_to_html
from entries.models import EntryLink, EntryMetric, EntryPage, EntryRecommendation, EntryRelation
from organisations.services import organisation_get_or_create, organisation_upsert
from vocabulary.selectors import term_lookup, term_resolve
from vocabulary.services import country_term_get_or_create


class EntryImportError(Exception):
    pass


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    awaiting_approval: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _related(reference: str, organisation_id: str) -> EntryRelation:
    target_organisation, _, target_id = reference.rpartition("/")
    return EntryRelation(
        target_organisation=target_organisation or organisation_id, target_id=target_id
    )


def _apply(entry: EntryPage, data: dict, lookups: dict) -> None:
    """Copy every field of a validated line onto an (unsaved) entry page."""
    organisation_id = data["organisation"]["id"]
    entry.title = data["title"]
    entry.slug = data["id"]
    entry.language = data["language"]
    entry.translation_of = data.get("translation_of", "")
    entry.visibility = data["visibility"]
    entry.summary = data["summary"]
    entry.body = markdown_to_html(data.get("body", ""))
    # A partner's details are its own to keep: an entry may name it, not rename it.
    entry.partners = [organisation_get_or_create(**partner) for partner in data.get("partners", [])]

    free_tags = list(data.get("tags", []))
    for facet in TERM_FACETS:
        terms = []
        for name in data.get(facet, []):
            term = term_resolve(lookups[facet], name)
            if term is None:
                # Not in the shared vocabulary: kept and shown, as a free keyword.
                free_tags.append(name)
            elif term not in terms:
                terms.append(term)
        setattr(entry, facet, terms)
    entry.countries = [country_term_get_or_create(code) for code in data.get("countries", [])]
    entry.tags.set(_tags(free_tags))

    entry.counsellor_choice = data.get("counsellor_choice")
    for name in ("assessment", "evaluation", "status"):
        setattr(entry, name, data.get(name, ""))
    entry.started = data.get("started")
    entry.ended = data.get("ended")
    for name in ("outcomes", "context", "what_worked", "what_did_not_work", "ethics", "safety"):
        setattr(entry, name, data.get(name, ""))
    audience = data.get("audience", [])
    entry.audience_practitioners = "practitioners" in audience
    entry.audience_policymakers = "policymakers" in audience

    entry.metrics = [
        EntryMetric(
            name=metric["name"],
            value=float(metric["value"]),
            unit=metric.get("unit", ""),
            note=metric.get("note", ""),
        )
        for metric in data.get("metrics", [])
    ]
    entry.links = [
        EntryLink(title=link.get("title", ""), url=link["url"]) for link in data.get("links", [])
    ]
    entry.recommendations = [
        EntryRecommendation(text=text) for text in data.get("recommendations", [])
    ]
    entry.relations = [_related(ref, organisation_id) for ref in data.get("related", [])]

    source = data.get("source", {})
    entry.source_title = source.get("title", "")
    entry.source_date = date.fromisoformat(source["date"]) if source.get("date") else None
    entry.source_url = source.get("url", "")
    entry.published_date = date.fromisoformat(data["published"]) if "published" in data else None
    entry.updated_at = (
        datetime.fromisoformat(data["updated"].replace("Z", "+00:00"))
        if "updated" in data
        else None
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


def entry_upsert(
    *, data: dict, lookups: dict | None = None, user=None, publish: bool = True
) -> tuple[EntryPage, bool]:
    """Create or update the entry of one validated interchange line.

    The organisation + id pair identifies the entry, so importing the same line twice
    updates it. With publish, the new version goes live at once; without, it is saved as
    a draft and submitted to the organisation's review workflow, as an editor's edit in
    the admin would be. Returns the entry and whether it was created.
    """
    lookups = lookups or {facet: term_lookup(facet) for facet in TERM_FACETS}
    organisation = organisation_upsert(**data["organisation"])
    entry = entry_existing(organisation_id=organisation.slug, entry_id=data["id"])
    created = entry is None
    if entry is None:
        entry = PAGE_CLASSES[data["kind"]](organisation=organisation, live=publish)
        _apply(entry, data, lookups)
        organisation.add_child(instance=entry)
    elif entry.specific_class.kind != data["kind"]:
        raise EntryImportError(
            f"{organisation.slug}/{entry.slug} exists as a {entry.specific_class.kind}; "
            f"its kind cannot change to {data['kind']}"
        )
    else:
        _apply(entry, data, lookups)
    revision = entry.save_revision(user=user, clean=False)
    if publish:
        revision.publish(user=user)
    else:
        workflow = entry.get_workflow()
        if workflow is not None and not entry.workflow_in_progress:
            workflow.start(entry, user)
    return entry, created


def _line_problems(number: int, data: dict, seen: dict, allowed: set[str] | None) -> list[str]:
    key = (data["organisation"]["id"], data["id"])
    problems = []
    if key in seen:
        problems.append(f"{key[0]}/{key[1]} appears again (first on line {seen[key]})")
    if allowed is not None and key[0] not in allowed:
        problems.append(f"organisation {key[0]} is not one you may publish for")
    problems += [
        f"countries: {code} is not an ISO 3166-1 country code"
        for code in data.get("countries", [])
        if pycountry.countries.get(alpha_2=code) is None
    ]
    existing = entry_existing(organisation_id=key[0], entry_id=key[1])
    if existing is not None and existing.specific_class.kind != data["kind"]:
        problems.append(
            f"{key[0]}/{key[1]} exists as a {existing.specific_class.kind}; "
            f"its kind cannot change to {data['kind']}"
        )
    return problems


def entries_validate(
    lines: Iterable[str], *, allowed_organisations: set[str] | None = None
) -> tuple[list[tuple[int, dict]], list[LineError]]:
    """Parse and check every line; returns the good lines (numbered) and the errors."""
    valid: list[tuple[int, dict]] = []
    errors: list[LineError] = []
    seen: dict[tuple[str, str], int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        data, problems = parse_line(text)
        if data is not None:
            problems = _line_problems(number, data, seen, allowed_organisations)
            seen.setdefault((data["organisation"]["id"], data["id"]), number)
        if problems:
            errors.extend(LineError(number, problem) for problem in problems)
        else:
            valid.append((number, data))
    return valid, errors


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
    database would refuse too. allowed_organisations limits whose entries may be written
    (None: any); entries of organisations outside publish_organisations (None: all) are
    saved as drafts and submitted for review instead of being published.
    """
    valid, errors = entries_validate(lines, allowed_organisations=allowed_organisations)
    report = ImportReport(errors=errors)
    if errors and not partial:
        return report
    try:
        with transaction.atomic():
            lookups = {facet: term_lookup(facet) for facet in TERM_FACETS}
            for number, data in valid:
                try:
                    with transaction.atomic():
                        publish = (
                            publish_organisations is None
                            or data["organisation"]["id"] in publish_organisations
                        )
                        entry, created = entry_upsert(
                            data=data, lookups=lookups, user=user, publish=publish
                        )
                except EntryImportError as error:
                    report.errors.append(LineError(number, str(error)))
                    if not partial:
                        raise
                    continue
                key = f"{entry.organisation.slug}/{entry.slug}"
                (report.created if created else report.updated).append(key)
                if not publish:
                    report.awaiting_approval.append(key)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return report
    except EntryImportError:
        report.created, report.updated = [], []
        return report
    report.written = True
    return report
