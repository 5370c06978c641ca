"""Changes to entries reach the index at once when the engine answers, and through the
durable queue when it does not; a rebuild swaps the alias without an empty moment."""

import pytest
from django.test import TestCase, override_settings

from entries.models import EntryPage
from entries.services import entry_upsert
from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import search_entries
from search.client import alias_name, engine_get
from search.indexing import index_rebuild
from search.models import PendingIndexUpdate
from search.query import SearchQuery
from search.queue import index_queue_process
from tests.factories import entry_data
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load

DEAD_ENGINE = "http://127.0.0.1:9"  # nothing listens on the discard port


class LifecycleData:
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        cls.entry, _ = entry_upsert(data=entry_data(id="first", title="Quokka chat counselling"))
        super().setUpTestData()

    def publish(self, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            entry, _ = entry_upsert(data=entry_data(**overrides))
        return entry

    def found(self, text: str) -> list[str]:
        results = search_entries(reader=ANONYMOUS, query=SearchQuery(text=text))
        return [hit.id for hit in results.results]


@override_settings(SEARCH_URL=DEAD_ENGINE, SEARCH_TIMEOUT=1)
class QueueWhileEngineDownTests(LifecycleData, TestCase):
    def test_publishing_queues_the_update_and_search_answers_from_the_database(self):
        entry = self.publish(id="second", title="Wombat helpline")
        self.assertTrue(PendingIndexUpdate.objects.filter(page_id=entry.pk).exists())
        self.assertGreaterEqual(PendingIndexUpdate.objects.get(page_id=entry.pk).attempts, 1)
        results = search_entries(reader=ANONYMOUS, query=SearchQuery(text="wombat"))
        self.assertEqual(
            (results.engine, [hit.id for hit in results.results]), ("database", ["second"])
        )

    def test_unpublishing_and_deleting_queue_the_update(self):
        PendingIndexUpdate.objects.all().delete()
        with self.captureOnCommitCallbacks(execute=True):
            self.entry.unpublish()
        self.assertTrue(PendingIndexUpdate.objects.filter(page_id=self.entry.pk).exists())
        PendingIndexUpdate.objects.all().delete()
        page_id = self.entry.pk
        with self.captureOnCommitCallbacks(execute=True):
            EntryPage.objects.get(pk=page_id).delete()
        self.assertTrue(PendingIndexUpdate.objects.filter(page_id=page_id).exists())

    def test_nothing_is_queued_without_an_engine(self):
        with override_settings(SEARCH_URL=None):
            entry = self.publish(id="third", title="Numbat")
        self.assertFalse(PendingIndexUpdate.objects.filter(page_id=entry.pk).exists())


@pytest.mark.engine
class IndexLifecycleEngineTests(LiveEngineMixin, LifecycleData, TestCase):
    def refresh(self):
        engine_get().refresh(alias_name())

    def test_publishing_reaches_the_index_at_once(self):
        self.publish(id="second", title="Wombat helpline")
        self.refresh()
        self.assertEqual(self.found("wombat"), ["second"])
        self.assertFalse(PendingIndexUpdate.objects.exists())

    def test_update_made_while_engine_was_down_is_applied_when_it_is_back(self):
        with override_settings(SEARCH_URL=DEAD_ENGINE, SEARCH_TIMEOUT=1):
            entry = self.publish(id="second", title="Wombat helpline")
        self.assertTrue(PendingIndexUpdate.objects.filter(page_id=entry.pk).exists())
        self.assertEqual(index_queue_process().remaining, 0)
        self.refresh()
        self.assertEqual(self.found("wombat"), ["second"])

    def test_visibility_change_and_deletion_reach_the_index(self):
        self.publish(id="first", title="Quokka chat counselling", visibility="members")
        self.refresh()
        self.assertEqual(self.found("quokka"), [])
        self.publish(id="first", title="Quokka chat counselling", visibility="public")
        self.refresh()
        self.assertEqual(self.found("quokka"), ["first"])
        with self.captureOnCommitCallbacks(execute=True):
            EntryPage.objects.get(pk=self.entry.pk).delete()
        self.refresh()
        self.assertEqual(self.found("quokka"), [])

    def test_rebuild_swaps_the_alias_and_drops_the_old_index(self):
        engine = engine_get()
        before = engine.alias_targets(alias_name())
        report = index_rebuild()
        self.assertEqual(engine.alias_targets(alias_name()), [report.index])
        self.assertEqual(report.removed, before)
        self.assertEqual(engine.indices_matching(f"{alias_name()}-*"), [report.index])
        self.assertEqual(self.found("quokka"), ["first"])
