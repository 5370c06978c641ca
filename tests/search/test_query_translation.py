"""Query translation through the bilingual dictionaries, on both backends: a German word
with no cognate finds the English entry that says it in English; a word the dictionaries
do not hold changes nothing; an inflection finds the other inflections of its lemma; a
word is translated through its lemma or its singular into a language its own headword
lacks; a translation finds the entry that spells it the British way; a phrase the
dictionaries list as one headword, a function word inside or not, finds the one word it
translates to; without the dictionaries the search answers as before."""

import os
import tempfile
import unittest

import pytest
from django.conf import settings
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import translation

from search.builders import text_query
from search.dictionaries import (
    WordTranslations,
    dictionaries_present,
    entry_translations,
    lemma_translations,
    pivot_translations,
)
from search.fields import TRANSLATION_WEIGHT
from search.translation import query_translations, translation_queries
from tests.search.live import LiveEngineMixin
from tests.search.wording import WordingBehaviour

ORG = {"id": "lumen", "name": "Lumen Exit Service", "country": "DE"}

ENTRIES = [
    {
        # "wait" only: "warten" meets it through the dictionary alone (no shared stem).
        "id": "reply-times",
        "title": "Honest reply times in chat counselling",
        "summary": "Young people who write to us are told how long they will wait.",
        "body": "Nobody should wait more than two days for a first reply.",
    },
    {
        "id": "night-pilots",
        "language": "de",
        "title": "Nachtlotsen im Chat",
        "summary": "Ehrenamtliche Nachtlotsen beantworten Nachrichten am Abend.",
        "body": "Die Nachtlotsen schreiben bis Mitternacht zurück.",
    },
    {
        # "fear" only: "craignent" is no headword and no ending trimmed makes one; its
        # lemma "craindre" is.
        "id": "voice-only",
        "title": "Voice-only sessions",
        "summary": "For clients who fear being seen.",
        "body": "No video, no photos.",
    },
    {
        # The dictionaries spell it "crossborder" and "cross-border": one translation,
        # looked for in both spellings.
        "id": "border-partnership",
        "title": "A cross-border partnership of exit programmes",
        "summary": "Three programmes hand over clients who move.",
        "body": "Cases are discussed monthly.",
    },
    {
        # "recevoir" only, in French: a French query's "reçoivent" meets it through its
        # lemma (no stem, no neutral stem and no typo bridges them).
        "id": "first-message",
        "language": "fr",
        "title": "Le premier message",
        "summary": "Ce que les jeunes devraient recevoir en premier.",
        "body": "Une réponse courte et personnelle.",
    },
    {
        # "recognised", British: "reconnus" meets it through "recognize", one of eight
        # translations the dictionaries attest equally, spelt the American way.
        "id": "not-recognised",
        "title": "Counselling by telephone",
        "summary": "For clients who are afraid of being recognised in their town.",
        "body": "The line keeps no numbers.",
    },
    {
        # "adolescents" only: the English-German dictionary lists "teenagers" as a headword,
        # the English-French one only "teenager" (adolescent).
        "id": "theatre-workshop",
        "language": "fr",
        "title": "Un atelier de théâtre",
        "summary": "Des adolescents jouent leur propre pièce.",
        "body": "Le mercredi après-midi.",
    },
    {
        # "menaces" only: the German-French dictionary lists "bedrohen" (menacer), not
        # "bedroht", which the German-English one lists (threatened, menaces: the
        # database, which looks for every translation in every column, met it so before).
        "id": "after-threats",
        "language": "fr",
        "title": "Après les menaces",
        "summary": "L'équipe se réunit le lendemain.",
        "body": "Une psychologue anime la réunion.",
    },
    {
        "id": "school-visits",
        "title": "School visits by former extremists",
        "summary": "Former extremists talk to classes about leaving.",
        "body": "The visits last one lesson.",
    },
]


def require_dictionaries() -> None:
    """The dictionaries are part of the setup (scripts/setup.sh): CI must have them."""
    if dictionaries_present(settings.SEARCH_DICTIONARY_DIR):
        return
    reason = (
        f"no FreeDict dictionaries in {settings.SEARCH_DICTIONARY_DIR} "
        "(Debian's dict-freedict-* packages; scripts/setup.sh installs them as root)"
    )
    if os.environ.get("CI", "").lower() == "true":
        raise AssertionError(f"CI=true and {reason}")
    raise unittest.SkipTest(reason)


