"""The facets of the public contract, each described once.

A facet narrows entries by the terms of a vocabulary (domains, formats, ..., countries), by
one value of the entry (its organisation, kind, language, verdict, evaluation, status), or by
one value derived from it (whether it was peer-reviewed).
Everything that stores, indexes, filters, counts, labels or shows a facet reads it here:
the entry's fields and admin panels, the index mappings and documents, the engine's
filters and aggregations, the database search's filters and counts, the search page's
sidebar, the entry page's "At a glance", the API's parameters and the tests.

Adding a facet is an entry in FACETS, the migration that its field needs and, for a
vocabulary facet, its terms in vocabulary.json. Its index field needs a rebuild of the index
(manage.py rebuild_search_index): until then check_search_index names the field it lacks.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PRACTICE = "practice", _("Practice")
    LESSON = "lesson", _("Lesson learned")


class Assessment(models.TextChoices):
    GOOD = "good", _("Good practice")
    PROMISING = "promising", _("Promising practice")
    LESS_GOOD = "less-good", _("Less good practice")


class Evaluation(models.TextChoices):
    NONE = "none", _("Not evaluated")
    INTERNAL = "internal", _("Internal evaluation")
    EXTERNAL = "external", _("External evaluation")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    PILOT = "pilot", _("Pilot")
    ENDED = "ended", _("Ended")


# The values of a facet that says whether the entry has something (PRESENT) or not.
PRESENT, ABSENT = "yes", "no"


class PeerReviewed(models.TextChoices):
    YES = PRESENT, _("Peer reviewed")
    NO = ABSENT, _("Not peer reviewed")


class Labels(enum.Enum):
    """Where the names of a facet's values come from."""

    TERMS = "terms"  # the vocabulary's labels, in the reader's language
    CHOICES = "choices"  # the facet's closed list of values (`choices`)
    ORGANISATIONS = "organisations"  # the member organisations' names
    LANGUAGES = "languages"  # the names of ISO 639-1 languages


@dataclass(frozen=True)
class FacetDefinition:
    # The contract's name: the query parameter, the key of the search JSON, the index field
    # and, for a vocabulary facet, the entry's field and Term.facet.
    name: str
    heading: str | Promise
    # The entry's column or relation whose values the facet holds, as an ORM path.
    lookup: str
    labels: Labels
    choices: type[models.TextChoices] | None = None
    # Place in the search page's sidebar (what practitioners narrow by first comes first),
    # and whether its group is open before anything is selected.
    sidebar: int = 0
    open: bool = False
    # Terms that vocabulary.json defines; country terms come from ISO 3166 instead.
    in_vocabulary_file: bool = False
    # Derived, not stored: whether the entry has any row of the relation `lookup`
    # (PRESENT) or none (ABSENT). The entry has no field of it; its search document does.
    presence: bool = False
    # What the facet means, for the editor who chooses its terms.
    help_text: str | Promise = ""

    @property
    def holds_terms(self) -> bool:
        """Several vocabulary terms per entry, rather than one value."""
        return self.labels is Labels.TERMS

    def filter_q(self, values: list[str]) -> Q:
        """The entries holding any of these values, as an ORM condition (its joins may
        repeat an entry: callers select by `pk__in`)."""
        if not self.presence:
            return Q(**{f"{self.lookup}__in": values})
        wanted = {PRESENT, ABSENT} & set(values)
        if not wanted:
            return Q(pk__in=[])  # unknown values match nothing, as in every facet
        if len(wanted) == 2:
            return Q()
        return Q(**{f"{self.lookup}__isnull": ABSENT in wanted})


def _terms(
    name: str,
    heading: Promise,
    help_text: Promise,
    *,
    sidebar: int,
    open: bool = False,
    in_file: bool = True,
) -> FacetDefinition:
    return FacetDefinition(
        name=name,
        heading=heading,
        lookup=f"{name}__slug",
        labels=Labels.TERMS,
        sidebar=sidebar,
        open=open,
        in_vocabulary_file=in_file,
        help_text=help_text,
    )


