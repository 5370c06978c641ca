"""The partner finder's page: the form, the ranked list and its explanation, what a visitor
and a member see, its languages and its answers to bad parameters."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations.services import membership_set
from tests.factories import make_entry
from tests.portal.test_languages import assert_translated

pytestmark = pytest.mark.usefixtures("portal_db")


def entry(org: str, entry_id: str, **fields):
    return make_entry(
        id=entry_id,
        organisation={"id": org, "name": org.replace("-", " ").title(), "country": "DE"},
        title=f"{entry_id.replace('-', ' ').title()}",
        **fields,
    )


@pytest.fixture
def entries():
    entry(
        "full-org",
        "all-of-it",
        formats=["chat"],
        ideologies=["far-right"],
        assessment="good",
    )
    entry("half-org", "chat-only", formats=["chat"], assessment="good")
    entry("hidden-org", "secret-chat", formats=["chat"], visibility="members", assessment="good")
    entry("full-org", "members-chat", formats=["chat"], visibility="members")


def page(client, query: str, language: str = "en") -> str:
    response = client.get(f"/{language}/partners/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def partners(html: str) -> list[str]:
    return re.findall(r'data-partner="([^"]+)"', html)


def test_a_need_lists_organisations_ranked_with_what_they_cover_and_miss(client, entries):
    html = page(client, "formats=chat&ideologies=far-right")
    assert partners(html) == ["full-org", "half-org"]
    assert "How the ranking works" in html
    assert "Aspects covered: 2 of 2" in html
    assert "Aspects covered: 1 of 2" in html
    half = html.split('data-partner="half-org"')[1]
    misses = half.split("data-misses>")[1].split("</ul>")[0]
    assert "Far-right and right-wing extremism" in misses
    assert 'href="/en/organisations/half-org/chat-only/"' in half
    # The form keeps what was asked.
    assert re.search(r'name="formats" value="chat" checked', html)


def test_a_visitor_never_learns_of_members_only_entries(client, entries):
    html = page(client, "formats=chat")
    assert partners(html) == ["full-org", "half-org"]
    assert "Hidden Org" not in html
    assert "Secret Chat" not in html
    assert "Members Chat" not in html
    full = html.split('data-partner="full-org"')[1].split('data-partner="half-org"')[0]
    assert "1 entry" in full


def test_a_member_sees_members_entries_counted(client, entries):
    client.force_login(membership_set(username="m", organisation_id="half-org", role="member").user)
    html = page(client, "formats=chat")
    # half-org and hidden-org tie (one good practice each): by name.
    assert partners(html) == ["full-org", "half-org", "hidden-org"]
    assert "Secret Chat" in html
    full = html.split('data-partner="full-org"')[1].split('data-partner="half-org"')[0]
    assert "2 entries" in full


def test_no_need_explains_and_shows_the_form_without_a_list(client, entries):
    html = page(client, "")
    assert "data-no-need" in html
    assert "data-partners" not in html
    assert "How the ranking works" not in html
    assert 'name="formats" value="chat"' in html
    assert 'name="counsellor_choice" value="yes"' in html
    assert 'name="mode" value="in-person"' in html


def test_the_form_offers_only_countries_and_languages_of_visible_entries(client):
    entry("org", "public", countries=["AT"], language="de")
    entry("org", "members", countries=["FR"], language="fr", visibility="members")
    html = page(client, "")
    assert 'name="countries" value="AT"' in html
    assert 'name="countries" value="FR"' not in html
    assert 'type="checkbox" name="language" value="de"' in html
    assert 'type="checkbox" name="language" value="fr"' not in html


@pytest.mark.parametrize(
    ("language", "heading", "ranking", "term", "covered"),
    [
        (
            "fr",
            "Trouver des partenaires",
            "Comment le classement est établi",
            "Extrême droite",
            "Aspects couverts\u00a0: 1 sur 2",
        ),
        (
            "de",
            "Partner finden",
            "Wie die Rangfolge entsteht",
            "Rechtsextremismus",
            "Abgedeckte Aspekte: 1 von 2",
        ),
    ],
)
def test_the_page_speaks_french_and_german(
    client, entries, language, heading, ranking, term, covered
):
    html = page(client, "formats=chat&ideologies=far-right", language)
    assert f'<html lang="{language}"' in html
    assert f"<h1>{heading}</h1>" in html
    assert ranking in html
    assert term in html
    assert covered in html
    assert "How the ranking works" not in html


def test_unknown_values_are_ignored_with_a_notice(client, entries):
    html = page(client, "formats=chat&formats=carrier-pigeon&mode=by-post&language=zz&formats=")
    assert partners(html) == ["full-org", "half-org"]
    notice = html.split("data-unrecognised>")[1].split("</p>")[0]
    assert "3 filters were not recognised and were ignored" in notice
    assert "carrier-pigeon" in notice
    assert "Aspects covered: 1 of 1" in html


def test_too_many_values_answer_400_naming_the_parameter(client, entries):
    query = "&".join(f"ideologies=v{number}" for number in range(101)) + "&formats=chat"
    response = client.get(f"/en/partners/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<code>ideologies</code>" in html
    assert "data-partners" not in html


def test_a_nul_in_a_value_is_an_unknown_value(client, entries):
    html = page(client, "formats=chat%00x&formats=chat")
    assert partners(html) == ["full-org", "half-org"]
    assert "\x00" not in html
    assert "1 filter was not recognised" in html


def test_the_main_navigation_links_the_finder(client):
    assert 'href="/en/partners/"' in page(client, "")


def test_the_page_costs_as_many_queries_for_many_entries_as_for_few(
    client, django_assert_max_num_queries
):
    def add(first: int, last: int):
        for number in range(first, last):
            entry(f"org-{number % 4}", f"entry-{number}", formats=["chat"], countries=["AT"])

    add(0, 4)
    with CaptureQueriesContext(connection) as few:
        page(client, "formats=chat&countries=AT&language=en")
    add(4, 40)
    with django_assert_max_num_queries(len(few)):
        html = page(client, "formats=chat&countries=AT&language=en")
    assert "and 5 more entries" in html


FINDER_PAGES = {
    "no need": "",
    "a need of every kind": (
        "formats=chat&counsellor_profiles=former-extremist&counsellor_choice=yes"
        "&ideologies=far-right&target_groups=leavers&language=en&countries=DE&mode=online"
    ),
    "a need no one covers": "target_groups=prisoners",
    "an unrecognised value": "formats=carrier-pigeon&formats=chat",
    "too many values": "&".join(["formats=chat"] * 101),
}


@pytest.mark.parametrize("language", ["fr", "de"])
@pytest.mark.parametrize("name", FINDER_PAGES)
def test_no_english_is_left_in_french_and_german(client, entries, language, name):
    entry("lesson-org", "lesson", kind="lesson", formats=["chat"], counsellor_choice=True)
    response = client.get(f"/{language}/partners/?{FINDER_PAGES[name]}")
    # Languages are named in themselves, as the language switcher names them.
    assert_translated(response, language, names=["carrier-pigeon", "English"])
