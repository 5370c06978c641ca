import json

import pytest

from tests.factories import CONTRACT, CONTRACT_FACETS
from vocabulary.facets import FACET_NAMES, TERM_FACET_NAMES, VOCABULARY_FILE_FACETS
from vocabulary.models import Term
from vocabulary.selectors import term_lookup, term_resolve
from vocabulary.services import vocabulary_load, vocabulary_path

pytestmark = pytest.mark.django_db


def test_loading_the_vocabulary_twice_creates_every_term_once():
    data = json.loads(vocabulary_path().read_text())
    expected = sum(len(facet["terms"]) for facet in data["facets"].values())
    assert vocabulary_load() == expected
    vocabulary_load()
    assert Term.objects.exclude(facet="countries").count() == expected


def test_terms_resolve_by_id_label_in_any_language_and_synonym():
    vocabulary_load()
    lookup = term_lookup("formats")
    for name in ("helpline", "Helpline", "hotline", "  HOTLINE ", "Video call", "Visioconférence"):
        term = term_resolve(lookup, name)
        assert term is not None, name
    assert term_resolve(lookup, "hotline").slug == "helpline"
    assert term_resolve(lookup, "carrier pigeon") is None


def test_a_term_shows_its_label_in_the_asked_language():
    vocabulary_load()
    term = Term.objects.get(facet="domains", slug="deradicalisation")
    assert term.label_in("fr") == "Déradicalisation"
    assert term.label_in("de") == "Deradikalisierung"
    assert term.label_in("pt") == "Deradicalisation"


def test_the_vocabulary_file_defines_the_registrys_vocabulary_file_facets():
    data = json.loads(vocabulary_path().read_text())
    assert list(data["facets"]) == [facet.name for facet in VOCABULARY_FILE_FACETS]


def test_the_registry_holds_the_contracts_facets_in_its_order():
    assert len(CONTRACT_FACETS) > 10  # the paragraph was found and read
    assert FACET_NAMES == CONTRACT_FACETS


def test_the_interchange_schema_has_a_list_of_terms_for_each_term_facet():
    schema = json.loads((CONTRACT / "entry.schema.json").read_text(encoding="utf-8"))
    for name in TERM_FACET_NAMES:
        assert name in schema["properties"], name
