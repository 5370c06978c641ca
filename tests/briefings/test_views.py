"""Briefings and comparisons as readers use them: what they show, to whom, and the errors
they answer with. The database answers here; test_figures.py runs the counts on both."""

import re
import shutil
import subprocess

import pytest
from django.test import Client, override_settings

from briefings.selectors import MAX_BRIEFING_ENTRIES
from entries.models import Visibility
from organisations.services import membership_set
from tests.briefings.corpus import (
    HIDDEN,
    MEMBERS,
    ORGANISATION,
    PUBLIC,
    PUBLIC_GOOD,
    PUBLIC_LESS_GOOD,
    PUBLIC_PROMISING,
    corpus_create,
    key,
)
from tests.conftest import shared_data
from tests.factories import make_entry
from vocabulary.services import vocabulary_load

pytestmark = pytest.mark.usefixtures("corpus", "portal_db")


def corpus_load() -> None:
    vocabulary_load()
    with override_settings(SEARCH_URL=None):
        corpus_create()


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    yield from shared_data(django_db_blocker, corpus_load)


@pytest.fixture(autouse=True)
def database_search(settings):
    settings.SEARCH_URL = None


@pytest.fixture
def member():
    """A member of Org A's browser, beside the anonymous `client`."""
    member = Client()
    member.force_login(
        membership_set(username="member-a", organisation_id="org-a", role="member").user
    )
    return member


def text(response) -> str:
    return response.content.decode()


def compare(client, *entries, **extra):
    return client.get("/en/compare/", {"e": [key(entry) for entry in entries], **extra})


# Briefing


def test_briefing_of_a_search_has_filters_figures_and_each_entry(client):
    html = text(client.get("/en/briefing/", {"formats": "chat"}))
    assert "<h1>Briefing</h1>" in html
    assert re.search(r"Format: <strong>Text chat</strong>", html)
    assert "2 entries match this search." in html
    # Counts by assessment, from the search: the members entry is not counted.
    assert re.search(r'<th scope="row">Good practice</th><td>1</td>', html)
    assert re.search(r'<th scope="row">Promising practice</th><td>1</td>', html)
    for entry in (PUBLIC_GOOD, PUBLIC_PROMISING):
        assert entry["title"] in html and entry["summary"] in html
    assert PUBLIC_LESS_GOOD["title"] not in html
    assert "Answer within one hour." in html
    assert "Clients reached" in html and "412" in html
    assert "External evaluation" in html
    assert 'href="http://testserver/en/organisations/org-a/chat-good/"' in html


def test_briefing_never_shows_safety_nor_hidden_entries_and_counts_only_visible(client):
    html = text(client.get("/en/briefing/"))
    assert "3 entries match this search." in html
    for entry in HIDDEN:
        assert entry["title"] not in html
    assert "Zebra" not in html


def test_member_briefing_holds_members_entries_but_not_another_organisations(member):
    html = text(member.get("/en/briefing/"))
    assert MEMBERS["title"] in html
    assert ORGANISATION["title"] not in html
    assert "4 entries match this search." in html


def test_a_briefing_holding_entries_not_public_says_so_and_marks_them(client, member):
    public = text(client.get("/en/briefing/", {"formats": "chat"}))
    assert "data-not-public" not in public and "badge--restricted" not in public
    html = text(member.get("/en/briefing/", {"formats": "chat"}))
    assert "Not public: do not pass on outside the network" in html
    assert (
        "1 entry in this briefing may be read only by members of the network or of its "
        "organisation; it is marked below." in html
    )
    sections = html.split('<section class="briefing-entry"')[1:]
    marked = [section for section in sections if "badge--restricted" in section]
    assert len(sections) == 3 and len(marked) == 1
    assert MEMBERS["title"] in marked[0]
    assert f'<span class="badge badge--restricted">{Visibility.MEMBERS.label}</span>' in marked[0]


