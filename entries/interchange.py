"""The interchange format: the published schema, and an entry written out in that form. The
schema file in docs/interchange/ is the contract; reading and checking lines is in
entries/lines.py."""

import json
from datetime import UTC
from functools import cache

from django.conf import settings

from entries.markdown import html_to_markdown
from entries.models import EntryPage, EntryPartnerName
from vocabulary.facets import COUNTRIES, VALUE_FACETS, VOCABULARY_FILE_FACETS, Labels

FORMAT_VERSION = 1
# The facets of one value from a closed list that a line states as written; an entry's
# kind is not among them, since its page type decides it (the column is not editable).
CHOICE_FACETS = [
    facet.name
    for facet in VALUE_FACETS
    if facet.labels is Labels.CHOICES and EntryPage._meta.get_field(facet.lookup).editable
]
# What entry_to_interchange reads beyond the page row: prefetched, many entries are
# written out in a few queries instead of a score each.
INTERCHANGE_RELATIONS = [
    "organisation",
    "partners",
    "partner_names",
    COUNTRIES,
    *(facet.name for facet in VOCABULARY_FILE_FACETS),
    "tags",
    "metrics",
    "recommendations",
    "relations",
    "links",
]


@cache
def entry_schema() -> dict:
    return json.loads((settings.INTERCHANGE_DIR / "entry.schema.json").read_text("utf-8"))


def _organisation(organisation) -> dict:
    data = {"id": organisation.slug, "name": organisation.title}
    if organisation.country:
        data["country"] = organisation.country
    if organisation.website:
        data["url"] = organisation.website
    return data


def _partner_name(partner: EntryPartnerName) -> dict:
    details = {"country": partner.country, "url": partner.url}
    return {
        "id": partner.partner_id,
        "name": partner.name,
        **{key: value for key, value in details.items() if value},
    }


def _terms(entry: EntryPage, facet: str) -> list[str]:
    return [term.slug for term in sorted(getattr(entry, facet).all(), key=_term_order)]


def _term_order(term) -> tuple:
    return (term.sort_order, term.slug)


def _text_fields(entry: EntryPage, names: list[str]) -> dict:
    return {name: getattr(entry, name) for name in names if getattr(entry, name)}


def related_entry(reference: str, organisation_id: str) -> tuple[str, str]:
    """The (organisation id, entry id) a line's `related` reference names: "id" in the
    line's own organisation, or "organisation/id"."""
    target_organisation, _, target_id = reference.rpartition("/")
    return (target_organisation or organisation_id, target_id)


def entry_to_interchange(entry: EntryPage) -> dict:
    """One entry as a line of the interchange format, valid against the schema.

    Lists the format leaves unordered come out in a stable order (vocabulary order for
    terms, ids for organisations), so that exports can be compared line by line.
    """
    data: dict = {
        "format_version": FORMAT_VERSION,
        "id": entry.slug,
        "kind": entry.kind,
        "language": entry.language,
    }
    if entry.translation_of:
        data["translation_of"] = entry.translation_of
    data["title"] = entry.title
    data["summary"] = entry.summary
    if body := html_to_markdown(entry.body):
        data["body"] = body
    data["organisation"] = _organisation(entry.organisation)
    partners = [_organisation(partner) for partner in entry.partners.all()]
    partners += [_partner_name(partner) for partner in entry.partner_names.all()]
    if partners:
        data["partners"] = sorted(partners, key=lambda partner: partner["id"])
    if countries := sorted(term.slug for term in entry.countries.all()):
        data["countries"] = countries
    for facet in VOCABULARY_FILE_FACETS:
        if terms := _terms(entry, facet.name):
            data[facet.name] = terms
    if tags := sorted(tag.name for tag in entry.tags.all()):
        data["tags"] = tags
    if entry.counsellor_choice is not None:
        data["counsellor_choice"] = entry.counsellor_choice
    data.update(_text_fields(entry, [*CHOICE_FACETS, "started"]))
    if entry.ended is not None:
        data["ended"] = entry.ended
    data.update(_text_fields(entry, ["outcomes"]))
    if metrics := list(entry.metrics.all()):
        data["metrics"] = [_metric(metric) for metric in metrics]
    data.update(_text_fields(entry, ["context", "what_worked", "what_did_not_work"]))
    if recommendations := [item.text for item in entry.recommendations.all()]:
        data["recommendations"] = recommendations
    audience = [
        name
        for name, chosen in (
            ("practitioners", entry.audience_practitioners),
            ("policymakers", entry.audience_policymakers),
        )
        if chosen
    ]
    if audience:
        data["audience"] = audience
    data.update(_text_fields(entry, ["ethics", "safety"]))
    if relations := list(entry.relations.all()):
        data["related"] = [
            relation.target_id
            if relation.target_organisation == entry.organisation.slug
            else f"{relation.target_organisation}/{relation.target_id}"
            for relation in relations
        ]
    if links := list(entry.links.all()):
        data["links"] = [
            {"title": link.title, "url": link.url} if link.title else {"url": link.url}
            for link in links
        ]
    source = {
        "title": entry.source_title,
        "date": entry.source_date.isoformat() if entry.source_date else "",
        "url": entry.source_url,
    }
    if source := {key: value for key, value in source.items() if value}:
        data["source"] = source
    data["visibility"] = entry.visibility
    if entry.published_date:
        data["published"] = entry.published_date.isoformat()
    if entry.updated_at:
        data["updated"] = entry.updated_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return data


def _metric(metric) -> dict:
    value = metric.value
    data: dict = {"name": metric.name, "value": int(value) if value.is_integer() else value}
    if metric.unit:
        data["unit"] = metric.unit
    if metric.note:
        data["note"] = metric.note
    return data


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))
