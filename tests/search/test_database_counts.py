"""The database search's facet counts cost a fixed number of queries (issue #14, item 6):
one grouped query per facet family, however many terms the collection holds or the search
selects, never one per term."""

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import search_entries, search_query_from_params
from tests.search.corpus import corpus_create
from vocabulary.facets import FACETS
from vocabulary.services import vocabulary_load

ONE_EACH = {
    "approaches": ["redirect-method"],
    "target_groups": ["families"],
    "platforms": ["facebook"],
    "domains": ["education"],
}
SEVERAL_EACH = {
    "approaches": ["redirect-method", "one-to-one-intervention", "referral"],
    "target_groups": ["families", "leavers", "practitioners", "anonymity-seekers"],
    "platforms": ["facebook", "telegram"],
    "domains": ["education", "deradicalisation", "family-support"],
}


@override_settings(SEARCH_URL=None)
class DatabaseCountQueriesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        corpus_create()

    def setUp(self):
        # The vocabulary and the dictionaries are read once a process: not counted here.
        self.reads(q="family")

    def reads(self, **params) -> int:
        query = search_query_from_params(
            {key: value if isinstance(value, list) else [value] for key, value in params.items()}
        )
        with CaptureQueriesContext(connection) as captured:
            results = search_entries(reader=ANONYMOUS, query=query, grouped=True)
        self.assertEqual(results.engine, "database")
        # The reads, not a transaction's savepoints and settings (PostgreSQL's scan).
        return sum(1 for query in captured if query["sql"].lstrip().startswith("SELECT"))

    def test_more_terms_selected_cost_no_more_queries(self):
        for words in ({}, {"q": "family"}):
            with self.subTest(**words):
                self.assertEqual(
                    self.reads(**words, **SEVERAL_EACH), self.reads(**words, **ONE_EACH)
                )

    def test_a_search_costs_about_one_query_per_facet_not_per_term(self):
        # The words' scan (the text and the tags, and the links of the terms the words
        # name, one read per facet family), the hits, their page and their other
        # versions, then one grouped count per facet family: not one read per term.
        bound = 2 * len(FACETS) + 10
        for params in ({}, {"q": "family"}, {"q": "family", **SEVERAL_EACH}):
            with self.subTest(**params):
                self.assertLessEqual(self.reads(**params), bound)
