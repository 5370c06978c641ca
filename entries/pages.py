"""What the public pages of an entry and of an organisation show besides the page itself:
every read filtered through entries.visibility, every term a way on to the search."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from entries.models import EntryPage, PeerReview
from entries.selectors import (
    entries_visible,
    entries_with_other_versions,
    entry_list,
    entry_related,
    entry_translations,
    facet_counts,
    organisations_readable,
)
from entries.translations import entry_group
from entries.visibility import MEMBERS_ONLY_FIELDS, Reader, withheld_fields
from organisations.models import OrganisationPage
from vocabulary.facets import TERM_FACETS, VALUE_FACETS, Kind, facet_get
from vocabulary.models import Term

# "More from <organisation>" on an entry page: a few ways on, the organisation page has all.
MORE_FROM_ORGANISATION = 5
# An organisation page lists this many practices and as many lessons, then links to the
# search for the rest.
PROFILE_ENTRIES = 24
PROFILE_REVIEWS = 20
# What an organisation's profile counts its entries by: what they are and what they address.
PROFILE_FACETS = [facet_get(name) for name in ("formats", "domains", "approaches")]
KIND_HEADINGS = {Kind.PRACTICE: _("Practices"), Kind.LESSON: _("Lessons learned")}


def search_query(**filters: str) -> str:
    """The query string of the search filtered to these facet values (facet name -> value)."""
    return urlencode(filters)


@dataclass(frozen=True)
class GlanceTerms:
    """One vocabulary facet of an entry's "At a glance": its terms, each a link to the
    search filtered to it."""

    heading: str | Promise
    facet: str
    terms: list[Term]


def entry_terms(entry: EntryPage) -> list[GlanceTerms]:
    """The entry's vocabulary, facet by facet in the registry's order, each facet's terms in
    the vocabulary's order."""
    groups = []
    for facet in TERM_FACETS:
        terms = list(getattr(entry, facet.name).all())
        if terms:
            terms.sort(key=lambda term: term.sort_order)
            groups.append(GlanceTerms(heading=facet.heading, facet=facet.name, terms=terms))
    return groups


def entry_value_searches(entry: EntryPage) -> dict[str, str]:
    """Facet name -> the search query of the entry's own value, for the facets held in a
    column of the entry (kind, language, assessment, evaluation, status)."""
    return {
        facet.name: search_query(**{facet.name: getattr(entry, facet.name)})
        for facet in VALUE_FACETS
        if facet.lookup == facet.name and getattr(entry, facet.name)
    }


def entry_more_from_organisation(*, reader: Reader, entry: EntryPage) -> list[EntryPage]:
    """A few other entries of the entry's organisation that the reader may see, newest
    first, one version of each translation group (never this entry's own group)."""
    others = entry_list(reader=reader, organisation=entry.organisation).exclude(
        group=entry_group(entry)
    )
    # Ranked on their ids alone, then read: the ranking sorts every entry of the
    # organisation, and whole rows made that sort spill to disk (0.4 s at 10,000 entries).
    chosen = list(others.values_list("pk", flat=True)[:MORE_FROM_ORGANISATION])
    found = EntryPage.objects.select_related("organisation").in_bulk(chosen)
    return [found[pk] for pk in chosen]


def _readable_pks(*, reader: Reader, organisations) -> set[int]:
    """Which of these organisations have a page the reader may open (to link them)."""
    pks = {organisation.pk for organisation in organisations if organisation is not None}
    if not pks:
        return set()
    readable = organisations_readable(reader=reader).filter(pk__in=pks)
    return set(readable.values_list("pk", flat=True))


