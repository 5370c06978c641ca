"""The index drifts from the database (a document lost, one saying something else, one of
an entry that is gone): the check finds each, the repair fixes exactly those, no rebuild."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from entries.models import EntryPage
from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import search_entries
from search.client import alias_name, engine_get
from search.drift import index_drift_check
from search.entry_documents import entry_document
from search.models import PendingIndexUpdate
from search.query import SearchQuery
from tests.search.corpus import corpus_create
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load


@pytest.mark.engine
class DriftTests(LiveEngineMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        corpus_create()
        super().setUpTestData()  # builds the index
        # The updates queued by corpus_create are in it (inside a test's transaction they
        # would wait for a commit that never comes, and the check leaves queued entries
        # to the queue).
        PendingIndexUpdate.objects.all().delete()

    def setUp(self):
        # The index outlives each test's rolled-back database: bring it back in line with
        # the database as the test starts.
        index_drift_check(repair=True)
        engine_get().refresh(engine_get().alias_targets(alias_name())[0])

    def ids(self, text: str) -> list[str]:
        return [
            hit.id for hit in search_entries(reader=ANONYMOUS, query=SearchQuery(text=text)).results
        ]

    def plant_drift(self) -> tuple[EntryPage, EntryPage]:
        """A lost document, a stale one (the database changed behind the index's back, as a
        crash between the two would leave it), and one of an entry that is gone."""
        engine, alias = engine_get(), alias_name()
        lost = EntryPage.objects.get(slug="chat-anon")
        engine.delete_document(alias, str(lost.pk))
        stale = EntryPage.objects.get(slug="consultation-line")
        extra = {**entry_document(stale), "page_id": 987654, "id": "gone-entry"}
        engine.index_document(alias, "987654", extra)
        EntryPage.objects.filter(pk=stale.pk).update(title="A line for worried gardeners")
        engine.refresh(engine.alias_targets(alias)[0])
        return lost, stale

    def test_a_clean_index_has_no_drift(self):
        report = index_drift_check()
        self.assertTrue(report.clean, report.summary())
        self.assertEqual(report.checked, EntryPage.objects.live().count())

    def test_drift_is_found_and_repaired_exactly(self):
        lost, stale = self.plant_drift()
        index = engine_get().alias_targets(alias_name())
        report = index_drift_check()
        self.assertEqual(report.missing, [lost.pk])
        self.assertEqual(report.stale, [stale.pk])
        self.assertEqual(report.extra, ["987654"])
        # What a searcher sees of it: the lost entry not found, the stale one not under
        # its new title.
        self.assertNotIn("chat-anon", self.ids("anonymous chat"))
        self.assertNotIn("consultation-line", self.ids("gardeners"))

        repaired = index_drift_check(repair=True)
        self.assertEqual((repaired.missing, repaired.stale), ([lost.pk], [stale.pk]))
        engine_get().refresh(index[0])
        self.assertTrue(index_drift_check().clean)
        self.assertIn("chat-anon", self.ids("anonymous chat"))
        self.assertIn("consultation-line", self.ids("gardeners"))
        # Repaired in place: the same index, no rebuild.
        self.assertEqual(engine_get().alias_targets(alias_name()), index)

    def test_the_command_fails_on_drift_and_repairs_with_the_flag(self):
        self.plant_drift()
        output = io.StringIO()
        with self.assertRaisesMessage(CommandError, "the index has drifted"):
            call_command("check_search_index", stdout=output)
        self.assertIn("found: 1 missing, 1 stale, 1 extra documents", output.getvalue())
        call_command("check_search_index", "--repair", stdout=output)
        self.assertIn("repaired: 1 missing, 1 stale, 1 extra documents", output.getvalue())
        engine_get().refresh(engine_get().alias_targets(alias_name())[0])
        call_command("check_search_index", stdout=output)
        self.assertIn("found: 0 missing, 0 stale, 0 extra documents", output.getvalue())
