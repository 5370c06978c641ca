import json
import re
from datetime import date

import pytest
from django.test import Client
from django.utils.formats import date_format

from entries.imports import entries_import
from organisations.services import membership_set
from portal.languages import url_in_language
from tests.conftest import shared_data
from tests.factories import fixture_lines, make_entry
from vocabulary.services import vocabulary_load

pytestmark = pytest.mark.usefixtures("portal_db")


def seed_load() -> None:
    vocabulary_load()
    report = entries_import(fixture_lines("seed-entries.jsonl"))
    assert report.ok, report.errors


@pytest.fixture(scope="class")
def seed(django_db_setup, django_db_blocker):
    """The seed entries, loaded once for the class that reads them (tests/conftest.py)."""
    yield from shared_data(django_db_blocker, seed_load)


def text_of(response) -> str:
    """The visible words of a page, without markup."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class TestOnTheSeedEntries:
    """Lists, entry pages and organisations as the seed entries fill them."""

    def test_home_shows_new_entries_and_browsing_counts(self, client, seed):
        response = client.get("/en/")
        text = text_of(response)
        assert "The Redirect Method" in text
        assert "Back-end security" not in text
        # Counts are of what the visitor may read: the members-only seed lesson is left out.
        seed_entries = [json.loads(line) for line in fixture_lines("seed-entries.jsonl")]
        hidden = next(entry for entry in seed_entries if entry["visibility"] == "members")
        html = response.content.decode()
        for domain in hidden["domains"]:
            public = sum(
                1
                for entry in seed_entries
                if entry["visibility"] == "public" and domain in entry.get("domains", [])
            )
            count = re.search(
                rf'href="/en/search/\?domains={domain}">[^<]+</a> <span class="count"[^>]*>(\d+)<',
                html,
            )
            assert int(count.group(1)) == public if public else count is None, domain

    def test_practice_list_shows_practices_only(self, client, seed):
        text = text_of(client.get("/en/practices/"))
        assert "The Redirect Method" in text
        assert "ExitUSA" in text
        assert "Sécurité" not in text
        # ISD's practice and its French translation are one entry, shown in English.
        assert "3 entries" in text

    def test_lesson_list_hides_members_only_lessons_from_anonymous(self, client, seed):
        text = text_of(client.get("/en/lessons/"))
        assert "3 entries" in text
        assert "back-end" not in text.lower()

    def test_members_only_entry_answers_404_to_anonymous_and_opens_for_superuser(
        self, client, seed, superuser
    ):
        url = "/en/organisations/ran/back-end-security-and-supervision/"
        assert client.get(url).status_code == 404
        client.force_login(superuser)
        response = client.get(url)
        assert response.status_code == 200
        assert "Visible to: Members of any organisation" in text_of(response)

    def test_language_switch_links_translations(self, client, seed):
        response = client.get("/en/organisations/isd/isd-one-to-one/")
        html = response.content.decode()
        assert 'href="/en/organisations/isd/isd-one-to-one-fr/" hreflang="fr"' in html
        french = client.get("/en/organisations/isd/isd-one-to-one-fr/").content.decode()
        # The interface's language is the page's; the entry's text says its own.
        assert '<html lang="en">' in french and '<h1 lang="fr">' in french
        assert 'href="/en/organisations/isd/isd-one-to-one/" hreflang="en"' in french

    def test_organisation_page_lists_its_entries_and_partner_entries(self, client, seed):
        text = text_of(client.get("/en/organisations/isd/"))
        assert "One-to-one online interventions" in text
        partner = text_of(client.get("/en/organisations/jigsaw/"))
        assert "The Redirect Method" in partner

    def test_organisation_index_counts_visible_entries(self, client, seed):
        text = text_of(client.get("/en/organisations/"))
        assert "Radicalisation Awareness Network" in text
        assert re.search(r"Radicalisation Awareness Network .*? 3 entries", text)

    def test_sitemap_lists_public_entries_only(self, client, seed):
        xml = client.get("/sitemap.xml").content.decode()
        assert "/organisations/isd/isd-one-to-one/" in xml
        assert "back-end-security-and-supervision" not in xml

    def test_list_filters_by_facet(self, client, seed):
        text = text_of(client.get("/en/entries/?formats=search-advertising"))
        assert "The Redirect Method" in text
        assert "ExitUSA" not in text


def test_entry_page_shows_every_field_of_a_full_entry(client):
    entry = make_entry(
        kind="lesson",
        partners=[{"id": "partner-org", "name": "Partner Org"}],
        approaches=["tandem-counselling"],
        counsellor_choice=True,
        assessment="promising",
        evaluation="external",
        status="pilot",
        started=2019,
        outcomes="Fewer drop-outs than before.",
        metrics=[{"name": "Clients reached", "value": 42, "unit": "people", "note": "in 2021"}],
        context="The context of the lesson.",
        what_worked="Listening worked.",
        what_did_not_work="Night shifts did not.",
        recommendations=["Plan rest.", "Share the load."],
        audience=["policymakers"],
        ethics="Consent first.",
        safety="Pseudonyms only.",
        links=[{"title": "Project site", "url": "https://example.org/"}],
        source={"title": "Final report", "date": "2021-03-15"},
        tags=["night shifts"],
        published="2022-01-31",
    )
    from organisations.services import membership_set

    member = membership_set(username="reader", organisation_id="other-org", role="member")
    client.force_login(member.user)
    text = text_of(client.get(entry.url))
    for expected in [
        "Lesson learned",
        "Promising practice",
        "Anonymous chat counselling for leavers",
        "Published by Test Organisation , with Partner Org",
        date_format(date(2022, 1, 31)),
        "A chat service where people leaving extremist groups",
        "People write anonymously",
        "The context of the lesson.",
        "Listening worked.",
        "Night shifts did not.",
        "Recommendations for policymakers",
        "Plan rest.",
        "Fewer drop-outs than before.",
        "Clients reached 42 people in 2021",
        "Consent first.",
        "Pseudonyms only.",
        "Pilot · since 2019",
        "External evaluation",
        "Clients choose their counsellor Yes",
        "Tandem counselling",
        "Exit work",
        "Text chat",
        "Germany",
        "night shifts",
        "Project site",
        # The source's title is in the entry's language (its own element), its date in the
        # reader's.
        "Final report",
        date_format(date(2021, 3, 15)),
    ]:
        assert expected in text, expected


def test_summary_comes_before_details(client):
    entry = make_entry(outcomes="Outcome text here.")
    html = client.get(entry.url).content.decode()
    assert (
        html.index("A chat service where people")
        < html.index("People write")
        < html.index("Outcome text here.")
    )


def test_related_entries_show_in_both_directions(client):
    first = make_entry(id="first-entry", title="First entry title", related=["second-entry"])
    second = make_entry(id="second-entry", title="Second entry title")
    assert "Second entry title" in text_of(client.get(first.url))
    assert "First entry title" in text_of(client.get(second.url))


def test_an_entrys_own_translation_is_not_listed_as_related(client):
    make_entry(id="guide", title="Guide in English", related=["other-entry"])
    french = make_entry(
        id="guide-fr",
        language="fr",
        title="Guide en français",
        translation_of="guide",
        related=["guide", "other-entry"],
    )
    make_entry(id="other-entry", title="Other entry title")
    html = client.get(french.url).content.decode()
    related = html[html.index('id="related-heading"') :]
    related = related[: related.index("</section>")]
    assert "Other entry title" in related
    assert "Guide in English" not in related


def test_related_members_only_entry_is_not_listed_to_anonymous(client):
    first = make_entry(id="first-entry", related=["hidden-entry"])
    make_entry(id="hidden-entry", title="Hidden entry title", visibility="members")
    assert "Hidden entry title" not in text_of(client.get(first.url))


def test_script_in_imported_text_is_shown_as_text(client):
    entry = make_entry(
        summary="Summary with <script>alert('summary')</script> in it.",
        body="Body with <script>alert('body')</script> in it.",
    )
    html = client.get(entry.url).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;summary&#x27;)&lt;/script&gt;" in html
    assert re.search(r"&lt;script&gt;alert\((&#x27;|')body(&#x27;|')\)&lt;/script&gt;", html)


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "31 January 2022"), ("fr", "31 janvier 2022"), ("de", "31. Januar 2022")],
)
def test_an_entry_page_writes_its_date_as_readers_of_the_language_do(client, language, written):
    entry = make_entry(published="2022-01-31")
    html = client.get(url_in_language(entry.url, language)).content.decode()
    assert f'<time datetime="2022-01-31">{written}</time>' in html


def test_safety_details_of_a_public_entry_are_for_members_only(client):
    from organisations.services import membership_set

    entry = make_entry(safety="Counsellors use pseudonyms and a separate phone.")
    anonymous = text_of(client.get(entry.url))
    assert "pseudonyms and a separate phone" not in anonymous
    assert "shared with members of the network only" in anonymous

    member = membership_set(username="member", organisation_id="other-org", role="member").user
    client.force_login(member)
    assert "pseudonyms and a separate phone" in text_of(client.get(entry.url))


def test_pages_shown_to_a_member_are_kept_by_no_shared_cache(client):
    make_entry(id="members-plan", visibility="members")
    member = Client()
    member.force_login(
        membership_set(username="member", organisation_id="test-org", role="member").user
    )
    for path in ("/en/", "/en/search/?q=plan", "/en/organisations/test-org/members-plan/"):
        answer = member.get(path)
        assert answer.status_code == 200, path
        assert "private" in answer["Cache-Control"], path
    assert "private" not in client.get("/en/").get("Cache-Control", "")
