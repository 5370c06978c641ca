"""A rebuild warms its new index up with the portal's typical searches before the alias
points at it: the first readers after a rebuild do not pay for its cold caches."""

import pytest
from django.test import TestCase

from entries.services import entry_upsert
from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import search_entries
from search.client import alias_name, engine_get
from search.indexing import index_rebuild
from search.query import SearchQuery
from search.warmup import warm_up_bodies
from tests.factories import entry_data
from tests.search.live import ENGINE_NAME, LiveEngineMixin
from vocabulary.services import vocabulary_load


def searches_run(index: str) -> int:
    """The engine's own count of searches (query phases) on the index, from _stats."""
    answer = engine_get().client.indices.stats(index=index, metric="search")
    answer = getattr(answer, "body", answer)
    return answer["indices"][index]["total"]["search"]["query_total"]


@pytest.mark.engine
class RebuildWarmUpTests(LiveEngineMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        entry_upsert(data=entry_data(id="first", title="Quokka exit chat counselling"))
        super().setUpTestData()

    def test_the_new_index_was_searched_before_the_alias_pointed_at_it(self):
        report = index_rebuild()
        self.assertEqual(engine_get().alias_targets(alias_name()), [report.index])
        self.assertEqual(report.warm_up_searches, len(warm_up_bodies()))
        # Nobody has searched through the alias yet: these are the warm-up's.
        self.assertGreaterEqual(searches_run(report.index), report.warm_up_searches)
        found = search_entries(reader=ANONYMOUS, query=SearchQuery(text="quokka"))
        self.assertEqual(
            (found.engine, [hit.id for hit in found.results]), (ENGINE_NAME, ["first"])
        )
