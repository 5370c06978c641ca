"""What a search costs the portal besides the engine's work (issue #14, item 2): what it keeps
between requests must not change what it asks the engine or answers, and an anonymous
search reads nothing from the database once the process has what it keeps."""

import difflib
import random
from unittest import mock

import pytest
from django.test import TestCase

from portal.services import site_ensure
from search import queue
from search.dictionaries import dictionary
from search.matching import TYPO_CUTOFF, Vocabulary
from tests.search.corpus import corpus_create
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load


def _typos(words: list[str], rng: random.Random) -> list[str]:
    """A letter dropped, two letters swapped, a letter doubled: the bench's typos, and
    more."""
    typos = []
    for word in words:
        at = rng.randrange(1, len(word) - 1)
        typos += [
            word[:at] + word[at + 1 :],
            word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :],
            word[:at] + word[at] + word[at:],
        ]
    return typos


@pytest.mark.usefixtures("portal_db")
def test_a_typo_is_corrected_to_the_word_that_comparing_every_word_finds():
    vocabulary = Vocabulary.load()
    rng = random.Random(14)
    words = sorted(word for word in vocabulary.words if len(word) >= 5)
    asked = [*_typos(rng.sample(words, 120), rng), "xylophone", "quasar", "zzzzzzzzzzzz"]
    for word in asked:
        if word in vocabulary.words or len(word) < 5 or dictionary().knows(word):
            expected = None
        else:
            close = difflib.get_close_matches(word, vocabulary.words, n=1, cutoff=TYPO_CUTOFF)
            expected = close[0] if close else None
        assert vocabulary.correct(word) == expected, word
        # Kept: asked again, the same answer.
        assert vocabulary.correct(word) == expected, word
    assert sum(vocabulary.correct(word) is not None for word in asked) > 100


@pytest.mark.usefixtures("db")
def test_the_backlog_is_looked_for_at_once_after_this_process_queued_else_now_and_then(
    django_assert_num_queries,
):
    queue._backlog_expected()
    with django_assert_num_queries(1):
        queue.index_queue_drain_if_pending()
    with django_assert_num_queries(0):
        queue.index_queue_drain_if_pending()
    # Another process's backlog: found within BACKLOG_CHECK_SECONDS.
    later = queue.time.monotonic() + queue.BACKLOG_CHECK_SECONDS
    with (
        mock.patch.object(queue.time, "monotonic", return_value=later),
        django_assert_num_queries(1),
    ):
        queue.index_queue_drain_if_pending()
    # This process's: at the next answer.
    queue._backlog_expected()
    with django_assert_num_queries(1):
        queue.index_queue_drain_if_pending()


@pytest.mark.engine
class AnonymousSearchReadsNoDatabaseTests(LiveEngineMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        corpus_create()
        super().setUpTestData()

    def test_an_anonymous_api_search_reads_nothing_from_the_database(self):
        searches = [
            {"q": "anonymous chat counselling"},
            {"q": "anonymus chat"},  # a typo
            {"q": "chat", "formats": ["chat", "video"]},
            {"formats": ["chat"]},
            {"q": "xylophone quasar"},  # nothing found: a second request, did you mean
            {"q": "Beratung für Aussteiger"},
        ]
        # The backlog's look, once per BACKLOG_CHECK_SECONDS, is not what this counts.
        with mock.patch.object(queue, "BACKLOG_CHECK_SECONDS", 3600.0):
            self.client.get("/api/v1/search/")  # every facet counted: what the process keeps
            for params in searches:
                with self.subTest(params), self.assertNumQueries(0):
                    response = self.client.get("/api/v1/search/", params)
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.json()["engine"], self.engine_name)