class DictionaryBehaviour(WordingBehaviour):
    """Searches of ORG's entries that need the dictionaries."""

    organisation = ORG

    @classmethod
    def setUpClass(cls):
        require_dictionaries()
        super().setUpClass()


class TranslationBehaviour(DictionaryBehaviour):
    entries = ENTRIES

    def test_a_german_word_finds_the_english_entry_through_its_translation(self):
        self.assertEqual(self.ids("Wie lange warten?", "de")[0], "reply-times")

    def test_an_inflected_verb_is_translated_through_its_lemma(self):
        self.assertEqual(self.ids("craignent", "fr")[:1], ["voice-only"])

    def test_an_inflection_finds_the_other_inflections_of_its_lemma(self):
        self.assertEqual(self.ids("ce qu'ils reçoivent", "fr")[:1], ["first-message"])
        with tempfile.TemporaryDirectory() as empty, override_settings(SEARCH_DICTIONARY_DIR=empty):
            self.assertNotIn("first-message", self.ids("ce qu'ils reçoivent", "fr"))

    def test_a_plural_one_pair_lists_is_translated_through_its_singular_in_the_other(self):
        self.assertEqual(self.ids("teenagers", "en"), ["theatre-workshop"])

    def test_an_inflected_headword_is_translated_through_its_lemma_where_its_pair_lacks_it(self):
        self.assertEqual(self.ids("bedroht", "de"), ["after-threats"])

    def test_a_translation_is_looked_for_in_each_of_its_spellings(self):
        self.assertEqual(self.ids("grenzüberschreitende", "de")[:1], ["border-partnership"])

    def test_translations_as_attested_as_the_last_kept_are_kept_too(self):
        self.assertEqual(self.ids("reconnus", "fr")[:1], ["not-recognised"])

    def test_without_dictionaries_the_search_answers_as_before(self):
        with tempfile.TemporaryDirectory() as empty, override_settings(SEARCH_DICTIONARY_DIR=empty):
            # No translation: the German word meets no English entry.
            self.assertNotIn("reply-times", self.ids("Wie lange warten?", "de"))
            # Everything else as ever.
            self.assertEqual(self.ids("Nachtlotsen", "de"), ["night-pilots"])
            self.assertEqual(self.ids("former extremists", "en"), ["school-visits"])

    def test_a_word_the_dictionaries_do_not_hold_changes_nothing(self):
        with translation.override("de"):
            self.assertEqual(query_translations("Nachtlotsen"), [])
        found = self.ids("Nachtlotsen", "de")
        with tempfile.TemporaryDirectory() as empty, override_settings(SEARCH_DICTIONARY_DIR=empty):
            self.assertEqual(self.ids("Nachtlotsen", "de"), found)
        self.assertEqual(found, ["night-pilots"])


class PivotTranslationBehaviour(DictionaryBehaviour):
    """A French word the French-English dictionary lacks, translated through German."""

    entries = [
        {
            # "exhaustion" only: the French-English dictionary lacks "épuisement", the
            # French-German one gives "Erschöpfung", the German-English one "exhaustion".
            "id": "night-shifts",
            "title": "Night shifts in chat counselling",
            "summary": "Counsellors who answer until midnight report exhaustion.",
            "body": "Two evenings a week at most.",
        },
        {
            "id": "evening-rota",
            "title": "An evening rota for chat counselling",
            "summary": "Counsellors who answer until midnight take turns.",
            "body": "Two evenings a week at most.",
        },
    ]

    def test_a_word_the_pair_lacks_is_translated_through_the_third_language(self):
        self.assertEqual(self.ids("épuisement", "fr"), ["night-shifts"])
        with tempfile.TemporaryDirectory() as empty, override_settings(SEARCH_DICTIONARY_DIR=empty):
            self.assertEqual(self.ids("épuisement", "fr"), [])


