"""German compounds, on both engines: a word, or the translation of a word of another
language, finds the German entry that writes it inside a longer word (Trägerverbund,
Datenschutzkonzept). The database matches inside words by itself; the engine through the
parts of compounds in each German document (search/compounds.py), never those of a
members-only field of a public entry."""

import pytest
from django.test import SimpleTestCase, TestCase, override_settings

from search.compounds import compound_parts, compound_words
from tests.search.live import LiveEngineMixin
from tests.search.test_query_translation import require_dictionaries
from tests.search.wording import QUIET_ENTRIES, WordingBehaviour

ORG = {"id": "nordverbund", "name": "Fachstelle Nord", "country": "DE"}

ENTRIES = [
    {
        # "Verbund" only inside "Trägerverbund".
        "id": "traegerverbund",
        "language": "de",
        "title": "Fünf Träger arbeiten zusammen",
        "summary": "Ein Trägerverbund für Fallübergaben.",
        "body": "Die Übergabe wird gemeinsam vorbereitet.",
    },
    {
        # A public lesson: "Westen" only inside "Schutzwesten", in its members-only field.
        "id": "nachtdienst",
        "kind": "lesson",
        "language": "de",
        "title": "Nachtdienst im Chat",
        "summary": "Zwei Beratende teilen sich die Nacht.",
        "body": "Jede Schicht endet mit einer Übergabe.",
        "safety": "Die Schutzwesten liegen im Büro.",
    },
    {
        # "Daten" only inside "Datenschutzkonzept".
        "id": "datenschutz",
        "language": "de",
        "title": "Beratung im Chat",
        "summary": "Ein Datenschutzkonzept für die Chatberatung.",
        "body": "Nachrichten werden nach drei Monaten gelöscht.",
    },
]


class CompoundBehaviour(WordingBehaviour):
    organisation = ORG
    entries = ENTRIES + QUIET_ENTRIES

    @classmethod
    def setUpClass(cls):
        require_dictionaries()
        super().setUpClass()

    def test_a_word_inside_a_compound_is_found(self):
        self.assertEqual(self.ids("Verbund", "de")[:1], ["traegerverbund"])

    def test_the_parts_of_a_members_only_field_are_not_searchable(self):
        # Its parts are left out of the public entry's document with the field itself.
        for word in ("Schutzwesten", "Westen"):
            with self.subTest(word):
                self.assertNotIn("nachtdienst", self.ids(word, "de"))

    def test_a_translation_inside_a_compound_is_found(self):
        # "data" is "Daten" in German, written here only as part of a longer word.
        self.assertEqual(self.ids("data", "en")[:1], ["datenschutz"])


@override_settings(SEARCH_URL=None)
class DatabaseCompoundTests(CompoundBehaviour, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineCompoundTests(LiveEngineMixin, CompoundBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name


class CompoundPartsTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        require_dictionaries()
        super().setUpClass()

    def test_compounds_are_split_into_their_words(self):
        self.assertEqual(
            compound_parts(
                "Der Ausstiegsverbund hat gemeinsame Qualitätsstandards.", compound_words()
            ),
            ["ausstieg", "verbund", "qualitäts", "standards"],
        )

    def test_words_that_are_no_compounds_are_left_whole(self):
        # Headwords whose short "parts" are none (antw, orten), inflections of one
        # (warteten: wart, eten), and words ending in a suffix that is a headword too
        # (Jugendlichen: Jugend, Lichen).
        self.assertEqual(
            compound_parts("Antworten warteten Jugendlichen Beratung", compound_words()), []
        )

    def test_a_word_longer_than_any_compound_is_left_whole(self):
        words = compound_words()
        self.assertEqual(compound_parts("Ausstiegsverbund" * 3, words), [])
        self.assertEqual(
            compound_parts("Ausstiegsverbund " * 3, words), ["ausstieg", "verbund"] * 3
        )

    def test_nothing_is_split_without_the_dictionaries(self):
        with override_settings(SEARCH_DICTIONARY_DIR="/nonexistent"):
            self.assertEqual(compound_parts("Ausstiegsverbund", compound_words()), [])
