"""Peer review is a facet like the others (peer_reviewed=yes|no): it filters and is counted
in the search, the search page's sidebar, the API and the feed, on the engine and on the
database; a review given or withdrawn moves its entry from one value to the other."""

import io
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from entries.models import EntryPage, PeerReview
from entries.reviews import peer_review_record
from entries.visibility import ANONYMOUS, Reader
from organisations.services import membership_set
from portal.services import site_ensure
from search.api import search_entries, search_query_from_params
from search.client import alias_name, engine_get
from search.documents import DIGEST_FIELD, index_mappings
from search.drift import index_drift_check
from search.entry_documents import document_digest, entry_document
from search.models import PendingIndexUpdate
from tests.search.corpus import PUBLIC_IDS, corpus_create
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load

BETA_STAFF = Reader(is_member=True, organisation_ids=frozenset({"beta"}))
# Reviewed by a member of gamma: one public entry, one that only beta's members may read.
REVIEWED_PUBLIC = "chat-anon"
REVIEWED_HIDDEN = "beta-internal"


class PeerReviewedFacet:
    engine_name = ""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        corpus_create()
        cls.reviewer = membership_set(
            username="gamma-reviewer", organisation_id="gamma", role="member"
        ).user
        for slug in (REVIEWED_PUBLIC, REVIEWED_HIDDEN):
            cls.review(slug)

    @classmethod
    def review(cls, slug: str) -> PeerReview:
        return peer_review_record(
            user=cls.reviewer,
            entry=EntryPage.objects.get(slug=slug),
            voice="gamma",
            verdict="Read with care; well evaluated.",
        )

    def search(self, reader=ANONYMOUS, **params):
        query = search_query_from_params(
            {key: value if isinstance(value, list) else [value] for key, value in params.items()}
        )
        results = search_entries(reader=reader, query=query)
        self.assertEqual(results.engine, self.engine_name)
        return results

    def ids(self, reader=ANONYMOUS, **params) -> set[str]:
        return {hit.id for hit in self.search(reader, **params).results}

    def counts(self, results, facet="peer_reviewed") -> dict[str, int]:
        return {value.term: value.count for value in results.facets[facet]}

    def test_yes_finds_the_reviewed_entries_and_no_the_others(self):
        self.assertEqual(self.ids(peer_reviewed="yes"), {REVIEWED_PUBLIC})
        self.assertEqual(self.ids(peer_reviewed="no"), PUBLIC_IDS - {REVIEWED_PUBLIC})
        self.assertEqual(self.ids(peer_reviewed=["yes", "no"]), PUBLIC_IDS)
        # With the other facets: AND across facets.
        self.assertEqual(self.ids(peer_reviewed="yes", countries="DE"), {REVIEWED_PUBLIC})
        self.assertEqual(self.ids(peer_reviewed="yes", countries="GB"), set())

    def test_counted_with_labels_as_every_facet_and_disjunctively(self):
        results = self.search()
        self.assertEqual(self.counts(results), {"yes": 1, "no": len(PUBLIC_IDS) - 1})
        labels = {value.term: value.label for value in results.facets["peer_reviewed"]}
        self.assertEqual(labels, {"yes": "Peer reviewed", "no": "Not peer reviewed"})
        selected = self.search(peer_reviewed="yes")
        # Its own counts say what widening would give; the others count the reviewed only.
        self.assertEqual(self.counts(selected), {"yes": 1, "no": len(PUBLIC_IDS) - 1})
        self.assertEqual(self.counts(selected, "organisation"), {"alpha": 1})
        # Another facet's selection narrows its counts.
        self.assertEqual(self.counts(self.search(organisation="alpha")), {"yes": 1, "no": 1})

    def test_a_reviewed_entry_the_reader_may_not_see_is_not_counted(self):
        self.assertEqual(self.counts(self.search())["yes"], 1)
        beta = self.search(BETA_STAFF)
        self.assertEqual(self.counts(beta)["yes"], 2)
        self.assertIn(REVIEWED_HIDDEN, self.ids(BETA_STAFF, peer_reviewed="yes"))
        self.assertNotIn(REVIEWED_HIDDEN, self.ids(peer_reviewed="yes"))

    def test_a_value_that_names_nothing_matches_nothing(self):
        self.assertEqual(self.search(peer_reviewed="maybe").count, 0)
        page = self.client.get("/en/search/", {"peer_reviewed": "maybe"}).content.decode()
        self.assertIn("1 filter was not recognised and was ignored: Peer review “maybe”", page)

    def test_the_search_page_shows_the_facet_with_its_counts_in_each_language(self):
        for language, heading, yes, no in (
            ("en", "Peer review", "Peer reviewed", "Not peer reviewed"),
            ("fr", "Évaluation par les pairs", "Évalué par les pairs", "Non évalué par les pairs"),
            ("de", "Peer-Review", "Kollegial begutachtet", "Nicht kollegial begutachtet"),
        ):
            with self.subTest(language):
                page = self.client.get(f"/{language}/search/").content.decode()
                self.assertIn(f"<summary>{heading}</summary>", page)
                self.assertInHTML(
                    '<label><input type="checkbox" name="peer_reviewed" value="yes"> '
                    f'{yes} <span class="count">1</span></label>',
                    page,
                )
                self.assertInHTML(
                    '<label><input type="checkbox" name="peer_reviewed" value="no"> '
                    f'{no} <span class="count">{len(PUBLIC_IDS) - 1}</span></label>',
                    page,
                )
        page = self.client.get("/en/search/", {"peer_reviewed": "yes"}).content.decode()
        self.assertIn("1 result", page)
        self.assertIn('aria-label="Remove filter Peer review: Peer reviewed"', page)

    def test_the_api_filters_on_it_and_counts_it(self):
        answer = self.client.get("/api/v1/search/", {"peer_reviewed": "yes"}).json()
        self.assertEqual([hit["id"] for hit in answer["results"]], [REVIEWED_PUBLIC])
        self.assertEqual(
            answer["facets"]["peer_reviewed"],
            [
                {"term": "no", "label": "Not peer reviewed", "count": 6, "selected": False},
                {"term": "yes", "label": "Peer reviewed", "count": 1, "selected": True},
            ],
        )
        # A caller that does not know the facet gets what it got before, and one more key.
        everything = self.client.get("/api/v1/search/").json()
        self.assertEqual(everything["count"], len(PUBLIC_IDS))

    def test_the_feed_filters_on_it(self):
        reviewed = self.client.get("/en/search/feed/", {"peer_reviewed": "yes"}).content.decode()
        self.assertEqual(reviewed.count("<entry>"), 1)
        self.assertIn("Anonymous chat counselling", reviewed)
        others = self.client.get("/en/search/feed/", {"peer_reviewed": "no"}).content.decode()
        self.assertEqual(others.count("<entry>"), len(PUBLIC_IDS) - 1)
        self.assertNotIn("Anonymous chat counselling", others)

    def test_the_lists_and_the_export_keep_filtering_on_it(self):
        page = self.client.get("/en/entries/", {"peer_reviewed": "yes"}).content.decode()
        self.assertIn("Anonymous chat counselling", page)
        self.assertNotIn("A consultation line for worried teachers", page)
        lines = self.client.get("/api/v1/entries.jsonl", {"peer_reviewed": "no"})
        exported = b"".join(lines.streaming_content).decode()
        self.assertEqual(exported.count("\n"), len(PUBLIC_IDS) - 1)
        self.assertNotIn('"id": "chat-anon"', exported)


