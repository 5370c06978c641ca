import gettext
import json
from functools import cache
from pathlib import Path

import pycountry
from django.conf import settings
from django.db import transaction

from vocabulary.facets import COUNTRIES, VOCABULARY_FILE_FACETS
from vocabulary.models import Term


def vocabulary_path() -> Path:
    return settings.INTERCHANGE_DIR / "vocabulary.json"


@transaction.atomic
def vocabulary_load(*, path: Path | None = None) -> int:
    """Create or update the terms of vocabulary.json; returns how many it holds.

    Terms edited in the admin keep their id; their labels and synonyms are replaced by the
    file's, since the file is the network's shared reference.
    """
    data = json.loads((path or vocabulary_path()).read_text(encoding="utf-8"))
    count = 0
    for facet in VOCABULARY_FILE_FACETS:
        terms = data["facets"].get(facet.name, {}).get("terms", {})
        for position, (slug, term) in enumerate(terms.items()):
            Term.objects.update_or_create(
                facet=facet.name,
                slug=slug,
                defaults={
                    "label_en": term["en"],
                    "label_fr": term.get("fr", ""),
                    "label_de": term.get("de", ""),
                    "synonyms": "\n".join(term.get("synonyms", [])),
                    "sort_order": position,
                },
            )
            count += 1
    return count


@cache
def _country_translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_term_get_or_create(code: str) -> Term:
    """The term of an ISO 3166-1 country, labelled in English, French and German."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise ValueError(f"{code} is not an ISO 3166-1 alpha-2 country code")
    name = getattr(country, "common_name", None) or country.name
    term, _ = Term.objects.get_or_create(
        facet=COUNTRIES,
        slug=code,
        defaults={
            "label_en": name,
            "label_fr": _country_translation("fr").gettext(country.name),
            "label_de": _country_translation("de").gettext(country.name),
            "sort_order": 0,
        },
    )
    return term
