"""Copying a validated interchange line onto an (unsaved) entry page: its text, terms,
free keywords, partners, child items and dates."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from taggit.models import Tag
from wagtail.models import Orderable

from entries.import_rights import organisations_creatable_by, organisations_known
from entries.interchange import CHOICE_FACETS, related_entry
from entries.lines import updated_at
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
from organisations.services import organisation_get_or_create
from vocabulary.facets import VOCABULARY_FILE_FACETS
from vocabulary.models import Term
from vocabulary.selectors import country_terms, term_lookup, term_resolve
from vocabulary.services import country_term_get_or_create


@dataclass
class FileLookups:
    """What the lines of an import look up, read once for all of them: the terms of each
    facet of the vocabulary file by their names, the country terms by code; then, as lines
    find them, free keywords by name and the organisations whose page said what a line
    said, by id. Only what the database held before a line is kept: what a line writes is
    rolled back with it if the line is refused."""

    terms: dict[str, dict[str, Term]]
    countries: dict[str, Term]
    tags: dict[str, Tag] = field(default_factory=dict)
    organisations: dict[str, OrganisationPage] = field(default_factory=dict)


def file_lookups() -> FileLookups:
    return FileLookups(
        terms={facet.name: term_lookup(facet.name) for facet in VOCABULARY_FILE_FACETS},
        countries=country_terms(),
    )


def _related(reference: str, organisation_id: str) -> EntryRelation:
    target_organisation, target_id = related_entry(reference, organisation_id)
    return EntryRelation(target_organisation=target_organisation, target_id=target_id)


def _in_order(items: Iterable[Orderable]) -> list[Orderable]:
    """Child items numbered as the line lists them: with no sort_order, PostgreSQL reads
    them back in any order (SQLite happens to keep the order of insertion)."""
    items = list(items)
    for position, item in enumerate(items):
        item.sort_order = position
    return items


def entry_fill(*, entry: EntryPage, data: dict, lookups: FileLookups, user=None) -> None:
    """Copy every field of a validated line onto an (unsaved) entry page."""
    entry_fields_fill(entry=entry, data=data)
    entry_relations_fill(entry=entry, data=data, lookups=lookups, user=user)


def entry_fields_fill(*, entry: EntryPage, data: dict) -> None:
    """Copy the fields of the page row itself: all but terms, keywords, partners and
    child items."""
    entry.title = data["title"]
    entry.slug = data["id"]
    entry.language = data["language"]
    entry.translation_of = data.get("translation_of", "")
    entry.visibility = data["visibility"]
    entry.summary = data["summary"]
    entry.body = markdown_to_html(data.get("body", ""))
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
    source = data.get("source", {})
    entry.source_title = source.get("title", "")
    entry.source_date = date.fromisoformat(source["date"]) if source.get("date") else None
    entry.source_url = source.get("url", "")
    entry.published_date = date.fromisoformat(data["published"]) if "published" in data else None
    entry.updated_at = updated_at(data["updated"]) if "updated" in data else None


def entry_relations_fill(*, entry: EntryPage, data: dict, lookups: FileLookups, user=None) -> None:
    """Copy the terms, keywords, partners and child items: held on the page until it is
    next saved in full."""
    organisation_id = data["organisation"]["id"]
    _fill_partners(entry, data.get("partners", []), user)
    free_tags = list(data.get("tags", []))
    # The terms of the vocabulary file's facets are resolved by any of their names; a
    # country is its ISO code.
    for facet in VOCABULARY_FILE_FACETS:
        terms = []
        for name in data.get(facet.name, []):
            term = term_resolve(lookups.terms[facet.name], name)
            if term is None:
                # Not in the shared vocabulary: kept and shown, as a free keyword.
                free_tags.append(name)
            elif term not in terms:
                terms.append(term)
        setattr(entry, facet.name, terms)
    entry.countries = [
        lookups.countries.get(code) or country_term_get_or_create(code)
        for code in data.get("countries", [])
    ]
    entry.tags.set(_tags(free_tags, lookups.tags))
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


def _fill_partners(entry: EntryPage, partners: list[dict], user) -> None:
    """A partner's details are its own to keep: an entry may name a member organisation,
    not rename it. One the portal does not know becomes an organisation only through a
    superuser or the operator; anyone else's entry keeps it as a name."""
    known = organisations_known(ids=[partner["id"] for partner in partners])
    create = organisations_creatable_by(user=user)
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


def _tags(names: list[str], found: dict[str, Tag]) -> list[Tag]:
    """The keywords of these names, matched without regard to case, the new ones created;
    found (by name as written) spares asking again for a name an earlier line used."""
    tags: dict[str, Tag] = {}
    for name in names:
        name = name.strip()
        if name and name.casefold() not in tags:
            if name not in found and (tag := Tag.objects.filter(name__iexact=name).first()):
                found[name] = tag
            tags[name.casefold()] = found.get(name) or Tag(name=name)
    for tag in tags.values():
        if tag.pk is None:
            tag.save()
    return list(tags.values())
