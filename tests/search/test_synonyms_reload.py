"""An editor's new synonym works in the engine's search as soon as the term is saved in the
admin: the live index's search analyzers are reloaded, nothing is rebuilt."""

import pytest
from django.contrib.auth import get_user_model
from django.test import TestCase

from entries.services import entry_upsert
from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import search_entries
from search.client import alias_name, engine_get
from search.query import SearchQuery
from tests.conftest import login_with_second_factor
from tests.factories import entry_data
from tests.search.live import LiveEngineMixin
from vocabulary.models import Term
from vocabulary.services import vocabulary_load


@pytest.mark.engine
class SynonymReloadTests(LiveEngineMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        # Says "gaming" in its text but is not filed under the gaming platforms: only the
        # engine's synonyms can lead a search for another name of them to it.
        entry_upsert(
            data=entry_data(
                id="quest-chat",
                title="Talking with young people where they play",
                summary="Streetworkers join gaming communities and answer in their chats.",
                platforms=None,
            )
        )
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
        super().setUpTestData()  # builds the index

    def found(self, text: str) -> list[str]:
        results = search_entries(reader=ANONYMOUS, query=SearchQuery(text=text))
        self.assertEqual(results.engine, self.engine_name)
        return [hit.id for hit in results.results]

    def test_a_synonym_added_in_the_admin_finds_entries_at_once(self):
        self.assertEqual(self.found("Zockerszene"), [])
        index = engine_get().alias_targets(alias_name())
        term = Term.objects.get(facet="platforms", slug="gaming-platforms")
        login_with_second_factor(self.client, self.editor)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"/admin/snippets/vocabulary/term/edit/{term.pk}/",
                {
                    "facet": term.facet,
                    "slug": term.slug,
                    "label_en": term.label_en,
                    "label_fr": term.label_fr,
                    "label_de": term.label_de,
                    "synonyms": f"{term.synonyms}\nZockerszene",
                    "sort_order": term.sort_order,
                },
            )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertIn("Zockerszene", Term.objects.get(pk=term.pk).synonyms)
        self.assertEqual(self.found("Zockerszene"), ["quest-chat"])
        # The same index, reloaded, not a new one.
        self.assertEqual(engine_get().alias_targets(alias_name()), index)
