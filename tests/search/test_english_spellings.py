"""British and American spellings, on both engines: a word spelt one way finds the entry
that spells it the other way as the word itself, ahead of entries that only share its
first letters (where the two spellings met before, weighed as body text)."""

import pytest
from django.test import SimpleTestCase, TestCase, override_settings

from search.words import english_spellings
from tests.search.live import LiveEngineMixin
from tests.search.wording import WordingBehaviour

ORG = {"id": "harbour", "name": "Harbour Line", "country": "IE"}

ENTRIES = [
    {
        "id": "recognised",
        "title": "Sessions for clients afraid of being recognised",
        "summary": "Voice only, no video.",
        "body": "The line keeps no numbers.",
    },
    {
        # "recog" of "recognized" twice, the word in neither spelling.
        "id": "recognition",
        "title": "Recognition of volunteers",
        "summary": "Recognition matters to volunteers who stay.",
        "body": "A yearly evening for the team.",
    },
    {
        "id": "counselor",
        "title": "What a counselor answers first",
        "summary": "One reply within a day.",
        "body": "Written by the duty team.",
    },
    {
        # "couns" of "counsellor" twice, the word in neither spelling.
        "id": "counsel",
        "title": "Counsel for families",
        "summary": "Legal counsel when a relative is charged.",
        "body": "Given by partner lawyers.",
    },
] + [
    {
        "id": f"outreach-{number}",
        "title": f"Outreach project {number}",
        "summary": "Young people are contacted online.",
        "body": f"The project ran for {number} years.",
    }
    for number in range(1, 7)
]


class SpellingBehaviour(WordingBehaviour):
    organisation = ORG
    entries = ENTRIES

    def test_the_american_spelling_finds_the_british_first(self):
        self.assertEqual(self.ids("recognized")[0], "recognised")

    def test_the_british_spelling_finds_the_american_first(self):
        self.assertEqual(self.ids("counsellor")[0], "counselor")


@override_settings(SEARCH_URL=None)
class DatabaseSpellingTests(SpellingBehaviour, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineSpellingTests(LiveEngineMixin, SpellingBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name


class SpellingRuleTests(SimpleTestCase):
    def test_each_rule_both_ways(self):
        for british, american in (
            ("organisation", "organization"),
            ("analysed", "analyzed"),
            ("behaviour", "behavior"),
            ("centre", "center"),
            ("defence", "defense"),
            ("dialogue", "dialog"),
            ("counselling", "counseling"),
            ("programmes", "programs"),
        ):
            with self.subTest(british):
                self.assertIn(american, english_spellings(british))

    def test_words_spelt_one_way_have_no_other_spelling(self):
        for word in ("raise", "crisis", "analysis", "revealed", "hours", "your", "feeling"):
            with self.subTest(word):
                self.assertEqual(english_spellings(word), set())
