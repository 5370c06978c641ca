"""A translation group whose versions hold different values (a translation filed under one
more format than its original, another ideology): each value counts, once, the groups
with a version that holds it and meets the other facets' selections, on both backends."""

import pytest
from django.test import TestCase, override_settings

from entries.services import entry_upsert
from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import facet_counts, search_entries
from search.query import search_query_from_params
from tests.factories import entry_data
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load

GAMMA = {"id": "gamma", "name": "Gamma Exit", "country": "FR"}
ENTRIES = [
    {
        "id": "family-line",
        "title": "A telephone line for worried families",
        "summary": "Parents call counsellors about a son or daughter drawn in.",
        "body": "",
        "formats": ["helpline"],
        "ideologies": ["far-right"],
    },
    {
        "id": "family-line-fr",
        "language": "fr",
        "translation_of": "family-line",
        "title": "Une ligne d'écoute pour les familles inquiètes",
        "summary": "Les parents appellent des conseillers, aussi en vidéo.",
        "body": "",
        "formats": ["helpline", "video"],
        "ideologies": ["islamist"],
    },
    {
        "id": "video-talks",
        "title": "Talks on video with people who left",
        "summary": "Recorded conversations shown in schools.",
        "body": "",
        "formats": ["video"],
        "ideologies": ["islamist"],
    },
]


class GroupCountBehaviour:
    engine_name = ""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        for overrides in ENTRIES:
            data = entry_data(
                **{"domains": None, "countries": None, "organisation": GAMMA, **overrides}
            )
            entry_upsert(data=data)

    def counts(self, *, grouped=True, **selected) -> tuple[int, dict[str, dict[str, int]]]:
        query = search_query_from_params({name: [value] for name, value in selected.items()})
        results = search_entries(reader=ANONYMOUS, query=query, grouped=grouped)
        self.assertEqual(results.engine, self.engine_name)
        overview = facet_counts(reader=ANONYMOUS, query=query, grouped=grouped)
        self.assertEqual((overview.count, overview.facets), (results.count, results.facets))
        counted = {
            facet: {value.term: value.count for value in results.facets[facet] if value.count}
            for facet in ("formats", "ideologies")
        }
        return results.count, counted

    def test_each_value_counts_the_groups_with_a_version_holding_it(self):
        self.assertEqual(
            self.counts(),
            (
                2,
                {
                    "formats": {"helpline": 1, "video": 2},
                    "ideologies": {"far-right": 1, "islamist": 2},
                },
            ),
        )

    def test_every_version_counts_when_versions_are_not_grouped(self):
        self.assertEqual(
            self.counts(grouped=False),
            (
                3,
                {
                    "formats": {"helpline": 2, "video": 2},
                    "ideologies": {"far-right": 1, "islamist": 2},
                },
            ),
        )

    def test_a_value_counts_a_group_only_through_a_version_meeting_the_other_selections(self):
        # The French version is the group's only one filed under video, and it is not
        # filed under the far right: with that selection the group holds no video.
        count, counted = self.counts(ideologies="far-right")
        self.assertEqual(count, 1)
        self.assertEqual(counted["formats"], {"helpline": 1})
        # A facet's own selection does not narrow its counts.
        self.assertEqual(counted["ideologies"], {"far-right": 1, "islamist": 2})
        count, counted = self.counts(ideologies="islamist")
        self.assertEqual(count, 2)
        self.assertEqual(counted["formats"], {"helpline": 1, "video": 2})


@override_settings(SEARCH_URL=None)
class DatabaseGroupCountTests(GroupCountBehaviour, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineGroupCountTests(LiveEngineMixin, GroupCountBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name
