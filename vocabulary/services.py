import json
from pathlib import Path

import pycountry
from django.conf import settings
from django.db import transaction

from vocabulary.facets import COUNTRIES, VOCABULARY_FILE_FACETS
from vocabulary.models import Term
from vocabulary.selectors import country_name


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


def country_term_get_or_create(code: str) -> Term:
    """The term of an ISO 3166-1 country, labelled in English, French and German."""
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{code} is not an ISO 3166-1 alpha-2 country code")
    term, _ = Term.objects.get_or_create(
        facet=COUNTRIES,
        slug=code,
        defaults={
            "label_en": country_name(code, "en"),
            "label_fr": country_name(code, "fr"),
            "label_de": country_name(code, "de"),
            "sort_order": 0,
        },
    )
    return term
