"""Reads of the partner finder: organisations ranked by how well the entries a reader may
see cover a need.

Read with the ORM through entries.selectors (entries_visible) rather than search.api: the
ranking needs every matching entry of every organisation with the aspects it shows, while
the search answers pages of hits (at most MAX_RESULT_WINDOW) and counts per facet value,
not per organisation and aspect together; and two of the aspects (counsellor choice,
online or in person) are no search facet.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper
from django.utils.translation import gettext

from entries.models import EntryPage
from entries.selectors import entries_visible
from entries.selectors import facet_counts as entries_facet_counts
from entries.translations import entries_with_group, reader_language
from entries.visibility import Reader
from organisations.models import OrganisationPage
from partners.needs import (
    COUNSELLOR_CHOICE,
    COUNSELLOR_CHOICE_LABEL,
    COUNTRIES,
    HEADINGS,
    LANGUAGE,
    MODES,
    PARAMETERS,
    TERM_PARAMETERS,
    YES,
    Aspect,
    Need,
    language_label,
)
from vocabulary.facets import Assessment
from vocabulary.models import Term

# What an entry weighs as evidence for an aspect it shows: a good practice more than a
# promising one, more than a less good one or an entry not assessed (a lesson, mostly).
WEIGHTS = {Assessment.GOOD: 3, Assessment.PROMISING: 2}
OTHER_WEIGHT = 1
LONG_TEXTS = (
    "body",
    "summary",
    "outcomes",
    "context",
    "what_worked",
    "what_did_not_work",
    "ethics",
    "safety",
)
# Entries listed under each organisation, strongest first; the others are counted.
EVIDENCE_SHOWN = 5


def entry_weight(assessment: str) -> int:
    return WEIGHTS.get(assessment, OTHER_WEIGHT)


def assessment_label(assessment: str) -> str:
    return Assessment(assessment).label if assessment else gettext("Not assessed")


@dataclass
class Evidence:
    """One entry (a translation group, in the reader's language where they may read that
    version) and the asked aspects it shows."""

    entry: EntryPage
    aspects: list[Aspect]
    # The strongest assessment of its versions ("" when none is assessed).
    assessment: str

    @property
    def weight(self) -> int:
        return entry_weight(self.assessment)

    @property
    def assessment_label(self) -> str:
        return assessment_label(self.assessment)


@dataclass
class Coverage:
    aspect: Aspect
    # The assessment of the strongest entry showing the aspect ("" when not assessed).
    strongest: str
    weight: int
    entry_count: int

    @property
    def strongest_label(self) -> str:
        return assessment_label(self.strongest)


@dataclass
class PartnerMatch:
    organisation: OrganisationPage
    covered: list[Coverage]
    missing: list[Aspect]
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def evidence_shown(self) -> list[Evidence]:
        return self.evidence[:EVIDENCE_SHOWN]

    @property
    def evidence_more(self) -> int:
        return max(len(self.evidence) - EVIDENCE_SHOWN, 0)

    @property
    def strength(self) -> int:
        """The sum, over the covered aspects, of the weight of the strongest entry."""
        return sum(coverage.weight for coverage in self.covered)

    @property
    def rank_key(self) -> tuple:
        return (
            -len(self.covered),
            -self.strength,
            -len(self.evidence),
            self.organisation.title.casefold(),
        )


def _version_shown(versions: list[EntryPage], languages: set[str]) -> EntryPage:
    """The version in a language the need asks for, else in the reader's language, else the
    original (among those the reader may read)."""
    language = reader_language()
    return min(
        versions,
        key=lambda v: (
            v.language not in languages,
            v.language != language,
            v.slug != v.original,
            v.pk,
        ),
    )


def partners_ranked(*, reader: Reader, need: Need) -> list[PartnerMatch]:
    """The organisations whose entries the reader may see cover at least one aspect of the
    need, best first: most aspects covered, then the strongest evidence, then the most
    entries, then by name. Each translation group counts once; it shows what any of its
    versions the reader may see shows."""
    if not need.aspects:
        return []
    aspects = list(need.aspects)
    shows = {
        f"shows_{index}": ExpressionWrapper(aspect.entries_q(), output_field=BooleanField())
        for index, aspect in enumerate(aspects)
    }
    visible = entries_with_group(entries_visible(reader=reader))
    # Every visible version of the groups that match: a group's assessment may be its
    # original's, an aspect shown by its translation.
    matching = visible.filter(
        functools.reduce(operator.or_, (aspect.entries_q() for aspect in aspects))
    ).values("group")
    versions: dict[str, list[EntryPage]] = defaultdict(list)
    for entry in (
        visible.filter(group__in=matching)
        .annotate(**shows)
        .select_related("organisation")
        # The page shows titles and links: the texts stay in the database.
        .defer(*LONG_TEXTS)
        .order_by()
    ):
        versions[entry.group].append(entry)

    by_organisation: dict[int, list[Evidence]] = defaultdict(list)
    for group in versions.values():
        shown = [
            aspect
            for index, aspect in enumerate(aspects)
            if any(getattr(version, f"shows_{index}") for version in group)
        ]
        entry = _version_shown(group, need.selected(LANGUAGE))
        assessment = max((version.assessment for version in group), key=entry_weight)
        by_organisation[entry.organisation_id].append(
            Evidence(entry=entry, aspects=shown, assessment=assessment)
        )

    matches = [
        _match(evidence[0].entry.organisation, aspects, evidence)
        for evidence in by_organisation.values()
    ]
    return sorted(matches, key=lambda match: match.rank_key)


def _match(
    organisation: OrganisationPage, aspects: list[Aspect], evidence: list[Evidence]
) -> PartnerMatch:
    evidence.sort(key=lambda item: (-item.weight, -len(item.aspects), item.entry.title.casefold()))
    covered, missing = [], []
    for aspect in aspects:
        showing = [item for item in evidence if aspect in item.aspects]
        if not showing:
            missing.append(aspect)
            continue
        # evidence is sorted strongest first.
        covered.append(
            Coverage(
                aspect=aspect,
                strongest=showing[0].assessment,
                weight=showing[0].weight,
                entry_count=len(showing),
            )
        )
    return PartnerMatch(
        organisation=organisation, covered=covered, missing=missing, evidence=evidence
    )


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class Question:
    """One group of the form: a parameter, its heading and the values to tick."""

    parameter: str
    heading: object
    options: list[Option]

    @property
    def asked(self) -> bool:
        return any(option.checked for option in self.options)


def need_questions(*, reader: Reader, need: Need, language: str) -> list[Question]:
    """The form's groups in its order: every term of the vocabulary facets; the countries
    and languages of the entries the reader may see (a long list otherwise), and those
    already asked."""
    counted = entries_facet_counts(reader=reader, facets=[COUNTRIES])[COUNTRIES]
    used_countries = {term.slug for term, _count in counted}
    # order_by(): a page's default order would enter the DISTINCT, one row per entry.
    used_languages = set(
        entries_visible(reader=reader).order_by().values_list("language", flat=True).distinct()
    )
    questions = []
    for parameter in PARAMETERS:
        asked = need.selected(parameter)
        if parameter in TERM_PARAMETERS:
            terms = Term.objects.filter(facet=parameter).order_by("sort_order", "slug")
            if parameter == COUNTRIES:
                terms = terms.filter(slug__in=used_countries | asked)
            pairs = [(term.slug, term.label_in(language)) for term in terms]
            if parameter == COUNTRIES:
                pairs.sort(key=lambda pair: pair[1].casefold())
        elif parameter == COUNSELLOR_CHOICE:
            pairs = [(YES, str(COUNSELLOR_CHOICE_LABEL))]
        elif parameter == LANGUAGE:
            pairs = sorted(
                ((code, language_label(code) or code) for code in used_languages | asked),
                key=lambda pair: pair[1].casefold(),
            )
        else:
            pairs = [(value, str(label)) for value, label in MODES.items()]
        questions.append(
            Question(
                parameter=parameter,
                heading=HEADINGS[parameter],
                options=[Option(value, label, value in asked) for value, label in pairs],
            )
        )
    return questions