def _choices(
    name: str,
    choices: type[models.TextChoices],
    heading: Promise,
    *,
    sidebar: int,
    open: bool = False,
) -> FacetDefinition:
    return FacetDefinition(
        name=name,
        heading=heading,
        lookup=name,
        labels=Labels.CHOICES,
        choices=choices,
        sidebar=sidebar,
        open=open,
    )


COUNTRIES = "countries"

# In the contract's order: the order of the search JSON's facets and of the parameters.
FACETS: tuple[FacetDefinition, ...] = (
    _terms(
        "domains",
        _("Domain"),
        _("The fields of work the entry belongs to, such as exit work or family support."),
        sidebar=3,
        open=True,
    ),
    _terms(
        "formats",
        _("Format"),
        _("How the work reaches people: chat, calls, in person, campaigns, ..."),
        sidebar=2,
        open=True,
    ),
    _terms(
        "approaches",
        _("Approach"),
        _("The method followed, such as the redirect method or tandem counselling."),
        sidebar=4,
    ),
    _terms(
        "target_groups",
        _("Target group"),
        _("Who the work is meant for."),
        sidebar=5,
    ),
    _terms(
        "ideologies",
        _("Ideology"),
        _("The extremist milieus the people reached come from."),
        sidebar=7,
    ),
    _terms(
        "counsellor_profiles",
        _("Counsellor profile"),
        _("Who does the counselling or the outreach."),
        sidebar=6,
    ),
    _terms(
        "platforms",
        _("Platform"),
        _("The online services where the work takes place."),
        sidebar=8,
    ),
    _terms(
        COUNTRIES,
        _("Country"),
        _("The countries where the practice runs or the lesson was learned."),
        sidebar=13,
        in_file=False,
    ),
    FacetDefinition(
        name="organisation",
        heading=_("Organisation"),
        lookup="organisation__slug",
        labels=Labels.ORGANISATIONS,
        sidebar=15,
    ),
    _choices("kind", Kind, _("Kind"), sidebar=1, open=True),
    FacetDefinition(
        name="language",
        heading=_("Language"),
        lookup="language",
        labels=Labels.LANGUAGES,
        sidebar=14,
    ),
    _choices("assessment", Assessment, _("Assessment"), sidebar=9),
    _choices("evaluation", Evaluation, _("Evaluation"), sidebar=10),
    _choices("status", Status, _("Status"), sidebar=12),
    FacetDefinition(
        name="peer_reviewed",
        heading=_("Peer review"),
        lookup="peer_reviews",
        labels=Labels.CHOICES,
        choices=PeerReviewed,
        sidebar=11,
        presence=True,
    ),
)

FACETS_BY_NAME: dict[str, FacetDefinition] = {facet.name: facet for facet in FACETS}
FACET_NAMES: list[str] = [facet.name for facet in FACETS]
TERM_FACETS: list[FacetDefinition] = [facet for facet in FACETS if facet.holds_terms]
TERM_FACET_NAMES: list[str] = [facet.name for facet in TERM_FACETS]
# The facets holding one value per entry, in a column of it.
VALUE_FACETS: list[FacetDefinition] = [
    facet for facet in FACETS if not (facet.holds_terms or facet.presence)
]
# The facets whose one value per entry is derived from its relations.
PRESENCE_FACETS: list[FacetDefinition] = [facet for facet in FACETS if facet.presence]
VOCABULARY_FILE_FACETS: list[FacetDefinition] = [
    facet for facet in TERM_FACETS if facet.in_vocabulary_file
]
SIDEBAR: list[FacetDefinition] = sorted(FACETS, key=lambda facet: facet.sidebar)


def facet_get(name: str) -> FacetDefinition:
    """The facet of this contract name; KeyError for a name that is no facet."""
    return FACETS_BY_NAME[name]
