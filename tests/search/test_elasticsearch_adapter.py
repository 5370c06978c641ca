"""The Elasticsearch adapter (search.engine_adapters.ElasticsearchEngine) driven against a
real engine, through the portal's own code: rebuild, incremental updates, searches, counts,
did-you-mean, autocomplete, related entries, and how failures are reported.

This is NOT a test against real Elasticsearch. No Elasticsearch server can run here, so
elasticsearch-py talks to the OpenSearch node of the other engine tests (SEARCH_TEST_URL)
through tests/search/es_proxy.py, which only rewrites the headers elasticsearch-py 8 insists
on. What runs for real is the adapter: elasticsearch-py's requests, parameters,
serialisation and error classes, and the adapter's mapping of them. Where Elasticsearch and
OpenSearch differ (analysis, suggesters, settings), these tests cannot tell.
"""

import pytest
from django.test import TestCase, override_settings

from entries.models import EntryPage
from entries.services import entry_upsert
from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import autocomplete, related_entries, search_entries
from search.client import alias_name, engine_get
from search.documents import index_mappings
from search.engine_adapters import EngineError, EngineUnavailable, node_urls
from search.indexing import index_rebuild
from search.query import SearchQuery
from search.queue import entry_index_update
from tests.factories import entry_data
from tests.search.corpus import ENTRIES, PUBLIC_IDS, corpus_create
from tests.search.es_proxy import ElasticsearchProxy
from tests.search.live import ENGINE_NAME, ENGINE_URL, LiveEngineMixin
from tests.search.test_behaviour import SearchBehaviour
from vocabulary.services import vocabulary_load


class ProxiedElasticsearchMixin(LiveEngineMixin):
    """For django TestCase classes: the portal uses SEARCH_ENGINE="elasticsearch" through the
    proxy in front of the live engine; the proxy stops after the class."""

    engine_name = "elasticsearch"
    index_prefix = "estest"

    @classmethod
    def engine_connect(cls) -> str:
        cls.proxy = ElasticsearchProxy(node_urls(ENGINE_URL)[0]).start()
        return cls.proxy.url

    @classmethod
    def engine_disconnect(cls) -> None:
        cls.proxy.stop()


@pytest.mark.engine
class ElasticsearchAdapterBehaviourTests(ProxiedElasticsearchMixin, SearchBehaviour, TestCase):
    """The whole search behaviour suite, answered by the Elasticsearch adapter: every search
    is one _msearch, did-you-mean a search, and each result says engine="elasticsearch"."""


