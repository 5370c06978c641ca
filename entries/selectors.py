"""Reads of entries. What a reader is shown filters through entries.visibility first; the
import's reads of stored entries by their identity (entries_stored, entry_kinds_stored) are
for writers, whose rights entries/import_rights.py checks."""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from entries.interchange import INTERCHANGE_RELATIONS, entry_to_interchange, related_entry
from entries.models import EntryPage
from entries.translations import (
    entries_one_per_group,
    entries_with_group,
    entry_group,
    group_member_ids,
    translation_chains,
    translation_group_expression,
    translation_original_expression,
)
from entries.visibility import Reader, redacted, visible_q
from organisations.models import ID_PATTERN, OrganisationPage
from vocabulary.facets import FACETS
from vocabulary.models import Term

ID_RE = re.compile(ID_PATTERN)
ENTRY_ORDER = ["-published_date", "-first_published_at", "title"]
# Identities read in one statement: SQLite takes at most 32,766 parameters a statement, and
# an import holds one batch of stored entries, relations included, in memory at a time.
STORED_BATCH = 500

EntryKey = tuple[str, str]  # (organisation id, entry id): an entry's identity in the portal


def _stored(keys: set[EntryKey]) -> QuerySet[EntryPage]:
    """The entries of these identities, and perhaps a few more (an organisation's id paired
    with another's entry id): callers keep the ones asked for."""
    return EntryPage.objects.filter(
        organisation__slug__in={organisation for organisation, _ in keys},
        slug__in={slug for _, slug in keys},
    )


def entry_kinds_stored(*, keys: Iterable[EntryKey]) -> dict[EntryKey, str]:
    """The kind of each of these entries the portal holds, whatever its visibility or state."""
    keys = list(set(keys))
    kinds = {}
    for start in range(0, len(keys), STORED_BATCH):
        batch = set(keys[start : start + STORED_BATCH])
        rows = _stored(batch).values_list("organisation__slug", "slug", "kind")
        kinds.update({(org, slug): kind for org, slug, kind in rows if (org, slug) in batch})
    return kinds


def entries_stored(*, keys: Iterable[EntryKey]) -> dict[EntryKey, EntryPage]:
    """These entries as the portal holds them, whatever their visibility or state, as their
    own page types with what entry_to_interchange reads of them (and the keyword items an
    import replaces): a few queries for up to STORED_BATCH keys, not a score per entry."""
    keys = set(keys)
    if not keys:
        return {}
    entries = (
        _stored(keys)
        .specific()
        .prefetch_related(*INTERCHANGE_RELATIONS, "tagged_items", for_specific_subqueries=True)
    )
    found = {(entry.organisation.slug, entry.slug): entry for entry in entries}
    return {key: entry for key, entry in found.items() if key in keys}


def entries_visible(*, reader: Reader) -> QuerySet[EntryPage]:
    return EntryPage.objects.live().filter(visible_q(reader))


def _versions_by_group(entries: QuerySet[EntryPage]) -> dict[str, list[EntryPage]]:
    """Entries annotated with their group (entries_with_group), by group and language."""
    versions: dict[str, list[EntryPage]] = defaultdict(list)
    for entry in entries.select_related("organisation").order_by("language", "pk"):
        versions[entry.group].append(entry)
    return versions


def translation_versions(*, reader: Reader, groups: Iterable[str]) -> dict[str, list[EntryPage]]:
    """The versions of each group that the reader may see, by language."""
    groups = set(groups)
    if not groups:
        return {}
    chains = translation_chains()
    found = _versions_by_group(
        entries_with_group(
            entries_visible(reader=reader).filter(pk__in=group_member_ids(groups, chains)),
            chains,
        ).filter(group__in=groups)
    )
    return {group: found.get(group, []) for group in groups}


