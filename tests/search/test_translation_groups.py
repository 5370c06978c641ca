"""Translation groups and language in ranking, one behaviour on both backends (the live
engine and the database): a group counts once and shows in the reader's language, the
API keeps every version, a German query ranks the German entry first, a French query
still finds an English-only entry, and no version the reader may not see leaks."""

import re

import pytest
from django.test import TestCase, override_settings
from django.utils import translation

from entries.models import EntryPage, Visibility
from entries.services import entry_upsert
from entries.visibility import ANONYMOUS, Reader
from portal.services import site_ensure
from search.api import facet_counts, related_entries, search_entries
from search.client import alias_name, engine_get
from search.query import search_query_from_params
from tests.factories import entry_data
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load

MEMBER = Reader(is_member=True)
ALPHA = {"id": "alpha", "name": "Alpha Exit Network", "country": "DE"}
BETA = {"id": "beta", "name": "Beta Beratung", "country": "AT"}
GROUP = "alpha/exit-chat"
CHAT_TERMS = {"formats": ["chat"], "ideologies": ["far-right"], "countries": ["DE"]}

ENTRIES = [
    # One entry in four languages: the original, a French translation, a members-only
    # German one, and a Spanish translation of the French (a chain an import can make).
    {
        "id": "exit-chat",
        "organisation": ALPHA,
        "title": "Exit chat for people leaving the far right",
        "summary": "Leavers write to counsellors in a text chat.",
        "body": "Counsellors answer within an hour.",
        "published": "2024-01-10",
        **CHAT_TERMS,
    },
    {
        "id": "exit-chat-fr",
        "language": "fr",
        "translation_of": "exit-chat",
        "organisation": ALPHA,
        "title": "Un chat de sortie pour les personnes qui quittent l'extrême droite",
        "summary": "Les personnes en sortie écrivent à des conseillers dans un chat.",
        "body": "Les conseillers répondent dans l'heure.",
        "published": "2024-01-11",
        **CHAT_TERMS,
    },
    {
        "id": "exit-chat-de",
        "language": "de",
        "translation_of": "exit-chat",
        "visibility": "members",
        "organisation": ALPHA,
        "title": "Ausstiegschat für Menschen, die die rechte Szene verlassen",
        "summary": "Aussteigende schreiben Beratenden in einem Text-Chat.",
        "body": "Die Beratenden antworten innerhalb einer Stunde.",
        "published": "2024-01-12",
        **CHAT_TERMS,
    },
    {
        "id": "exit-chat-es",
        "language": "es",
        "translation_of": "exit-chat-fr",
        "organisation": ALPHA,
        "title": "Chat de salida para personas que dejan la extrema derecha",
        "summary": "Las personas escriben a consejeros en un chat.",
        "body": "Los consejeros responden en una hora.",
        "published": "2024-01-13",
        **CHAT_TERMS,
    },
    # Another entry sharing the group's terms: similar to it, and a second group.
    {
        "id": "chat-night",
        "organisation": BETA,
        "title": "Night shifts in a chat service",
        "summary": "Counsellors take turns to answer chat messages at night.",
        "body": "Two counsellors are on call.",
        "published": "2023-05-01",
        **CHAT_TERMS,
    },
    # Equal matches in three languages: each carries the far-left term and says nothing
    # of it in its text, so that only the language tells them apart.
    *(
        {
            "id": f"parity-{language}",
            "language": language,
            "organisation": BETA,
            "title": title,
            "summary": summary,
            "body": "",
            "ideologies": ["far-left"],
            "countries": ["AT"],
            "published": "2022-02-02",
        }
        for language, title, summary in (
            ("en", "Parity report", "A short report."),
            ("fr", "Rapport parité", "Un court rapport."),
            ("de", "Paritätsbericht", "Ein kurzer Bericht."),
        )
    ),
    # In English only, filed under conspiracy narratives.
    {
        "id": "myth-busting",
        "organisation": BETA,
        "title": "Answering questions about hidden plots",
        "summary": "Counsellors talk through what clients read online.",
        "body": "",
        "ideologies": ["conspiracy"],
        "countries": ["AT"],
        "published": "2021-03-03",
    },
]


