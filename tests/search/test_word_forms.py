"""Word forms, on both engines: a word's language-neutral stem (its first letters, where a
cognate meets its translation, however German or French spells it) stands for the word in
the titles of entries in other languages only; in the query's own language the word is
matched as itself, and a title that only shares its first letters does not outrank the
entries that hold the word. The free keywords are searched by both, and a word in
capitals is found in any alphabet."""

import tempfile

import pytest
from django.test import SimpleTestCase, TestCase, override_settings

from search.documents import NEUTRAL_LENGTH
from search.words import cognate_key, cognate_spellings
from tests.search.live import LiveEngineMixin
from tests.search.wording import QUIET_ENTRIES, WordingBehaviour

ORG = {"id": "relais", "name": "Relais Sortie", "country": "FR"}

ENTRIES = [
    {
        "id": "permanences-du-soir",
        "language": "fr",
        "title": "Répondre le soir : ce que la flexibilité nous a coûté",
        "summary": "Sans règles claires, l'équipe s'est épuisée en moins d'un an.",
        "body": "Une permanence du soir deux jours par semaine, annoncée clairement.",
    },
    {
        # "intervenants" in its title, and nowhere else in a title: rare among titles,
        # common in the French text.
        "id": "binomes",
        "language": "fr",
        "title": "Des binômes d'intervenants pour le suivi",
        "summary": "Chaque personne accompagnée a deux référents.",
        "body": "Les intervenants se relaient selon leurs disponibilités.",
    },
    {
        # "Internet" in its title shares the first letters of "intervenants".
        "id": "internet-fr",
        "language": "fr",
        "title": "Internet et accompagnement",
        "summary": "Les messageries servent aussi à prendre rendez-vous.",
        "body": "Une équipe répond sur les messageries aux personnes accompagnées.",
    },
    {
        "id": "profils-fictifs",
        "language": "fr",
        "title": "Ce que les profils fictifs nous ont coûté",
        "summary": "Des intervenants ont contacté des jeunes sous des profils fictifs.",
        "body": "La confiance perdue ne revient pas : nous nous présentons désormais.",
    },
    {
        "id": "bedrohungen",
        "language": "de",
        "title": "Nach Drohungen gegen unser Team",
        "summary": "Fotos wurden in einem Kanal veröffentlicht.",
        "body": "Nach der Bedrohung änderten wir die Regeln für Beratende.",
    },
    {
        # The one entry with the word, in its free keywords only.
        "id": "doxing-fr",
        "language": "fr",
        "title": "Photos de l'équipe retirées du site",
        "summary": "Les noms et les photos ne sont plus publiés.",
        "body": "Une revue annuelle de ce qui est trouvable en ligne.",
        "tags": ["Doxing"],
    },
    {
        # "Beratungsstelle" in its title shares the first letters of "Beratende".
        "id": "beratungsstelle",
        "language": "de",
        "title": "Eine Beratungsstelle für die Ausstiegsarbeit",
        "summary": "Hilfe beim Ausstieg, online.",
        "body": "Das Team antwortet innerhalb von zwei Tagen.",
    },
    {
        # "Beratung" in its title, summary and body: a look-alike of "Beratende" in every
        # field, the word itself nowhere.
        "id": "mailberatung",
        "language": "de",
        "title": "Mailberatung für Eltern",
        "summary": "Beratung per E-Mail, anonym.",
        "body": "Die Beratung antwortet innerhalb einer Woche.",
    },
    {
        # "Kamera" as German spells it, in its title.
        "id": "ohne-kamera",
        "language": "de",
        "title": "Sitzungen ohne Kamera",
        "summary": "Die Klienten sprechen nur per Telefon.",
        "body": "Viele wollen nicht erkannt werden.",
    },
    {
        # "écoute" in capitals, its first letter an accented one, and nowhere else.
        "id": "ecoute-en-capitales",
        "language": "fr",
        "title": "PERMANENCE D'ÉCOUTE",
        "summary": "Un numéro ouvert le dimanche.",
        "body": "Les appels sont pris par deux bénévoles.",
    },
]
ENTRIES += QUIET_ENTRIES