def entry_translations_all(*, reader: Reader) -> list[tuple[EntryPage, list[EntryPage]]]:
    """Each entry the reader may see, with entry_translations of it: in two queries."""
    groups = _versions_by_group(entries_with_group(entries_visible(reader=reader)))
    return [
        (entry, [version for version in versions if version.pk != entry.pk])
        for versions in groups.values()
        for entry in versions
    ]


def entry_list(
    *,
    reader: Reader,
    organisation: OrganisationPage | None = None,
    partner: OrganisationPage | None = None,
    kind: str | None = None,
    language: str | None = None,
) -> QuerySet[EntryPage]:
    """The entries the reader may see, newest first, each translation group once, in the
    reader's language where they may see that version (entries_one_per_group)."""
    entries = entries_visible(reader=reader)
    if organisation is not None:
        entries = entries.filter(organisation=organisation)
    if partner is not None:
        entries = entries.filter(partners=partner)
    if kind is not None:
        entries = entries.filter(kind=kind)
    if language:
        entries = entries.filter(language=language)
    return entries_one_per_group(entries).select_related("organisation").order_by(*ENTRY_ORDER)


def organisations_readable(*, reader: Reader) -> QuerySet[OrganisationPage]:
    """The live organisations whose page the reader may open: those that published an
    entry the reader may read or are named as its partner, and the reader's own (a new
    member organisation has none yet). The others are not listed, and their page answers
    404 like a missing one."""
    organisations = OrganisationPage.objects.live()
    if reader.sees_everything:
        return organisations
    visible = entries_visible(reader=reader)
    return organisations.filter(
        Q(pk__in=visible.values("organisation"))
        | Q(pk__in=visible.filter(partners__isnull=False).values("partners"))
        | Q(slug__in=reader.organisation_ids)
    )


def organisation_list(*, reader: Reader) -> QuerySet[OrganisationPage]:
    """The organisations the reader may open (organisations_readable) with the number of
    their entries this reader may see, each translation group once."""
    visible = entries_visible(reader=reader).values("pk")
    return (
        organisations_readable(reader=reader)
        .annotate(
            entry_count=Count(
                translation_original_expression("entries__"),
                filter=Q(entries__in=visible),
                distinct=True,
            )
        )
        .order_by("title")
    )


def entry_visible_by_pk(*, reader: Reader, pk: int) -> EntryPage | None:
    entry = entries_visible(reader=reader).filter(pk=pk).first()
    return entry.specific if entry else None


def entry_is_visible(*, reader: Reader, entry: EntryPage) -> bool:
    return entries_visible(reader=reader).filter(pk=entry.pk).exists()


def entry_get(*, reader: Reader, organisation_id: str, entry_id: str) -> EntryPage | None:
    """The entry, or None when it does not exist or the caller may not see it: callers
    answer both the same way."""
    if not (ID_RE.fullmatch(organisation_id) and ID_RE.fullmatch(entry_id)):
        # No entry has such an id; asking the database would only fail on a NUL.
        return None
    entry = (
        entries_visible(reader=reader)
        .filter(organisation__slug=organisation_id, slug=entry_id)
        .select_related("organisation")
        .first()
    )
    return entry.specific if entry else None


def entry_translations(*, reader: Reader, entry: EntryPage) -> list[EntryPage]:
    """The other versions of an entry's translation group that the reader may see, the
    original included, by language."""
    group = entry_group(entry)
    return [
        version
        for version in translation_versions(reader=reader, groups=[group])[group]
        if version.pk != entry.pk
    ]


def entries_with_other_versions(*, reader: Reader, entries: Iterable[EntryPage]) -> list[EntryPage]:
    """The entries (of entry_list, which names their group), each with `other_versions`: what
    entry_translations gives for one entry, for a whole list in two queries, whatever its
    length."""
    entries = list(entries)
    versions = translation_versions(reader=reader, groups=[entry.group for entry in entries])
    for entry in entries:
        entry.other_versions = [
            version for version in versions.get(entry.group, []) if version.pk != entry.pk
        ]
    return entries