class TranslationGroupBehaviour:
    engine_name = ""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        for overrides in ENTRIES:
            data = entry_data(**{"domains": None, "formats": None, "countries": None, **overrides})
            entry_upsert(data=data)

    def query(self, **params):
        return search_query_from_params(
            {name: value if isinstance(value, list) else [value] for name, value in params.items()}
        )

    def search(self, reader=ANONYMOUS, *, grouped=True, language="en", **params):
        with translation.override(language):
            results = search_entries(reader=reader, query=self.query(**params), grouped=grouped)
        self.assertEqual(results.engine, self.engine_name)
        return results

    def shown(self, reader=ANONYMOUS, language="en", **params) -> list[str]:
        return [hit.id for hit in self.search(reader, language=language, **params).results]

    def counts(self, reader=ANONYMOUS, *, grouped=True, **params):
        counts = facet_counts(reader=reader, query=self.query(**params), grouped=grouped)
        self.assertEqual(counts.engine, self.engine_name)
        return counts

    @staticmethod
    def values(facets, facet) -> dict[str, int]:
        return {value.term: value.count for value in facets[facet]}

    # A group counts once

    def test_a_group_counts_once_in_results_and_facet_counts(self):
        results = self.search(formats="chat")
        self.assertEqual(results.count, 2)
        self.assertEqual(sorted(self.shown(formats="chat")), ["chat-night", "exit-chat"])
        self.assertEqual(self.values(results.facets, "formats")["chat"], 2)
        self.assertEqual(self.values(results.facets, "organisation"), {"alpha": 1, "beta": 1})
        # A language counts the groups that have a version in it.
        self.assertEqual(self.values(results.facets, "language"), {"en": 2, "fr": 1, "es": 1})
        overview = self.counts(formats="chat")
        self.assertEqual(overview.count, 2)
        self.assertEqual(overview.facets, results.facets)
        # Text matching several versions finds the group once.
        self.assertEqual(self.search(q="chat").count, 2)

    def test_the_api_keeps_every_version_and_names_the_group(self):
        results = self.search(grouped=False, formats="chat", page_size="50")
        self.assertEqual(results.count, 4)
        groups = {hit.id: hit.group for hit in results.results}
        self.assertEqual(
            groups,
            {
                "exit-chat": GROUP,
                "exit-chat-fr": GROUP,
                "exit-chat-es": GROUP,
                "chat-night": "beta/chat-night",
            },
        )
        self.assertEqual(self.values(results.facets, "formats")["chat"], 4)
        self.assertEqual(self.counts(grouped=False, formats="chat").count, 4)
        self.assertEqual(results.results[0].as_contract()["group"], results.results[0].group)

    # Shown in the reader's language

    def test_the_group_shows_in_the_readers_language(self):
        self.assertIn("exit-chat", self.shown(formats="chat", language="en"))
        self.assertIn("exit-chat-fr", self.shown(formats="chat", language="fr"))
        self.assertIn("exit-chat-fr", self.shown(q="chat", language="fr"))
        self.assertIn("exit-chat-de", self.shown(MEMBER, formats="chat", language="de"))

    def test_without_a_version_in_the_readers_language_a_list_shows_the_original(self):
        # The German version is for members: an anonymous German reader gets the original.
        self.assertIn("exit-chat", self.shown(formats="chat", language="de"))

    def test_each_hit_names_the_other_versions_the_reader_may_see(self):
        hit = next(hit for hit in self.search(formats="chat").results if hit.group == GROUP)
        self.assertEqual([version.language for version in hit.other_versions], ["es", "fr"])
        member = next(
            hit for hit in self.search(MEMBER, formats="chat").results if hit.group == GROUP
        )
        self.assertEqual(
            [version.language for version in member.other_versions], ["de", "es", "fr"]
        )

    # Never a version the reader may not see

    def test_a_members_only_version_never_shows_to_an_anonymous_reader(self):
        for language in ("en", "de"):
            with self.subTest(language=language):
                results = self.search(q="Ausstiegschat chat", language=language, page_size="50")
                self.assertNotIn("exit-chat-de", [hit.id for hit in results.results])
                for hit in results.results:
                    self.assertNotIn("de", [version.language for version in hit.other_versions])
        api = self.search(grouped=False, q="Ausstiegschat", page_size="50")
        self.assertNotIn("exit-chat-de", [hit.id for hit in api.results])
        self.assertNotIn("de", self.values(self.counts(formats="chat").facets, "language"))
        self.assertEqual(
            self.values(self.counts(MEMBER, formats="chat").facets, "language")["de"], 1
        )

    def test_a_members_only_result_says_so_to_the_member_who_reads_it(self):
        from organisations.services import membership_set

        anonymous = self.client.get("/de/search/", {"formats": "chat"}).content.decode()
        self.assertNotIn("badge--restricted", anonymous)
        member = membership_set(username="reader", organisation_id="gamma", role="member")
        self.client.force_login(member.user)
        html = self.client.get("/de/search/", {"formats": "chat"}).content.decode()
        cards = {
            re.search(r'href="[^"]*/(alpha|beta)/([^/"]+)/"', card).group(2): card
            for card in html.split('<article class="card result">')[1:]
        }
        self.assertIn("exit-chat-de", cards)
        with translation.override("de"):
            label = str(Visibility.MEMBERS.label)
        self.assertIn(
            f'<span class="badge badge--restricted">{label}</span>', cards["exit-chat-de"]
        )
        for entry_id, card in cards.items():
            if entry_id != "exit-chat-de":
                self.assertNotIn("badge--restricted", card, entry_id)

    def test_the_search_page_and_its_feed_show_each_group_once_with_its_other_versions(self):
        html = self.client.get("/en/search/", {"formats": "chat"}).content.decode()
        self.assertIn("2 results", html)
        self.assertIn('<a href="/en/organisations/alpha/exit-chat/">', html)
        self.assertNotIn('<a href="/en/organisations/alpha/exit-chat-fr/">', html)
        self.assertIn(
            'Also in: <a href="/en/organisations/alpha/exit-chat-es/" hreflang="es" lang="es">'
            'Español</a>, <a href="/en/organisations/alpha/exit-chat-fr/" hreflang="fr" '
            'lang="fr">Français</a>',
            html,
        )
        self.assertNotIn("exit-chat-de", html)
        feed = self.client.get("/en/search/feed/", {"formats": "chat"}).content.decode()
        self.assertEqual(feed.count("<entry>"), 2)
        self.assertNotIn("exit-chat-de", feed)
        api = self.client.get("/api/v1/search/", {"formats": "chat"}).json()
        self.assertEqual(api["count"], 4)
        self.assertEqual({hit["group"] for hit in api["results"]}, {GROUP, "beta/chat-night"})

    # Similar entries

    def test_similar_entries_never_repeat_a_group_nor_show_the_entry(self):
        night = EntryPage.objects.get(slug="chat-night")
        with translation.override("fr"):
            similar = related_entries(reader=MEMBER, entry=night, size=10)
        self.assertEqual([hit.group for hit in similar].count(GROUP), 1)
        self.assertIn("exit-chat-fr", [hit.id for hit in similar])
        french = EntryPage.objects.get(slug="exit-chat-fr")
        similar = related_entries(reader=MEMBER, entry=french, size=10)
        self.assertNotIn(GROUP, [hit.group for hit in similar])
        self.assertIn("chat-night", [hit.id for hit in similar])

    # Language in ranking

    def test_a_german_query_puts_the_german_entry_first_among_equal_matches(self):
        for grouped in (True, False):
            with self.subTest(grouped=grouped):
                found = [
                    hit.id for hit in self.search(grouped=grouped, q="Linksextremismus").results
                ]
                self.assertEqual(found[0], "parity-de")
                self.assertEqual(set(found), {"parity-en", "parity-fr", "parity-de"})

    def test_the_apis_versions_of_a_group_come_together_in_the_querys_language_first(self):
        for language, first in (("fr", "exit-chat-fr"), ("en", "exit-chat")):
            with self.subTest(language=language):
                found = [
                    hit.id
                    for hit in self.search(grouped=False, q="chat", language=language).results
                ]
                at = found.index(first)
                versions = {"exit-chat", "exit-chat-fr", "exit-chat-es"}
                self.assertEqual(set(found[at : at + 3]), versions)
                self.assertFalse(versions & set(found[:at]))

    def test_the_readers_language_leads_equal_matches_of_a_query_in_no_language(self):
        # "LWE" is a synonym in no language: the reader's language decides.
        for language in ("en", "fr", "de"):
            with self.subTest(language=language):
                self.assertEqual(self.shown(q="LWE", language=language)[0], f"parity-{language}")

    def test_a_french_query_still_finds_an_english_only_entry_through_the_vocabulary(self):
        self.assertEqual(self.shown(q="récits complotistes", language="fr"), ["myth-busting"])
        api = self.search(grouped=False, q="récits complotistes")
        self.assertEqual([hit.id for hit in api.results], ["myth-busting"])