def test_hand_picked_briefing_keeps_the_order_and_counts_the_selection(client):
    html = text(client.get("/en/briefing/", {"e": [key(PUBLIC_LESS_GOOD), key(PUBLIC_GOOD)]}))
    assert "A selection of 2 entries chosen by hand." in html
    assert html.index(PUBLIC_LESS_GOOD["title"]) < html.index(PUBLIC_GOOD["title"])
    assert "The platform lost its audience" in html
    assert re.search(r'<th scope="row">Less good practice</th><td>1</td>', html)
    assert re.search(r'<th scope="row">Video call</th><td>1</td>', html)


def test_hidden_entry_in_a_selection_reads_like_a_missing_one(client):
    hidden = text(client.get("/en/briefing/", {"e": [key(PUBLIC_GOOD), key(MEMBERS)]}))
    missing = text(client.get("/en/briefing/", {"e": [key(PUBLIC_GOOD), "org-a/no-such"]}))
    assert MEMBERS["title"] not in hidden and MEMBERS["summary"] not in hidden
    assert "1 selected entry could not be found and is left out: org-a/members-walrus." in hidden
    assert "1 selected entry could not be found and is left out: org-a/no-such." in missing
    response = client.get("/en/briefing/", {"e": key(ORGANISATION)})
    assert response.status_code == 404
    assert "None of the selected entries could be found" in text(response)


def test_briefing_stops_at_its_limit_and_says_so(client, settings):
    for number in range(MAX_BRIEFING_ENTRIES - len(PUBLIC) + 2):
        make_entry(id=f"extra-{number}", title=f"Extra entry {number}", formats=["voice"])
    html = text(client.get("/en/briefing/"))
    total = MAX_BRIEFING_ENTRIES + 2
    assert html.count('class="briefing-entry"') == MAX_BRIEFING_ENTRIES
    assert f"This briefing presents the first {MAX_BRIEFING_ENTRIES} of {total} entries." in html


def test_hand_picked_briefing_looks_up_at_most_its_limit(client):
    keys = [key(PUBLIC_GOOD)] + [f"org-x/entry-{number}" for number in range(3000)]
    response = client.get("/en/briefing/", {"e": [*keys, "org\x00/x", "../.."]})
    assert response.status_code == 200
    html = text(response)
    assert html.count('class="briefing-entry"') == 1
    assert f"{MAX_BRIEFING_ENTRIES - 1} selected entries could not be found" in html
    assert "This briefing presents the first 1 of" in html


def test_briefing_with_an_invalid_parameter_says_which(client):
    response = client.get("/en/briefing/", {"page_size": "0"})
    assert response.status_code == 400
    assert "<code>page_size</code>" in text(response)


def test_briefing_speaks_the_reader_language(client):
    html = text(client.get("/fr/briefing/", {"formats": "chat"}))
    assert "En chiffres" in html and "Télécharger en PDF" in html