def entry_related(
    *, reader: Reader, entry: EntryPage, versions: Iterable[EntryPage] | None = None
) -> list[EntryPage]:
    """Entries this one names as related, and those that name it: a relation reads both
    ways, whoever recorded it. The entry's own versions the reader may see (`versions`,
    entry_translations, which a page that shows them has already read) are its
    translations, not related to it, even when a relation names them."""
    if versions is None:
        versions = entry_translations(reader=reader, entry=entry)
    named = Q(pk__in=[])
    for relation in entry.relations.all():
        named |= Q(organisation__slug=relation.target_organisation, slug=relation.target_id)
    naming = Q(
        relations__target_organisation=entry.organisation.slug, relations__target_id=entry.slug
    )
    return list(
        entries_visible(reader=reader)
        .filter(named | naming)
        .exclude(pk__in=[entry.pk, *(version.pk for version in versions)])
        .select_related("organisation")
        .distinct()
        .order_by("title")
    )


def facet_counts(
    *, reader: Reader, facets: list[str], organisation: OrganisationPage | None = None
) -> dict[str, list[tuple[Term, int]]]:
    """How many visible entries (of one organisation, if given) carry each term of the
    given facets (each translation group once), most used first."""
    visible = entries_visible(reader=reader)
    if organisation is not None:
        visible = visible.filter(organisation=organisation)
    visible = visible.values("pk")
    chains = translation_chains()
    counts = {}
    for facet in facets:
        relation = f"{facet}_entries"
        group = translation_group_expression(f"{relation}__", chains)
        terms = (
            Term.objects.filter(facet=facet)
            .annotate(count=Count(group, filter=Q(**{f"{relation}__in": visible}), distinct=True))
            .filter(count__gt=0)
            .order_by("-count", "sort_order")
        )
        counts[facet] = [(term, term.count) for term in terms]
    return counts


# Facets of the public contract. Several values of one facet are OR-ed; facets are AND-ed.
FILTER_FACETS = {facet.name: facet for facet in FACETS}
FILTER_NAMES = list(FILTER_FACETS)
# Filter values in one list, export or search, every facet together: a person ticks a
# handful, and each value costs the database a parameter, the engine a clause and the
# search page a link.
MAX_FILTER_VALUES = 100