def entry_detail_context(*, reader: Reader, entry: EntryPage) -> dict:
    """What the entry page shows besides the entry; its similar entries come from the
    search's template tag, given the reader and what the page already links."""
    partners = list(entry.partners.all().order_by("title"))
    # A new entry in preview, not saved yet, has no reviews to read.
    peer_reviews = (
        list(entry.peer_reviews.select_related("reviewer_organisation")) if entry.pk else []
    )
    translations = entry_translations(reader=reader, entry=entry)
    return {
        "reader": reader,
        "withheld": withheld_fields(
            reader, {name: getattr(entry, name) for name in MEMBERS_ONLY_FIELDS}
        ),
        "terms": entry_terms(entry),
        "value_searches": entry_value_searches(entry),
        "translations": translations,
        "related_entries": entry_related(reader=reader, entry=entry, versions=translations),
        "more_from_organisation": entry_more_from_organisation(reader=reader, entry=entry),
        "partners": partners,
        # Partners that are not member organisations: names only, with no page to link.
        "partner_names": [partner.name for partner in entry.partner_names.all()],
        "peer_reviews": peer_reviews,
        # Organisations named on the page whose page the reader may open: linked; the others
        # are named only (their page would answer 404).
        "linkable_organisations": _readable_pks(
            reader=reader,
            organisations=[*partners, *(review.reviewer_organisation for review in peer_reviews)],
        ),
    }


@dataclass(frozen=True)
class FacetSummary:
    """How many of an organisation's entries the reader may see carry each term of a facet,
    with the search query of those entries."""

    heading: str | Promise
    counts: list[tuple[Term, int, str]]


@dataclass(frozen=True)
class EntriesOfKind:
    kind: str
    heading: str | Promise
    entries: list[EntryPage]
    total: int
    search: str


@dataclass(frozen=True)
class OrganisationProfile:
    """What an organisation's page shows of its entries and reviews, for one reader."""

    entries_by_kind: list[EntriesOfKind]
    partner_entries: list[EntryPage]
    facet_summary: list[FacetSummary]
    reviews_received: list[PeerReview]
    reviews_given: list[PeerReview]
    linkable_organisations: set[int]
    # The contact address is for signed-in members of the network only.
    shows_contact: bool

    @property
    def has_entries(self) -> bool:
        return any(group.entries for group in self.entries_by_kind)


def _entries_of_kind(
    *, reader: Reader, organisation: OrganisationPage, kind: Kind
) -> EntriesOfKind:
    entries = entry_list(reader=reader, organisation=organisation, kind=kind)
    return EntriesOfKind(
        kind=kind.value,
        heading=KIND_HEADINGS[kind],
        entries=entries_with_other_versions(reader=reader, entries=entries[:PROFILE_ENTRIES]),
        total=entries.count(),
        search=search_query(organisation=organisation.slug, kind=kind.value),
    )


def _reviews(reviews: QuerySet[PeerReview]) -> list[PeerReview]:
    return list(
        reviews.select_related("entry", "entry__organisation", "reviewer_organisation")[
            :PROFILE_REVIEWS
        ]
    )


def organisation_profile(*, reader: Reader, organisation: OrganisationPage) -> OrganisationProfile:
    visible = entries_visible(reader=reader).values("pk")
    counts = facet_counts(
        reader=reader,
        facets=[facet.name for facet in PROFILE_FACETS],
        organisation=organisation,
    )
    # Only reviews of entries the reader may read: a review names its entry.
    reviews = PeerReview.objects.filter(entry__in=visible)
    received = _reviews(reviews.filter(entry__organisation=organisation))
    given = _reviews(reviews.filter(reviewer_organisation=organisation))
    return OrganisationProfile(
        entries_by_kind=[
            _entries_of_kind(reader=reader, organisation=organisation, kind=kind) for kind in Kind
        ],
        partner_entries=entries_with_other_versions(
            reader=reader, entries=entry_list(reader=reader, partner=organisation)[:PROFILE_ENTRIES]
        ),
        facet_summary=[
            FacetSummary(
                heading=facet.heading,
                counts=[
                    (
                        term,
                        count,
                        search_query(**{"organisation": organisation.slug, facet.name: term.slug}),
                    )
                    for term, count in counts[facet.name]
                ],
            )
            for facet in PROFILE_FACETS
            if counts[facet.name]
        ],
        reviews_received=received,
        reviews_given=given,
        linkable_organisations=_readable_pks(
            reader=reader,
            organisations=[
                *(review.reviewer_organisation for review in received),
                *(review.entry.organisation for review in given),
            ],
        ),
        shows_contact=reader.is_member and bool(organisation.contact_email),
    )
