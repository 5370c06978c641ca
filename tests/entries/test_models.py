import pytest

from entries.kinds import entry_page_class
from entries.models import EntryPage
from lessons.models import LessonPage
from practices.models import PracticePage
from vocabulary.facets import TERM_FACETS, Kind


def test_each_kind_has_its_page_type_found_without_entries_importing_it():
    assert entry_page_class(Kind.PRACTICE) is PracticePage
    assert entry_page_class(Kind.LESSON) is LessonPage
    with pytest.raises(LookupError, match="recipe"):
        entry_page_class("recipe")


def test_an_entry_holds_the_terms_of_every_vocabulary_facet_of_the_registry():
    for facet in TERM_FACETS:
        field = EntryPage._meta.get_field(facet.name)
        assert field.related_model._meta.label == "vocabulary.Term"
        assert field.remote_field.limit_choices_to == {"facet": facet.name}
        assert field.verbose_name == facet.heading
