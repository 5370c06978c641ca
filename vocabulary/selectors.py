import gettext
from functools import cache

import pycountry

from vocabulary.facets import COUNTRIES
from vocabulary.models import Term


def _normalise(name: str) -> str:
    return " ".join(name.casefold().split())


def term_lookup(facet: str) -> dict[str, Term]:
    """Every name of every term of a facet (id, labels, synonyms), normalised, to its term.

    Importers use it so that "hotline" in formats lands on the helpline term.
    """
    lookup: dict[str, Term] = {}
    for term in Term.objects.filter(facet=facet):
        for name in term.names:
            lookup.setdefault(_normalise(name), term)
    return lookup


def country_terms() -> dict[str, Term]:
    """The country terms the portal holds, by ISO 3166-1 code."""
    return {term.slug: term for term in Term.objects.filter(facet=COUNTRIES)}


def term_resolve(lookup: dict[str, Term], name: str) -> Term | None:
    return lookup.get(_normalise(name))


@cache
def _country_translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str, language: str) -> str:
    """The name of an ISO 3166-1 country in a language (as the country terms are labelled);
    the code itself when it names no country."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    if language[:2] == "en":
        return getattr(country, "common_name", None) or country.name
    return _country_translation(language[:2]).gettext(country.name)