class WordFormBehaviour(WordingBehaviour):
    organisation = ORG
    entries = ENTRIES

    def test_a_stem_look_alike_in_a_title_does_not_outrank_the_word_itself(self):
        # "Internet" and "Beratungsstelle" share their first letters with the words asked
        # for, in titles of the query's own language; the entries with the words come first.
        for language, word, entry, look_alike in (
            ("fr", "intervenants", "binomes", "internet-fr"),
            ("de", "Beratende", "bedrohungen", "beratungsstelle"),
        ):
            with self.subTest(language):
                found = self.ids(word, language)
                self.assertLess(found.index(entry), found.index(look_alike), found)

    def test_a_word_of_the_keywords_alone_is_found(self):
        self.assertEqual(self.ids("doxing", "fr")[:1], ["doxing-fr"])

    def test_a_word_written_in_capitals_is_found_whatever_its_letters(self):
        self.assertEqual(self.ids("écoute", "fr")[:1], ["ecoute-en-capitales"])

    def test_a_cognate_in_a_title_still_crosses_languages(self):
        # No vocabulary term says "fake profile": the German word meets the French title.
        self.assertEqual(self.ids("falsche Profilen", "de")[0], "profils-fictifs")

    def test_a_cognate_spelt_the_other_way_crosses_languages(self):
        # German writes k where French writes c: "Kontakt" meets "contacté", "caméra"
        # meets "Kamera". Without the dictionaries, which translate both.
        with tempfile.TemporaryDirectory() as empty, override_settings(SEARCH_DICTIONARY_DIR=empty):
            self.assertEqual(self.ids("Kontakt", "de")[:1], ["profils-fictifs"])
            self.assertEqual(self.ids("caméra", "fr")[:1], ["ohne-kamera"])


@override_settings(SEARCH_URL=None)
class DatabaseWordFormTests(WordFormBehaviour, TestCase):
    engine_name = "database"

    def test_a_stem_look_alike_in_every_field_does_not_outrank_the_word_itself(self):
        # The database finds the first letters anywhere in a word ("berat" in
        # "Mailberatung"); they weigh once, as in the engine's one neutral field, not once
        # per field that holds them. (The engine ranks the look-alike first here, for
        # "Beratung" three times in a short entry: bench/results/relevance.md.)
        found = self.ids("Beratende", "de")
        self.assertLess(found.index("bedrohungen"), found.index("mailberatung"), found)


@pytest.mark.engine
class EngineWordFormTests(LiveEngineMixin, WordFormBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name


class CognateSpellingTests(SimpleTestCase):
    def test_cognates_are_written_alike(self):
        for german, french_or_english in (
            ("kontakt", "contact"),
            ("zentrum", "centre"),
            ("sozial", "social"),
            ("telefon", "telephone"),
            ("radikalisierung", "radicalisation"),
            ("kampagne", "campagne"),
            ("konzept", "concept"),
        ):
            with self.subTest(german):
                self.assertEqual(
                    cognate_key(german)[:NEUTRAL_LENGTH],
                    cognate_key(french_or_english)[:NEUTRAL_LENGTH],
                )

    def test_a_c_is_written_by_its_sound(self):
        # The c of "face" is no k: it does not meet "fake".
        self.assertNotEqual(cognate_key("face"), cognate_key("fake"))

    def test_the_other_spellings_of_the_first_letters(self):
        for word, spellings in (
            ("kontakt", {"conta"}),
            ("contact", {"konta"}),
            ("centre", {"zentr"}),
            ("polizei", {"polic"}),
            # German keeps the c of "ch" and "ck".
            ("chat", set()),
            ("ruckkehr", set()),
            ("beratung", set()),
        ):
            with self.subTest(word):
                self.assertEqual(cognate_spellings(word, NEUTRAL_LENGTH), spellings)