class FilterError(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def filters_from_params(params) -> dict[str, list[str]]:
    """The list filters of a query string (a QueryDict), refused with the parameter named
    when there are too many values or a value no term could have (PostgreSQL refuses NUL
    in a query; SQLite would quietly match nothing)."""
    filters = {name: params.getlist(name) for name in FILTER_NAMES}
    given = sum(len(values) for values in filters.values())
    if given > MAX_FILTER_VALUES:
        most = max(filters, key=lambda name: len(filters[name]))
        raise FilterError(
            most,
            gettext("too many filter values: at most %(most)d, not %(given)d")
            % {"most": MAX_FILTER_VALUES, "given": given},
        )
    for name, values in filters.items():
        if any("\x00" in value for value in values):
            raise FilterError(name, gettext("contains a NUL character"))
    return filters


def selected_terms(filters: dict[str, list[str]]) -> dict[str, list[int]]:
    """The ids of the terms each vocabulary facet of `filters` selects, in one read. Given
    as ids, the terms let PostgreSQL's planner estimate how many entries hold them: as a
    subquery on the terms it guessed one entry and counted a facet through a nested loop of
    every term and entry (95 ms against 5 for one count at 10,000 entries)."""
    chosen = [
        Q(facet=name, slug__in=values)
        for name, values in filters.items()
        if values and FILTER_FACETS[name].holds_terms
    ]
    terms: dict[str, list[int]] = {}
    if chosen:
        for pk, facet in Term.objects.filter(Q(*chosen, _connector=Q.OR)).values_list(
            "pk", "facet"
        ):
            terms.setdefault(facet, []).append(pk)
    return terms


def entries_filtered(
    entries: QuerySet[EntryPage],
    filters: dict[str, list[str]],
    terms: dict[str, list[int]] | None = None,
) -> QuerySet[EntryPage]:
    """The entries holding a value of each facet selected. `terms`: selected_terms() of
    these filters, or of filters holding them, if already read (the database search's
    cross counts filter by every selection but a pair's, once a pair)."""
    if terms is None:
        terms = selected_terms(filters)
    for name, values in filters.items():
        if not values:
            continue
        facet = FILTER_FACETS[name]
        if facet.holds_terms:
            holding = entries_holding_terms(name, terms.get(name, []))
        else:
            holding = EntryPage.objects.filter(facet.filter_q(values)).values("pk")
        entries = entries.filter(pk__in=holding)
    return entries


def entries_holding_terms(facet: str, terms: Iterable[int]) -> QuerySet:
    """The ids of the entries holding any of these terms (ids) of a vocabulary facet, read
    by the terms' index of its relation: joined from the entries, SQLite read
    the whole relation for the terms' slugs (9 of a facet count's 10 ms at 10,000 entries,
    and the database search counts every facet with the others' selections)."""
    return getattr(EntryPage, facet).through.objects.filter(term__in=terms).values("entrypage_id")


# Entries written out at a time for a reader: the entries each batch names are looked up
# in two queries.
INTERCHANGE_BATCH = 500


def _named_entries(data: dict) -> list[tuple[str, str]]:
    """The (organisation id, entry id) of each entry an interchange line names: its related
    entries and the original it translates."""
    own = data["organisation"]["id"]
    named = [related_entry(reference, own) for reference in data.get("related", [])]
    if "translation_of" in data:
        named.append((own, data["translation_of"]))
    return named


def _hidden_entries(reader: Reader, lines: list[dict]) -> set[tuple[str, str]]:
    """The entries the lines name that exist here (live or not) and that the reader may not
    see. An entry held elsewhere (a partner's) stays named: it reveals nothing of this
    portal's."""
    if reader.sees_everything:
        return set()
    named = {pair for data in lines for pair in _named_entries(data)}
    if not named:
        return set()
    slugs = {entry_id for _organisation, entry_id in named}

    def among_named(entries: QuerySet[EntryPage]) -> set[tuple[str, str]]:
        pairs = entries.filter(slug__in=slugs).values_list("organisation__slug", "slug")
        return set(pairs) & named

    return among_named(EntryPage.objects.all()) - among_named(entries_visible(reader=reader))


def _without_hidden(data: dict, hidden: set[tuple[str, str]]) -> dict:
    """The line without the entries it names that are hidden (its keys kept in their order,
    as exports are compared line by line)."""
    own = data["organisation"]["id"]
    if "related" in data:
        data["related"] = [
            reference
            for reference in data["related"]
            if related_entry(reference, own) not in hidden
        ]
        if not data["related"]:
            del data["related"]
    if (own, data.get("translation_of")) in hidden:
        del data["translation_of"]
    return data


def entries_interchange(*, reader: Reader, entries: Iterable[EntryPage]) -> Iterator[dict]:
    """Each entry in the interchange form as this reader may receive it: without the
    members-only fields it may not read (entries.visibility.redacted), and naming no entry
    it may not see, as related or as the original it translates. An answer that named
    such an entry would tell that it exists, and its id often tells what it is about;
    the API answers a hidden entry exactly as a missing one."""
    remaining = iter(entries)
    while batch := [
        redacted(reader, entry_to_interchange(entry.specific))
        for entry in islice(remaining, INTERCHANGE_BATCH)
    ]:
        hidden = _hidden_entries(reader, batch)
        for data in batch:
            yield _without_hidden(data, hidden) if hidden else data


def entries_for_export(*, reader: Reader, filters: dict[str, list[str]]) -> QuerySet[EntryPage]:
    """Visible entries in a stable order (organisation, then id), so that two exports of
    the same content are the same file."""
    entries = entries_filtered(entries_visible(reader=reader), filters)
    return entries.select_related("organisation").order_by("organisation__slug", "slug")