class PhraseTranslationBehaviour(DictionaryBehaviour):
    """An English phrase the English-German dictionary lists as one headword."""

    entries = [
        {
            # "Jugendliche" only: "young people" translates to it as a phrase; "young" and
            # "people" one by one (jung, Menschen) do not meet it.
            "id": "youth-after-school",
            "language": "de",
            "title": "Jugendliche nach der Schule",
            "summary": "Jugendliche schreiben uns nach dem Unterricht.",
            "body": "Wir melden uns binnen eines Tages.",
        },
        {
            # "Anlaufstelle" only: "point of contact" translates to it as a phrase, a
            # function word inside; "point" and "contact" one by one do not meet it.
            "id": "family-drop-in",
            "language": "de",
            "title": "Eine Anlaufstelle am Bahnhof",
            "summary": "Eltern kommen ohne Termin vorbei.",
            "body": "Geöffnet dienstags und donnerstags.",
        },
        {
            "id": "parents-after-school",
            "language": "de",
            "title": "Eltern nach der Schule",
            "summary": "Eltern schreiben uns nach dem Unterricht.",
            "body": "Wir melden uns binnen eines Tages.",
        },
    ]

    def test_a_phrase_the_dictionaries_list_is_translated_as_one_word(self):
        self.assertEqual(self.ids("young people", "en"), ["youth-after-school"])
        with tempfile.TemporaryDirectory() as empty, override_settings(SEARCH_DICTIONARY_DIR=empty):
            self.assertEqual(self.ids("young people", "en"), [])

    def test_a_phrase_with_a_function_word_inside_is_translated_as_one_word(self):
        self.assertEqual(self.ids("point of contact", "en"), ["family-drop-in"])
        with tempfile.TemporaryDirectory() as empty, override_settings(SEARCH_DICTIONARY_DIR=empty):
            self.assertEqual(self.ids("point of contact", "en"), [])

    def test_a_phrase_the_dictionaries_render_word_by_word_adds_nothing(self):
        # Its one translation, "transboundary cooperation", is its words' own.
        with translation.override("de"):
            words = [
                word.word for word in query_translations("grenzüberschreitende Zusammenarbeit")
            ]
        self.assertEqual(words, ["grenzüberschreitende", "Zusammenarbeit"])


