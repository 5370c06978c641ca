"""Addresses that say their language (/en/, /fr/, /de/), the reader's language when one does
not, the switcher, <html lang>, hreflang alternates, the sitemap in each language, the
admin's language select and "Translation of" chooser, and the addresses that stay as the
contract names them."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import TestCase, override_settings
from django.utils import translation
from wagtail.contrib.redirects.models import Redirect
from wagtail.users.models import UserProfile

from entries.imports import entries_import
from entries.models import EntryPage
from entries.visibility import ANONYMOUS
from organisations.services import membership_set
from portal.services import site_ensure
from search.api import autocomplete, search_entries
from search.query import search_query_from_params
from tests.conftest import login_with_second_factor, shared_data
from tests.factories import fixture_lines, make_entry
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load

pytestmark = pytest.mark.usefixtures("portal_db")

ENTRY = "/organisations/isd/isd-one-to-one/"
MEMBERS_ONLY = "back-end-security-and-supervision"


def seed_load() -> None:
    vocabulary_load()
    report = entries_import(fixture_lines("seed-entries.jsonl"))
    assert report.ok, report.errors


@pytest.fixture(scope="class")
def seed(django_db_setup, django_db_blocker):
    """The seed entries, loaded once for the class that reads them (shared_data)."""
    yield from shared_data(django_db_blocker, seed_load)


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def alternates(response) -> dict[str, str]:
    links = re.findall(
        r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.content.decode()
    )
    named = dict(links)
    assert len(named) == len(links), f"one language named twice: {links}"
    return named


def switcher(response) -> tuple[str, dict[str, str]]:
    """The switcher's `next` and, for each language, its button's attributes."""
    html = response.content.decode()
    form = re.search(r'<form class="language-switcher".*?</form>', html, flags=re.S).group(0)
    next_url = re.search(r'name="next" value="([^"]*)"', form).group(1)
    buttons = re.findall(r'<button type="submit" name="language" value="(\w+)"([^>]*)>', form)
    return next_url.replace("&amp;", "&"), dict(buttons)


def signed_in_member(client, *, language: str = ""):
    user = membership_set(username="reader", organisation_id="isd", role="member").user
    if language:
        UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": language})
    client.force_login(user)
    return user


# --- Addresses with a language ---


class TestAddressesWithALanguage:
    """Each prefix serves the pages in its language, and their links keep it."""

    @pytest.mark.parametrize("language", ["en", "fr", "de"])
    def test_each_prefix_serves_the_public_pages_in_its_language(self, client, seed, language):
        for path in ("/", "/search/?q=chat", "/entries/", "/practices/", "/organisations/", ENTRY):
            response = client.get(f"/{language}{path}")
            assert response.status_code == 200, path
            assert html_lang(response) == language, path
            assert response["Content-Language"] == language
        assert client.get(f"/{language}/accounts/login/").status_code == 200
        feed = client.get(f"/{language}/search/feed/?q=chat")
        assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")

    def test_links_keep_the_language_of_the_page(self, client, seed):
        html = client.get("/fr/").content.decode()
        # {% url %} and {% pageurl %}/page.url alike.
        assert 'href="/fr/practices/"' in html
        assert 'href="/fr/organisations/isd/isd-one-to-one/"' in html
        assert 'href="/en/' not in html and 'href="/de/' not in html
        search = client.get("/de/search/?q=chat").content.decode()
        assert 'href="/de/organisations/isd/isd-one-to-one/"' in search
        assert 'href="/de/search/feed/?q=chat"' in search


class HitAddresses:
    """A hit and a suggestion link to the entry in the reader's language, whichever engine
    answers (the index keeps addresses without a language)."""

    engine_name = ""

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        make_entry(id="public-chat", title="Public chat service")
        super().setUpTestData()

    def test_a_hit_links_in_the_readers_language(self):
        query = search_query_from_params({"q": ["chat"]})
        for language in ("en", "fr", "de"):
            with translation.override(language):
                results = search_entries(reader=ANONYMOUS, query=query)
                completions = autocomplete(reader=ANONYMOUS, prefix="public ch")
            self.assertEqual(results.engine, self.engine_name)
            url = f"/{language}/organisations/test-org/public-chat/"
            self.assertEqual([hit.url for hit in results.results], [url])
            self.assertIn(url, [completion.url for completion in completions])


@override_settings(SEARCH_URL=None)
class DatabaseHitAddresses(HitAddresses, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EngineHitAddresses(LiveEngineMixin, HitAddresses, TestCase):
    engine_name = LiveEngineMixin.engine_name


# --- The reader's language where the address names none ---


class TestTheReadersLanguage:
    """Where the address names no language: the profile, the cookie, the browser."""

    @pytest.mark.parametrize(
        ("headers", "cookie", "expected"),
        [
            ({}, None, "en"),
            ({"HTTP_ACCEPT_LANGUAGE": "de-CH,de;q=0.9,en;q=0.5"}, None, "de"),
            ({"HTTP_ACCEPT_LANGUAGE": "es,it;q=0.9"}, None, "en"),
            ({"HTTP_ACCEPT_LANGUAGE": "de"}, "fr", "fr"),
        ],
    )
    def test_an_unprefixed_page_redirects_to_the_readers_language(
        self, client, seed, headers, cookie, expected
    ):
        if cookie:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
        response = client.get("/search/?q=chat&formats=chat", **headers)
        assert response.status_code == 302
        assert response["Location"] == f"/{expected}/search/?q=chat&formats=chat"
        # A shared cache must not hand one reader's redirect to another.
        assert {"Accept-Language", "Cookie"} <= set(re.split(r",\s*", response["Vary"]))
        assert client.get("/", **headers)["Location"] == f"/{expected}/"

    def test_a_signed_in_readers_profile_language_comes_before_the_cookie(self, client, seed):
        signed_in_member(client, language="de")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/de/"
        assert client.get(ENTRY)["Location"] == f"/de{ENTRY}"
        # The address's language still wins: the link shows the same page to everyone.
        assert html_lang(client.get(f"/fr{ENTRY}")) == "fr"

    def test_a_profile_without_a_language_falls_back_to_the_cookie(self, client, seed):
        signed_in_member(client)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        assert client.get("/")["Location"] == "/fr/"


# --- The switcher ---


class TestTheSwitcher:
    """The switcher at the top of every page."""

    def test_the_switcher_offers_every_language_for_the_same_page_and_query(self, client, seed):
        response = client.get("/fr/search/?q=chat&formats=chat")
        next_url, buttons = switcher(response)
        assert next_url == "/fr/search/?q=chat&formats=chat"
        assert list(buttons) == ["en", "fr", "de"]
        for code, attributes in buttons.items():
            assert f'lang="{code}"' in attributes
            assert ('aria-current="true"' in attributes) == (code == "fr")
        text = response.content.decode()
        assert ">English</button>" in text and ">Français</button>" in text
        assert ">Deutsch</button>" in text

    def test_the_search_pages_switcher_and_alternates_carry_only_the_searchs_own_parameters(
        self, client, seed
    ):
        response = client.get("/de/search/?q=chat&formats=chat&formats=made-up&junk=x")
        assert switcher(response)[0] == "/de/search/?q=chat&formats=chat"
        assert alternates(response)["fr"] == "http://testserver/fr/search/?q=chat&amp;formats=chat"
        assert "junk" not in response.content.decode()
        # The search as read: a value sent 90 times is carried once.
        repeated = client.get("/de/search/", {"q": "chat", "formats": ["search-advertising"] * 90})
        assert switcher(repeated)[0] == "/de/search/?q=chat&formats=search-advertising"
        # An address longer than crawlers take is not repeated as alternates.
        long = client.get("/de/search/", {"q": "chat " + "é" * 400, "formats": "chat"})
        assert long.status_code == 200 and alternates(long) == {}
        assert switcher(long)[0].startswith("/de/search/?q=chat+%C3%A9%C3%A9")

    def test_switching_goes_to_the_same_page_and_query_and_the_cookie_remembers(self, client, seed):
        response = client.post(
            "/language/", {"language": "de", "next": "/fr/search/?q=chat&formats=chat"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/de/search/?q=chat&formats=chat"
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
        assert client.get("/")["Location"] == "/de/"

    def test_switching_remembers_a_signed_in_readers_choice_in_their_profile(self, client, seed):
        user = signed_in_member(client, language="fr")
        client.post("/language/", {"language": "de", "next": f"/fr{ENTRY}"})
        assert UserProfile.get_for_user(user).preferred_language == "de"
        # Another browser of the same reader, without the cookie.
        other = type(client)()
        other.force_login(user)
        assert other.get("/")["Location"] == "/de/"

    def test_the_switcher_changes_nothing_on_get_nor_without_a_csrf_token(self, client, seed):
        assert client.get("/language/?language=de&next=/fr/").status_code == 405
        strict = type(client)(enforce_csrf_checks=True)
        assert strict.post("/language/", {"language": "de", "next": "/fr/"}).status_code == 403

    def test_the_switcher_refuses_unknown_languages_and_foreign_next_addresses(self, client, seed):
        assert client.post("/language/", {"language": "es", "next": "/fr/"}).status_code == 400
        response = client.post("/language/", {"language": "de", "next": "https://evil.example/"})
        assert response["Location"] == "/de/"


# --- <html lang>, hreflang, the sitemap ---


class TestLanguageVersions:
    """<html lang>, hreflang alternates and the sitemap."""

    def test_html_lang_is_the_interface_language_and_the_entry_keeps_its_own(self, client, seed):
        response = client.get("/de/organisations/isd/isd-one-to-one-fr/")
        assert html_lang(response) == "de"
        assert '<h1 lang="fr">' in response.content.decode()

    def test_every_public_page_names_its_language_versions(self, client, seed):
        for path in ("/", "/search/?q=chat", "/organisations/", "/accounts/login/"):
            response = client.get(f"/fr{path}")
            assert alternates(response) == {
                "en": f"http://testserver/en{path}",
                "fr": f"http://testserver/fr{path}",
                "de": f"http://testserver/de{path}",
                "x-default": f"http://testserver{path}",
            }, path

    def test_an_entry_names_its_translation_as_the_alternate_in_that_language(self, client, seed):
        french_version = "/organisations/isd/isd-one-to-one-fr/"
        for language in ("en", "fr", "de"):
            assert alternates(client.get(f"/{language}{ENTRY}")) == {
                "en": f"http://testserver/en{ENTRY}",
                "fr": f"http://testserver/fr{french_version}",
                "de": f"http://testserver/de{ENTRY}",
                "x-default": f"http://testserver{ENTRY}",
            }, language

    def test_the_sitemap_lists_each_page_in_each_language_and_no_members_only_entry(
        self, client, seed
    ):
        urls = sitemap_urls(client)
        for code in ("en", "fr", "de"):
            assert urls[f"/{code}/"] == [
                ("en", "/en/"),
                ("fr", "/fr/"),
                ("de", "/de/"),
                ("x-default", "/"),
            ]
        assert MEMBERS_ONLY not in str(urls)
        # Whoever asks: a member's sitemap is the public one.
        signed_in_member(client, language="de")
        assert MEMBERS_ONLY not in client.get("/sitemap.xml").content.decode()


def sitemap_urls(client) -> dict[str, list[tuple[str, str]]]:
    """Each address of the sitemap and its hreflang alternates, as paths (the sitemap names
    the site's host)."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = re.sub(r"https?://[^/\"<]+", "", response.content.decode())
    return {
        re.search(r"<loc>(.*?)</loc>", url).group(1): re.findall(
            r'hreflang="([^"]+)" href="([^"]+)"', url
        )
        for url in re.findall(r"<url>.*?</url>", xml, flags=re.S)
    }


def test_the_sitemap_names_an_entrys_translations_as_its_page_does(client, seed):
    french = "/organisations/isd/isd-one-to-one-fr/"
    # A German translation for members only: neither the page nor the sitemap names it.
    isd = json.loads(fixture_lines("seed-entries.jsonl")[2])["organisation"]
    assert isd["id"] == "isd"
    make_entry(
        id="isd-one-to-one-de",
        language="de",
        translation_of="isd-one-to-one",
        visibility="members",
        organisation=isd,
    )
    urls = sitemap_urls(client)
    entry = [
        ("en", f"/en{ENTRY}"),
        ("fr", f"/fr{french}"),
        ("de", f"/de{ENTRY}"),
        ("x-default", ENTRY),
    ]
    assert urls[f"/en{ENTRY}"] == urls[f"/de{ENTRY}"] == entry
    # In French the translation stands for the entry, and only there.
    assert f"/fr{ENTRY}" not in urls and f"/en{french}" not in urls
    assert (
        urls[f"/fr{french}"]
        == urls[f"/de{french}"]
        == [
            ("en", f"/en{ENTRY}"),
            ("fr", f"/fr{french}"),
            ("de", f"/de{french}"),
            ("x-default", french),
        ]
    )
    assert "isd-one-to-one-de" not in str(urls)
    # Every address of the sitemap names the alternates its page's head names, and itself.
    for location, named in urls.items():
        head = alternates(client.get(location))
        assert named == [(code, urlsplit(url).path) for code, url in head.items()], location
        assert location in dict(named).values(), location


# --- The addresses that stay as they are ---


class TestAddressesThatStay:
    """The API, documents and the admin keep the addresses the contract names."""

    def test_the_api_documents_and_admin_stay_unprefixed(self, client, seed):
        for path in ("/api/v1/search/?q=chat", "/api/v1/openapi.json", "/api/v1/vocabulary.json"):
            assert client.get(path, HTTP_ACCEPT_LANGUAGE="de").status_code == 200, path
        assert client.get("/api/v1/entries/isd/isd-one-to-one/").status_code == 200
        assert client.get("/fr/api/v1/openapi.json").status_code == 404
        assert client.get("/admin/")["Location"].startswith("/admin/login/")
        assert client.get("/fr/admin/").status_code == 404
        # Their own 404s stay 404s: never a redirect to a language.
        for path in (
            "/api/v1/entries/isd/no-such-entry/",
            "/api/v1/no-such-thing/",
            "/documents/0/x",
        ):
            response = client.get(path)
            assert response.status_code == 404 and "Location" not in response, path

    def test_an_api_result_url_is_a_working_path(self, client, seed):
        hits = client.get("/api/v1/search/?q=chat").json()["results"]
        assert hits
        for hit in hits:
            assert client.get(hit["url"], follow=True).status_code == 200, hit["url"]


def test_the_old_address_of_a_renamed_entry_leads_to_it_in_every_language(
    client, django_capture_on_commit_callbacks
):
    entry = make_entry(id="public-chat", visibility="public")
    entry.slug = "public-chat-service"
    with django_capture_on_commit_callbacks(execute=True):
        entry.save_revision().publish()
    assert Redirect.objects.filter(old_path="/en/organisations/test-org/public-chat").exists()
    for language in ("fr", "de"):
        response = client.get(f"/{language}/organisations/test-org/public-chat/")
        assert response.status_code == 301
        assert response["Location"] == f"/{language}/organisations/test-org/public-chat-service/"


# --- The admin: the entry's language and what it translates ---


@pytest.fixture
def organisation_entries(portal_db):
    original = make_entry(id="safety-plan", title="Safety plan", language="en")
    translation = make_entry(
        id="safety-plan-de", title="Sicherheitsplan", language="de", translation_of="safety-plan"
    )
    other = make_entry(id="chat-service", title="Chat service", language="fr")
    outsider = make_entry(
        id="their-entry", title="Their entry", organisation={"id": "org-b", "name": "Org B"}
    )
    return original, translation, other, outsider


def entry_form(entry: EntryPage, data=None):
    page = entry.specific
    form_class = type(page).get_edit_handler().get_form_class()
    return form_class(data, instance=page, parent_page=page.get_parent(), for_user=None)


def test_the_language_is_a_select_of_the_portals_languages(organisation_entries):
    form = entry_form(organisation_entries[0])
    assert [value for value, _label in form.fields["language"].choices] == ["en", "fr", "de"]


def test_translation_of_offers_the_organisations_other_originals(organisation_entries):
    original, translation, other, _outsider = organisation_entries
    form = entry_form(translation)
    assert form.fields["translation_of"].choices == [
        ("", "---------"),
        ("chat-service", "Chat service (French)"),
        ("safety-plan", "Safety plan (English)"),
    ]
    assert form.initial["translation_of"] == "safety-plan"


def test_translation_of_keeps_an_id_that_names_no_entry_yet(organisation_entries):
    waiting = make_entry(id="waiting", translation_of="comes-later")
    choices = dict(entry_form(waiting).fields["translation_of"].choices)
    assert choices["comes-later"] == "comes-later (no such entry)"


def test_the_admin_edit_page_shows_the_selects(client, organisation_entries, superuser):
    login_with_second_factor(client, superuser)
    translation = organisation_entries[1]
    html = client.get(f"/admin/pages/{translation.pk}/edit/").content.decode()
    select = re.search(r'<select name="translation_of".*?</select>', html, flags=re.S).group(0)
    assert re.search(r'<option value="safety-plan" selected>Safety plan \(English\)', select)
    assert "Their entry" not in select
    assert re.search(r'<select name="language"', html)