@pytest.mark.engine
class ElasticsearchAdapterTests(ProxiedElasticsearchMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        corpus_create()
        super().setUpTestData()

    def setUp(self):
        self.engine = engine_get()
        self.assertEqual(self.engine.name, "elasticsearch")

    def search(self, text: str = ""):
        results = search_entries(reader=ANONYMOUS, query=SearchQuery(text=text, page_size=50))
        self.assertEqual(results.engine, "elasticsearch")
        return results

    def found(self, text: str) -> list[str]:
        return [hit.id for hit in self.search(text).results]

    # Rebuild: create_index, bulk, put_settings, refresh, alias_targets, update_aliases,
    # indices_matching, delete_index.

    def test_rebuild_fills_a_new_index_and_swaps_the_alias(self):
        alias = alias_name()
        before = self.engine.alias_targets(alias)
        self.assertEqual(len(before), 1)
        report = index_rebuild(chunk_size=3)  # several bulk requests, two in flight
        self.assertEqual(report.count, len(ENTRIES))  # every live entry, hidden ones too
        self.assertEqual(report.removed, before)
        self.assertEqual(self.engine.alias_targets(alias), [report.index])
        self.assertEqual(self.engine.indices_matching(f"{alias}-*"), [report.index])
        results = self.search()
        self.assertEqual({hit.id for hit in results.results}, PUBLIC_IDS)
        self.assertEqual(results.count, len(PUBLIC_IDS))

    def test_live_settings_are_back_after_the_rebuild(self):
        index = self.engine.alias_targets(alias_name())[0]
        answer = self.engine.client.indices.get_settings(index=index, flat_settings=True)
        settings = answer.body[index]["settings"]
        self.assertEqual(settings["index.auto_expand_replicas"], "0-1")
        self.assertEqual(settings["index.translog.durability"], "request")
        self.assertNotIn("index.refresh_interval", settings)

    def test_the_index_maps_every_field_of_the_portals_mapping(self):
        # What the drift check compares to find an index older than the portal's mapping.
        fields = self.engine.mapped_fields(alias_name())
        self.assertEqual(fields, set(index_mappings()["properties"]))

    def test_nothing_matches_an_unknown_prefix(self):
        self.assertEqual(self.engine.alias_targets(f"{alias_name()}-nothing"), [])
        self.assertEqual(self.engine.indices_matching(f"{alias_name()}-nothing-*"), [])
        self.engine.delete_index(f"{alias_name()}-nothing")  # a missing index is no error

    # Searches: search, msearch.

    def test_search_finds_and_counts(self):
        results = self.search("anonymous chat counselling")
        self.assertEqual(results.results[0].id, "chat-anon")
        self.assertEqual(results.count, len(results.results))
        formats = {value.term: value.count for value in results.facets["formats"]}
        self.assertEqual(formats["chat"], 1)

    def test_did_you_mean_when_nothing_is_found(self):
        # Two edits in the first letters of each word: beyond typo tolerance.
        results = self.search("aninimous cahtt")
        self.assertEqual(results.count, 0)
        self.assertEqual(results.did_you_mean, "anonymous chat")
        self.assertIn("chat-anon", self.found(results.did_you_mean))

    def test_autocomplete(self):
        completions = autocomplete(reader=ANONYMOUS, prefix="consult")
        self.assertEqual(
            [c.text for c in completions if c.kind == "entry"],
            ["A consultation line for worried teachers"],
        )

    def test_related_entries(self):
        entry = EntryPage.objects.get(slug="chat-anon")
        related = [hit.id for hit in related_entries(reader=ANONYMOUS, entry=entry, size=20)]
        self.assertTrue(related)
        self.assertNotIn("chat-anon", related)
        self.assertLessEqual(set(related), PUBLIC_IDS)

    # One entry at a time: index_document, delete_document.

    def test_one_entry_is_indexed_then_deleted(self):
        entry, _ = entry_upsert(data=entry_data(id="numbat", title="Numbat peer mentoring"))
        self.assertEqual(entry_index_update(entry.pk), "indexed")
        self.engine.refresh(alias_name())
        self.assertEqual(self.found("numbat"), ["numbat"])

        entry.unpublish()
        self.assertEqual(entry_index_update(entry.pk), "deleted")
        self.engine.refresh(alias_name())
        self.assertEqual(self.found("numbat"), [])
        # Deleting a document the index never had is no error.
        self.assertEqual(entry_index_update(entry.pk), "deleted")

    def test_bulk_reports_refused_documents(self):
        index = self.engine.alias_targets(alias_name())[0]
        answer = self.engine.bulk(
            [
                {"index": {"_index": index, "_id": "bad"}},
                {"page_id": "not a number"},
            ],
            refresh=True,
        )
        self.assertTrue(answer["errors"])
        self.assertEqual(answer["items"][0]["index"]["_id"], "bad")
        self.assertIn("page_id", answer["items"][0]["index"]["error"]["reason"])

    # Failures: the same exceptions as the OpenSearch adapter.

    def test_a_refused_request_is_an_engine_error(self):
        bad = {"query": {"no_such_query": {}}}
        with self.assertRaises(EngineError):
            self.engine.search(alias_name(), bad)
        with self.assertRaises(EngineError):
            self.engine.msearch(alias_name(), [{"size": 0}, bad])

    def test_a_missing_index_is_unavailable(self):
        missing = f"{alias_name()}-missing"
        with self.assertRaises(EngineUnavailable):
            self.engine.search(missing, {"size": 0})
        with self.assertRaises(EngineUnavailable):
            self.engine.msearch(missing, [{"size": 0}])

    def test_a_dead_node_is_unavailable_and_the_database_answers(self):
        with override_settings(SEARCH_URL="http://127.0.0.1:9", SEARCH_TIMEOUT=1):
            engine = engine_get(even_if_down=True)
            self.assertFalse(engine.ping())
            with self.assertRaises(EngineUnavailable):
                engine.search(alias_name(), {"size": 0})
            results = search_entries(reader=ANONYMOUS, query=SearchQuery(text="hotline"))
            self.assertEqual(results.engine, "database")
        self.assertTrue(self.engine.ping())

    def test_without_the_proxy_opensearch_is_refused_as_not_elasticsearch(self):
        # Why the proxy exists: OpenSearch refuses elasticsearch-py's media type (406).
        # A misconfigured SEARCH_ENGINE is an error, not an engine that is down.
        if ENGINE_NAME != "opensearch":
            self.skipTest("SEARCH_TEST_URL is not an OpenSearch node")
        with override_settings(SEARCH_URL=ENGINE_URL), self.assertRaisesMessage(EngineError, "406"):
            engine_get(even_if_down=True).search(alias_name(), {"size": 0})
