"""A practitioner's need, as the partner finder's form states it: each value ticked is one
aspect (formats=chat, language=de, mode=online, ...). The aspects read the facet registry
(vocabulary/facets.py) for their names, headings and labels; two are the finder's own: the
counsellor choice (an entry's yes/no field) and online or in person (read from formats)."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from entries.models import EntryPage
from entries.selectors import MAX_FILTER_VALUES
from search.query import clean_text
from vocabulary.facets import COUNTRIES, facet_get
from vocabulary.models import Term

# The vocabulary facets a need names, in the form's order.
TERM_PARAMETERS = ("formats", "counsellor_profiles", "ideologies", "target_groups", COUNTRIES)
COUNSELLOR_CHOICE = "counsellor_choice"
LANGUAGE = "language"
MODE = "mode"
PARAMETERS = (*TERM_PARAMETERS, COUNSELLOR_CHOICE, LANGUAGE, MODE)

# Online or in person, read from an entry's formats: "in person" is the in-person format or
# the hybrid one; "online" is any format but in person alone (hybrid included).
IN_PERSON_FORMATS = ("in-person", "hybrid")
ONLINE_EXCLUDED_FORMATS = ("in-person",)
MODES = {"online": _("Online"), "in-person": _("In person")}
YES = "yes"
COUNSELLOR_CHOICE_LABEL = _("Clients choose their counsellor")

HEADINGS: dict[str, str | Promise] = {
    **{name: facet_get(name).heading for name in TERM_PARAMETERS},
    COUNSELLOR_CHOICE: _("Counsellor choice"),
    LANGUAGE: facet_get(LANGUAGE).heading,
    MODE: _("Online or in person"),
}


class NeedError(ValueError):
    """A need the finder refuses, naming the parameter, as the search names its own."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Aspect:
    parameter: str
    value: str
    label: str

    @property
    def heading(self) -> str | Promise:
        return HEADINGS[self.parameter]

    def entries_q(self) -> Q:
        """The entries that show this aspect, as a filter on EntryPage."""
        if self.parameter in TERM_PARAMETERS:
            lookup = {f"{self.parameter}__slug": self.value}
        elif self.parameter == COUNSELLOR_CHOICE:
            return Q(counsellor_choice=True)
        elif self.parameter == LANGUAGE:
            return Q(language=self.value)
        elif self.value == "in-person":
            lookup = {"formats__slug__in": IN_PERSON_FORMATS}
        else:
            online = Term.objects.filter(facet="formats").exclude(slug__in=ONLINE_EXCLUDED_FORMATS)
            lookup = {"formats__in": online}
        return Q(pk__in=EntryPage.objects.filter(**lookup).values("pk"))


def language_label(code: str) -> str | None:
    """A language named in itself (Deutsch, Français), as the language switcher names them."""
    try:
        return capfirst(get_language_info(code)["name_local"])
    except KeyError:
        language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
        return language.name if language else None


@dataclass(frozen=True)
class Need:
    aspects: tuple[Aspect, ...]
    # (parameter, value) pairs that name nothing: left out, and said so.
    unrecognised: tuple[tuple[str, str], ...]

    def selected(self, parameter: str) -> set[str]:
        return {aspect.value for aspect in self.aspects if aspect.parameter == parameter}


def need_from_params(params, *, language: str) -> Need:
    """The need a query string (a QueryDict) states: its values in the form's order, each
    once; values that name nothing apart. NeedError for more values than a search takes."""
    # Control characters out, as the search does (PostgreSQL refuses a NUL in a query).
    given = {name: [clean_text(value) for value in params.getlist(name)] for name in PARAMETERS}
    if sum(len(values) for values in given.values()) > MAX_FILTER_VALUES:
        most = max(given, key=lambda name: len(given[name]))
        raise NeedError(
            most, _("too many values: at most %(most)d in one need") % {"most": MAX_FILTER_VALUES}
        )
    labels = {
        (term.facet, term.slug): term.label_in(language)
        for term in Term.objects.filter(
            facet__in=TERM_PARAMETERS,
            slug__in={value for name in TERM_PARAMETERS for value in given[name]},
        )
    }
    aspects: list[Aspect] = []
    unrecognised: list[tuple[str, str]] = []
    for name in PARAMETERS:
        # An empty box (formats=) asks for nothing; spaces around a value are no part of it.
        for value in dict.fromkeys(value.strip() for value in given[name] if value.strip()):
            label = _label(name, value, labels)
            if label is None:
                unrecognised.append((name, value))
            else:
                aspects.append(Aspect(parameter=name, value=value, label=label))
    return Need(aspects=tuple(aspects), unrecognised=tuple(unrecognised))


def _label(name: str, value: str, term_labels: dict[tuple[str, str], str]) -> str | None:
    if name in TERM_PARAMETERS:
        return term_labels.get((name, value))
    if name == COUNSELLOR_CHOICE:
        return str(COUNSELLOR_CHOICE_LABEL) if value == YES else None
    if name == LANGUAGE:
        return language_label(value) if len(value) == 2 and value.isalpha() else None
    return str(MODES[value]) if value in MODES else None
