"""A briefing's figures are the search's counts: one behaviour, run on the live engine and
on the database fallback (as tests/search/test_behaviour.py does)."""

import pytest
from django.test import TestCase, override_settings

from briefings.selectors import briefing_of_search, entries_selected
from entries.visibility import ANONYMOUS, Reader
from portal.services import site_ensure
from search.api import facet_counts, search_query_from_params
from tests.briefings.corpus import MEMBERS, PUBLIC_GOOD, PUBLIC_GOOD_FR, corpus_create, key
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load

MEMBER_A = Reader(is_member=True, organisation_ids=frozenset({"org-a"}))
FILTER_SETS = (
    {},
    {"formats": ["chat"]},
    {"formats": ["video"], "assessment": ["less-good"]},
    {"q": ["chat"]},
    {"year_from": ["2017"]},
)


class BriefingFigures:
    engine_name = ""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        corpus_create()

    def test_figures_equal_the_search_counts_for_every_reader_and_filter_set(self):
        for reader in (ANONYMOUS, MEMBER_A):
            for params in FILTER_SETS:
                with self.subTest(reader=reader, params=params):
                    query = search_query_from_params(params)
                    briefing = briefing_of_search(reader=reader, query=query)
                    counts = facet_counts(reader=reader, query=query)
                    self.assertEqual(counts.engine, self.engine_name)
                    self.assertEqual(briefing.total, counts.count)
                    self.assertEqual(len(briefing.entries), counts.count)
                    figures = {figure.heading: dict(figure.values) for figure in briefing.figures}
                    for name, heading in (("assessment", "Assessment"), ("formats", "Format")):
                        expected = {
                            value.label: value.count for value in counts.facets[name] if value.count
                        }
                        self.assertEqual(figures.get(heading, {}), expected)

    def test_a_translation_group_is_listed_and_counted_once(self):
        briefing = briefing_of_search(
            reader=ANONYMOUS, query=search_query_from_params({"formats": ["chat"]})
        )
        ids = [entry.slug for entry in briefing.entries]
        self.assertEqual(len({PUBLIC_GOOD["id"], PUBLIC_GOOD_FR["id"]} & set(ids)), 1)
        self.assertEqual(briefing.total, 2)

    def test_members_entries_count_only_for_members(self):
        query = search_query_from_params({"formats": ["chat"]})
        anonymous = briefing_of_search(reader=ANONYMOUS, query=query)
        member = briefing_of_search(reader=MEMBER_A, query=query)
        self.assertEqual(member.total, anonymous.total + 1)
        self.assertNotIn(MEMBERS["id"], [entry.slug for entry in anonymous.entries])
        self.assertIn(MEMBERS["id"], [entry.slug for entry in member.entries])

    def test_a_selection_names_only_what_the_reader_may_see(self):
        keys = [key(PUBLIC_GOOD), key(MEMBERS), "org-a/../x"]
        selection = entries_selected(reader=ANONYMOUS, keys=keys)
        self.assertEqual([entry.slug for entry in selection.entries], [PUBLIC_GOOD["id"]])
        self.assertEqual(selection.unknown, keys[1:])


@override_settings(SEARCH_URL=None)
class DatabaseBriefingFigures(BriefingFigures, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineBriefingFigures(LiveEngineMixin, BriefingFigures, TestCase):
    engine_name = LiveEngineMixin.engine_name