@override_settings(SEARCH_URL=None)
class DatabaseTranslationGroupTests(TranslationGroupBehaviour, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineTranslationGroupTests(LiveEngineMixin, TranslationGroupBehaviour, TestCase):
    engine_name = LiveEngineMixin.engine_name


@pytest.mark.engine
class EngineGroupUpdateTests(LiveEngineMixin, TestCase):
    """A change of a translation's original reaches the documents of its own translations
    (their group goes through it)."""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        for overrides in ENTRIES[:4]:
            data = entry_data(**{"domains": None, "formats": None, "countries": None, **overrides})
            entry_upsert(data=data)
        super().setUpTestData()

    def groups(self) -> dict[str, str]:
        engine_get().refresh(alias_name())
        results = search_entries(reader=ANONYMOUS, query=search_query_from_params({}))
        self.assertEqual(results.engine, self.engine_name)
        return {hit.id: hit.group for hit in results.results}

    def test_the_translation_of_a_translation_follows_its_original(self):
        self.assertEqual(self.groups()["exit-chat-es"], GROUP)
        french = {**ENTRIES[1], "translation_of": None}
        with self.captureOnCommitCallbacks(execute=True):
            entry_upsert(data=entry_data(**{"domains": None, "countries": None, **french}))
        self.assertEqual(
            self.groups(),
            {
                "exit-chat": GROUP,
                "exit-chat-fr": "alpha/exit-chat-fr",
                "exit-chat-es": "alpha/exit-chat-fr",
            },
        )


@pytest.mark.engine
class EngineGroupCountUpdateTests(LiveEngineMixin, TestCase):
    """An original indexed alone, then translated: its group counts once."""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        super().setUpTestData()

    def test_a_translation_added_later_counts_in_its_originals_group(self):
        # The original was indexed alone, as its group's one version; its translation
        # makes it one of two, and its document must say so, or the group counts twice.
        video = {"organisation": BETA, "domains": None, "countries": None, "formats": ["video"]}
        with self.captureOnCommitCallbacks(execute=True):
            entry_upsert(data=entry_data(id="video-groups", title="Video groups", **video))
        with self.captureOnCommitCallbacks(execute=True):
            entry_upsert(
                data=entry_data(
                    id="video-groups-fr",
                    language="fr",
                    translation_of="video-groups",
                    title="Groupes en vidéo",
                    **video,
                )
            )
        engine_get().refresh(alias_name())
        counts = facet_counts(
            reader=ANONYMOUS, query=search_query_from_params({"formats": ["video"]}), grouped=True
        )
        self.assertEqual(counts.engine, self.engine_name)
        self.assertEqual(counts.count, 1)
        self.assertEqual(
            TranslationGroupBehaviour.values(counts.facets, "organisation"), {"beta": 1}
        )