@override_settings(SEARCH_URL=None)
class DatabaseTranslationTests(TranslationBehaviour, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineTranslationTests(LiveEngineMixin, TranslationBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name


@override_settings(SEARCH_URL=None)
class DatabasePivotTranslationTests(PivotTranslationBehaviour, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EnginePivotTranslationTests(LiveEngineMixin, PivotTranslationBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name


@override_settings(SEARCH_URL=None)
class DatabasePhraseTranslationTests(PhraseTranslationBehaviour, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EnginePhraseTranslationTests(LiveEngineMixin, PhraseTranslationBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name


class DictionaryReadingTests(SimpleTestCase):
    """What is kept of a dictd entry: the translations of its senses, not its examples,
    notes, synonyms, cross-references or the definitions in the source language."""

    def test_german_english_entry(self):
        entry = (
            "warten /vˈaɾtən/ <v, intr>\n"
            "wait <v>\n"
            "         Note: for; until\n"
            '      "jdn. warten lassen"  - keep sb. waiting\n'
            " see: {wartend}, {gewartet}\n"
        )
        self.assertEqual(entry_translations(entry), ["wait"])

    def test_labelled_sense_and_long_explanations(self):
        entry = (
            "grenzüberschreitend /x/ <adj>\n"
            " [pol.] cross-border <adj>, transfrontier <adj>, relating to more than one state\n"
        )
        self.assertEqual(entry_translations(entry), ["cross-border", "transfrontier"])

    def test_numbered_senses_without_their_definitions(self):
        entry = (
            "Wahl /vaːl/ <n, fem>\n"
            "1. choix, élection\n"
            "Entscheidung zwischen zwei oder mehreren Möglichkeiten\n"
            "2. scrutin 2.\n"
            "das Abstimmen darüber, wer bestimmte Ämter besetzen darf\n"
        )
        self.assertEqual(entry_translations(entry), ["choix", "élection", "scrutin"])


class PivotTests(SimpleTestCase):
    """Translations through the third language fill only what a pair lacks, and only
    through a word whose most attested translations back include the word translated."""

    def test_a_word_the_pair_lacks_goes_through_the_third_language(self):
        tallies = {
            ("fr", "norme", "de"): {"norm": 2},
            ("de", "norm", "fr"): {"norme": 2},
            ("de", "norm", "en"): {"standard": 2, "norm": 1},
        }
        pivot_translations(tallies)
        self.assertEqual(tallies[("fr", "norme", "en")], {"standard": 1})

    def test_through_a_word_whose_most_attested_translations_back_include_it(self):
        tallies = {
            ("en", "rarely", "de"): {"selten": 2},
            ("de", "selten", "en"): {"infrequent": 2, "rarely": 2, "seldom": 2},
            ("de", "selten", "fr"): {"rare": 3, "rarement": 2},
        }
        pivot_translations(tallies)
        self.assertEqual(tallies[("en", "rarely", "fr")], {"rare": 1})

    def test_what_a_pair_gives_is_kept_as_it_is(self):
        tallies = {
            ("fr", "maison", "en"): {"house": 3},
            ("fr", "maison", "de"): {"haus": 2},
            ("de", "haus", "fr"): {"maison": 2},
            ("de", "haus", "en"): {"building": 1},
        }
        pivot_translations(tallies)
        self.assertEqual(tallies[("fr", "maison", "en")], {"house": 3})

    def test_not_through_a_word_that_means_something_else_first(self):
        tallies = {
            ("fr", "chute", "de"): {"fall": 1},
            ("de", "fall", "fr"): {"cas": 3, "chute": 1},
            ("de", "fall", "en"): {"case": 3},
        }
        pivot_translations(tallies)
        self.assertNotIn(("fr", "chute", "en"), tallies)


class LemmaTranslationTests(SimpleTestCase):
    """An inflected headword takes its lemma's translations into a language its own
    entries lack, and only there."""

    inflections = {"de": {"bedroht": "bedrohen"}, "en": {}, "fr": {}}

    def test_a_language_the_headword_lacks_comes_from_its_lemma(self):
        tallies = {
            ("de", "bedroht", "en"): {"threatened": 2},
            ("de", "bedrohen", "fr"): {"menacer": 2, "intimider": 1},
        }
        lemma_translations(tallies, self.inflections)
        self.assertEqual(tallies[("de", "bedroht", "fr")], {"menacer": 2, "intimider": 1})

    def test_what_the_headword_has_is_kept_as_it_is(self):
        tallies = {
            ("de", "bedroht", "fr"): {"menacé": 1},
            ("de", "bedrohen", "fr"): {"menacer": 2},
        }
        lemma_translations(tallies, self.inflections)
        self.assertEqual(tallies[("de", "bedroht", "fr")], {"menacé": 1})


class TranslationClauseTests(TestCase):
    """The engine's clause: one synonym set per word, its best translation counting, in
    the target language's fields, below the words typed and never required. (A TestCase:
    the whole text query reads the vocabulary's terms from the database.)"""

    def test_one_set_per_word_in_the_target_language_fields(self):
        word = WordTranslations(word="warten", translations={"en": ("wait", "hold")})
        (clause,) = translation_queries([word])
        body = clause.to_dict()["dis_max"]
        self.assertEqual(body["boost"], TRANSLATION_WEIGHT)
        self.assertEqual([q["multi_match"]["query"] for q in body["queries"]], ["wait", "hold"])
        for query in body["queries"]:
            self.assertEqual(query["multi_match"]["analyzer"], "en")
            self.assertTrue(
                all(field.split("^")[0].endswith("_en") for field in query["multi_match"]["fields"])
            )

    def test_the_clause_is_one_of_the_words_never_required(self):
        word = WordTranslations(word="warten", translations={"en": ("wait",)})
        body = text_query("warten", "de", [word]).to_dict()["bool"]
        self.assertEqual(body["minimum_should_match"], 1)
        self.assertIn(translation_queries([word])[0].to_dict(), body["should"])
        self.assertNotIn("must", body)
