"""The error pages: in the portal's layout and the reader's language, and a 404 that never
tells whether an entry exists."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from entries.models import EntryPage
from organisations.services import membership_set
from tests.factories import make_entry

pytestmark = pytest.mark.usefixtures("portal_db")

ENTRY = "/{language}/organisations/test-org/safety-plan/"


def in_layout(html: str, language: str) -> None:
    """The portal's navigation and a search box, in the reader's language."""
    assert f'<html lang="{language}">' in html
    assert f'href="/{language}/practices/"' in html
    assert f'action="/{language}/search/" role="search"' in html


@pytest.mark.parametrize(
    ("visibility", "language"), [("members", "en"), ("organisation", "fr"), ("members", "de")]
)
def test_a_hidden_entry_and_a_missing_one_answer_the_same_page(client, visibility, language):
    make_entry(id="public-one")
    entry = make_entry(id="safety-plan", visibility=visibility)
    hidden = client.get(ENTRY.format(language=language))
    EntryPage.objects.filter(pk=entry.pk).delete()
    missing = client.get(ENTRY.format(language=language))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert {name: value for name, value in hidden.items() if name != "Date"} == {
        name: value for name, value in missing.items() if name != "Date"
    }
    in_layout(hidden.content.decode(), language)


def test_an_entry_address_offers_visitors_a_sign_in_that_says_nothing_of_the_entry(client):
    make_entry(id="public-one")
    html = client.get("/fr/organisations/test-org/no-such-entry/").content.decode()
    assert 'href="/fr/accounts/login/" data-return-here>' in html
    assert "js/return-here.js" in html
    # The page names no address: every entry address answers with the same bytes.
    assert "no-such-entry" not in html
    other = client.get("/fr/organisations/test-org/another-one/").content.decode()
    assert other == html


def test_other_addresses_and_signed_in_readers_get_no_sign_in_offer(client):
    assert "data-return-here" not in client.get("/en/no-such-page/").content.decode()
    make_entry(id="own", visibility="organisation")
    client.force_login(membership_set(username="m", organisation_id="other", role="member").user)
    answer = client.get("/en/organisations/test-org/own/")
    assert answer.status_code == 404
    assert "data-return-here" not in answer.content.decode()


def test_a_refusal_is_a_403_page_that_says_why_in_the_readers_language(client):
    entry = make_entry(id="public-one")
    member = membership_set(username="own", organisation_id="test-org", role="member").user
    client.force_login(member)
    # A peer review in the name of the publishing organisation itself: refused.
    answer = client.post(
        f"/de/entries/{entry.pk}/peer-review/", {"voice": "test-org", "verdict": "Very good."}
    )
    assert answer.status_code == 403
    html = answer.content.decode()
    in_layout(html, "de")
    assert "<h1>Nicht erlaubt</h1>" in html
    assert "Peer-Reviews" in html


def test_the_server_error_page_has_the_navigation_and_needs_no_request():
    with translation.override("fr"):
        html = render_to_string("500.html")
    in_layout(html, "fr")
    assert "Un problème est survenu" in html


def language_links(html: str) -> dict[str, str]:
    """The language switcher's links (a nav of links, not the form), by the name shown."""
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return {name: url for url, name in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


def test_a_missing_page_names_each_language_in_its_own_words(client):
    html = client.get("/fr/no-such-page/").content.decode()
    assert language_links(html) == {"English": "/en/", "Français": "/fr/", "Deutsch": "/de/"}


def test_a_refused_form_says_what_to_do_in_the_portals_layout():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/fr/compare/add/", {"e": "test-org/x", "next": "/fr/search/?q=chat"})
    assert response.status_code == 403
    html = response.content.decode()
    in_layout(html, "fr")
    assert "Le formulaire n’a pas pu être envoyé" in html
    assert '<a href="/fr/search/?q=chat">Revenez à la page</a>' in html
    assert "CSRF" not in html


def test_a_reader_without_cookies_can_still_change_language():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/language/", {"language": "de", "next": "/en/search/?q=chat"})
    assert response.status_code == 403
    html = response.content.decode()
    assert language_links(html)["Deutsch"] == "/de/search/?q=chat"
    assert re.search(
        r'<a href="/de/search/\?q=chat" lang="de" hreflang="de">Deutsch</a></li>', html
    )
    # A page of another site is not linked.
    elsewhere = client.post("/language/", {"language": "de", "next": "https://example.org/"})
    assert "example.org" not in elsewhere.content.decode()