# PDF


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    """The text of each page, its white space made single spaces."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    path = tmp_path / "briefing.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    )
    return [" ".join(page.split()) for page in result.stdout.split("\f") if page.strip()]


def pdf_text(pdf: bytes, tmp_path) -> str:
    return " ".join(pdf_pages(pdf, tmp_path))


def test_pdf_holds_every_selected_title_and_summary_and_nothing_hidden(client, tmp_path):
    response = client.get("/en/briefing.pdf", {"e": [key(entry) for entry in (*PUBLIC, *HIDDEN)]})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    words = pdf_text(response.content, tmp_path)
    for entry in PUBLIC:
        assert entry["title"] in words
        assert entry["summary"] in words
    for entry in HIDDEN:
        assert entry["title"] not in words and entry["summary"] not in words
    assert "Walrus" not in words and "Narwhal" not in words and "Zebra" not in words
    assert "http://testserver/en/organisations/org-a/chat-good/" in words


def test_member_pdf_of_a_search_holds_members_entries(member, tmp_path):
    response = member.get("/en/briefing.pdf", {"formats": "chat"})
    words = pdf_text(response.content, tmp_path)
    assert MEMBERS["title"] in words and MEMBERS["summary"] in words
    assert "Narwhal" not in words


def test_every_page_of_a_pdf_holding_entries_not_public_says_so(client, member, tmp_path):
    marking = "not public: do not pass on outside the network"
    pages = pdf_pages(member.get("/en/briefing.pdf", {"formats": "chat"}).content, tmp_path)
    assert len(pages) == 4  # the figures, then one page an entry
    for page in pages:
        assert marking in page.lower()
    public = pdf_text(client.get("/en/briefing.pdf", {"formats": "chat"}).content, tmp_path)
    assert "not public" not in public.lower()


def test_pdf_of_an_unknown_selection_is_the_not_found_page(client):
    response = client.get("/en/briefing.pdf", {"e": key(MEMBERS)})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# Compare


def test_comparison_puts_entries_side_by_side_and_folds_what_they_share(client):
    response = compare(client, PUBLIC_GOOD, PUBLIC_PROMISING)
    html = text(response)
    assert response.status_code == 200
    assert PUBLIC_GOOD["title"] in html and PUBLIC_PROMISING["title"] in html
    differing, agreed = html.split("<details", 1)
    assert '<th scope="row">Organisation</th>' in differing
    assert "Org A" in differing and "Germany" in differing and "France" in differing
    assert '<th scope="row">Evaluation</th>' in differing
    assert "Clients reached: 412 people" in differing
    assert '<th scope="row">Clients choose their counsellor</th>' in differing
    # Both are practices in text chat: those rows are folded.
    assert '<th scope="row">Kind</th>' in agreed and '<th scope="row">Format</th>' in agreed
    assert "aspects on which all agree" in agreed


def test_comparison_shows_safety_only_to_members(client, member):
    anonymous = text(compare(client, PUBLIC_GOOD, PUBLIC_LESS_GOOD))
    assert "Zebra" not in anonymous
    assert "shared with members of the network only" in anonymous
    members = text(compare(member, PUBLIC_GOOD, PUBLIC_LESS_GOOD, MEMBERS))
    assert "Zebra" in members and MEMBERS["title"] in members
    # The column of the entry that is not public says so, and only that one.
    heads = members.split("</thead>")[0].split('<th scope="col">')[2:]
    assert ["badge--restricted" in head for head in heads] == [False, False, True]
    assert "shared with members of the network only" not in members


def test_comparison_of_hidden_entries_reads_like_missing_ones(client, member):
    hidden = compare(client, PUBLIC_GOOD, MEMBERS)
    missing = client.get("/en/compare/", {"e": [key(PUBLIC_GOOD), "org-a/no-such"]})
    assert hidden.status_code == missing.status_code == 404
    assert "This entry could not be found: org-a/members-walrus." in text(hidden)
    assert "This entry could not be found: org-a/no-such." in text(missing)
    assert MEMBERS["summary"] not in text(hidden)
    # Another organisation's own entries stay hidden from a member too.
    assert compare(member, PUBLIC_GOOD, ORGANISATION).status_code == 404


def test_comparison_needs_two_to_four_entries(client):
    one = compare(client, PUBLIC_GOOD)
    assert one.status_code == 400
    assert "A comparison needs at least 2 entries." in text(one)
    five = client.get("/en/compare/", {"e": [key(entry) for entry in PUBLIC] + ["a/b", "c/d"]})
    assert five.status_code == 400
    assert "5 entries were chosen: a comparison holds 2 to 4." in text(five)
    # The same entry twice is one entry.
    assert compare(client, PUBLIC_GOOD, PUBLIC_GOOD).status_code == 400
    empty = client.get("/en/compare/")
    assert empty.status_code == 200 and "Put 2 to 4 practices or lessons side by side" in text(
        empty
    )


def test_an_address_of_another_shape_is_said_to_name_no_entries(client):
    html = text(client.get("/en/compare/", {"entries": key(PUBLIC_GOOD)}))
    assert "This address names no entries: the comparison does not read entries." in html
    assert "This address names no entries" not in text(client.get("/en/compare/"))