@override_settings(SEARCH_URL=None)
class DatabasePeerReviewedTests(PeerReviewedFacet, TestCase):
    engine_name = "database"

    def test_a_review_given_or_withdrawn_moves_the_entry(self):
        review = self.review("video-de")
        self.assertEqual(self.ids(peer_reviewed="yes"), {REVIEWED_PUBLIC, "video-de"})
        review.delete()
        self.assertEqual(self.ids(peer_reviewed="yes"), {REVIEWED_PUBLIC})


@pytest.mark.engine
class EnginePeerReviewedTests(LiveEngineMixin, PeerReviewedFacet, TestCase):
    engine_name = LiveEngineMixin.engine_name

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()  # builds the index
        # Applied by the rebuild; inside the tests' transaction they would wait for a commit.
        PendingIndexUpdate.objects.all().delete()

    def setUp(self):
        # The index outlives each test's rolled-back database: back in line with it.
        index_drift_check(repair=True)
        self.refresh()

    def refresh(self):
        engine_get().refresh(engine_get().alias_targets(alias_name())[0])

    def test_every_document_says_whether_its_entry_is_peer_reviewed(self):
        for entry in EntryPage.objects.live():
            with self.subTest(entry.slug):
                expected = "yes" if entry.slug in (REVIEWED_PUBLIC, REVIEWED_HIDDEN) else "no"
                document = entry_document(entry)
                self.assertEqual(document["peer_reviewed"], expected)
                self.assertIn(f"peer_reviewed:{expected}", document["facets"])

    def test_a_review_given_or_withdrawn_reindexes_the_entry(self):
        with self.captureOnCommitCallbacks(execute=True):
            review = self.review("video-de")
        self.refresh()
        self.assertEqual(self.ids(peer_reviewed="yes"), {REVIEWED_PUBLIC, "video-de"})
        with self.captureOnCommitCallbacks(execute=True):
            review.delete()
        self.refresh()
        self.assertEqual(self.ids(peer_reviewed="yes"), {REVIEWED_PUBLIC})
        self.assertFalse(PendingIndexUpdate.objects.exists())

    def test_documents_indexed_before_the_facet_are_found_stale(self):
        # A document as the index held it before peer review was a facet.
        entry = EntryPage.objects.get(slug=REVIEWED_PUBLIC)
        old = entry_document(entry)
        del old["peer_reviewed"]
        old["facets"] = [value for value in old["facets"] if not value.startswith("peer_")]
        old[DIGEST_FIELD] = document_digest(old)
        engine_get().index_document(alias_name(), str(entry.pk), old)
        self.refresh()
        self.assertEqual(self.ids(peer_reviewed="yes"), set())
        report = index_drift_check()
        self.assertEqual(report.stale, [entry.pk])
        index_drift_check(repair=True)
        self.refresh()
        self.assertEqual(self.ids(peer_reviewed="yes"), {REVIEWED_PUBLIC})

    def test_an_index_without_a_field_of_the_mapping_asks_for_a_rebuild(self):
        self.assertEqual(index_drift_check().unmapped, [])
        # The portal's mapping as a later version might have it, one field more than the
        # index was built with: re-indexing documents would not make that field searchable.
        mappings = index_mappings()
        mappings["properties"]["new_facet"] = {"type": "keyword"}
        with mock.patch("search.drift.index_mappings", return_value=mappings):
            report = index_drift_check(repair=True)
            self.assertEqual(report.unmapped, ["new_facet"])
            self.assertFalse(report.clean)
            output = io.StringIO()
            with self.assertRaisesMessage(CommandError, "mapping is out of date"):
                call_command("check_search_index", "--repair", stdout=output)
        self.assertIn(
            "the index does not map new_facet, which this version of the portal searches: "
            "rebuild it (manage.py rebuild_search_index)",
            output.getvalue(),
        )
