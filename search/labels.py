"""The names of facet values, whichever backend counted them: each facet's labels come from
where the registry says (vocabulary.facets.Labels), and counted values become FacetValues
the same way for the engine and the database."""

from __future__ import annotations

import dataclasses

import pycountry
from django.utils.text import capfirst
from django.utils.translation import get_language_info

from organisations.models import OrganisationPage
from search.cache import process_cached
from search.query import SearchQuery
from search.results import FacetValue
from vocabulary.facets import FACET_NAMES, FACETS_BY_NAME, Labels
from vocabulary.models import Term


def _language_label(code: str) -> str | None:
    """A language named in itself (English, Français, Español), as the language switcher and
    the links to other versions name them, whatever the reader's language."""
    try:
        return capfirst(get_language_info(code)["name_local"])
    except KeyError:
        language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
        return language.name if language else None


def _term_labels() -> dict[tuple[str, str], dict[str, str]]:
    """(facet, slug) -> {language: label} of every term."""
    return {
        (facet, slug): {"en": en, "fr": fr, "de": de}
        for facet, slug, en, fr, de in Term.objects.values_list(
            "facet", "slug", "label_en", "label_fr", "label_de"
        )
    }


def _organisation_names() -> dict[str, str]:
    return dict(OrganisationPage.objects.values_list("slug", "title"))


def _labels_of(facet: str, codes: set[str], language: str) -> dict[str, str]:
    """Labels of these values of one facet; values that name nothing have none."""
    definition = FACETS_BY_NAME[facet]
    if definition.labels is Labels.TERMS:
        known = process_cached("term-labels", _term_labels)
        return {
            code: names.get(language[:2]) or names["en"]
            for code in codes
            if (names := known.get((facet, code))) is not None
        }
    if definition.labels is Labels.ORGANISATIONS:
        names = process_cached("organisation-names", _organisation_names)
        return {slug: names[slug] for slug in codes if slug in names}
    if definition.labels is Labels.CHOICES:
        choices = dict(definition.choices.choices)
        return {code: str(choices[code]) for code in codes if code in choices}
    named = {code: _language_label(code) for code in codes}
    return {code: label for code, label in named.items() if label}


def facet_labels(values: dict[str, set[str]], language: str) -> dict[str, dict[str, str]]:
    """Labels of the given values of each facet, in the interface language where the
    vocabulary has one (as Term.label_in); organisations by name; values that name nothing
    have none. Read from the process cache, so a search costs no database query for them."""
    return {
        facet: _labels_of(facet, codes, language) if codes else {}
        for facet, codes in values.items()
    }


def query_recognised(query: SearchQuery) -> tuple[SearchQuery, list[tuple[str, str]]]:
    """The query without the filter values that name nothing (a term since renamed, in an
    old link; a typo), and those (facet, value) pairs."""
    labels = facet_labels({facet: set(values) for facet, values in query.filters.items()}, "en")
    unknown = [
        (facet, value)
        for facet, values in query.filters.items()
        for value in values
        if value not in labels[facet]
    ]
    if not unknown:
        return query, []
    filters = {
        facet: kept
        for facet, values in query.filters.items()
        if (kept := tuple(value for value in values if value in labels[facet]))
    }
    return dataclasses.replace(query, filters=filters), unknown


def facet_values(
    counts: dict[str, dict[str, int]], query: SearchQuery
) -> dict[str, list[FacetValue]]:
    """Counted values of every facet as FacetValues, most frequent first. A selected value
    is listed even when nothing is left to count, so that it can be unselected."""
    for facet, selected in query.filters.items():
        for value in selected:
            counts.setdefault(facet, {}).setdefault(value, 0)
    labels = facet_labels(
        {facet: set(counts.get(facet, {})) for facet in FACET_NAMES}, query.language
    )
    facets = {}
    for facet in FACET_NAMES:
        selected = set(query.selected(facet))
        values = [
            FacetValue(
                term=value,
                label=labels[facet].get(value, value),
                count=count,
                selected=value in selected,
            )
            for value, count in counts.get(facet, {}).items()
        ]
        values.sort(key=lambda item: (-item.count, item.label.casefold()))
        facets[facet] = values
    return facets
