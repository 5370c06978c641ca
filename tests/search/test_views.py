"""The search page, its feed, autocomplete and the search API, as a visitor uses them.
The database answers here; tests/search/test_behaviour.py runs the search itself on both."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings

from entries.imports import entries_import
from entries.selectors import MAX_FILTER_VALUES
from search.views import CHIPS_SHOWN
from tests.conftest import shared_data
from tests.factories import fixture_lines
from vocabulary.services import vocabulary_load

pytestmark = pytest.mark.usefixtures("seed", "portal_db")


def seed_load() -> None:
    vocabulary_load()
    with override_settings(SEARCH_URL=None):
        assert entries_import(fixture_lines("seed-entries.jsonl")).ok


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker):
    """The seed entries, loaded once: every test here reads them (tests/conftest.py)."""
    yield from shared_data(django_db_blocker, seed_load)


@pytest.fixture(autouse=True)
def database_search(settings):
    settings.SEARCH_URL = None


def test_search_page_shows_results_and_facets_and_no_engine_notice_without_an_engine(client):
    html = client.get("/en/search/", {"q": "redirect"}).content.decode()
    assert "The Redirect Method" in html
    assert re.search(r'<input type="checkbox" name="formats" value="search-advertising"', html)
    # No engine is configured: the database is the search, not a stand-in for a resting one
    # (tests/search/test_engine_notice.py shows the notice when a configured one is down).
    assert "may be less precise" not in html
    assert "Back-end" not in html


def test_selected_values_become_chips_that_remove_themselves(client):
    response = client.get("/en/search/", {"formats": ["chat", "video"], "q": "exit"})
    html = response.content.decode()
    assert 'aria-label="Remove filter Format: Text chat"' in html
    remove_chat = re.search(r'<a href="([^"]+)" aria-label="Remove filter Format: Text chat"', html)
    assert "formats=video" in remove_chat.group(1) and "formats=chat" not in remove_chat.group(1)
    assert "q=exit" in remove_chat.group(1)
    assert '<a href="?q=exit" class="clear-all">Clear all</a>' in html


def test_every_state_is_in_the_url_and_pages_follow(client):
    html = client.get("/en/search/", {"page_size": 2, "sort": "newest"}).content.decode()
    next_link = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "page_size=2" in next_link and "sort=newest" in next_link and "page=2" in next_link
    assert "Page 1 of" in html


def test_bad_parameters_get_a_clear_message_not_a_crash(client):
    response = client.get("/en/search/", {"page": "two"})
    assert response.status_code == 400
    assert "<code>page</code> must be an integer, not &#x27;two&#x27;" in response.content.decode()
    api = client.get("/api/v1/search/", {"sort": "oldest"})
    assert api.status_code == 400
    assert api.json() == {
        "detail": "sort: must be one of relevance, newest",
        "parameter": "sort",
    }


def test_year_range_is_a_filter_with_a_chip_and_outlives_ticking_a_facet(client):
    html = client.get(
        "/en/search/", {"year_from": 2015, "formats": "chat", "sort": "newest", "page_size": 5}
    ).content.decode()
    chip = re.search(r'<a href="([^"]+)" aria-label="Remove filter Years: Active from 2015"', html)
    remove_years = chip.group(1).replace("&amp;", "&")
    assert "formats=chat" in remove_years and "year_from" not in remove_years
    facet_form = html[
        html.index("data-facet-form") : html.index("</form>", html.index("data-facet-form"))
    ]
    assert '<input type="hidden" name="sort" value="newest">' in facet_form
    assert '<input type="hidden" name="page_size" value="5">' in facet_form
    assert re.search(r'name="year_from"[^>]*value="2015"', facet_form)
    clear = re.search(r'<a href="([^"]+)" class="clear-all">', html).group(1).replace("&amp;", "&")
    assert clear == "?sort=newest&page_size=5"


def test_a_search_of_the_entries_started_in_a_year_shows_it_and_keeps_it(client):
    html = client.get("/fr/search/", {"started": 2015, "formats": "chat"}).content.decode()
    chip = re.search(r'<a href="([^"]+)" aria-label="[^"]*Commencée en 2015"', html)
    assert chip.group(1).replace("&amp;", "&") == "?formats=chat"
    facet_form = html[
        html.index("data-facet-form") : html.index("</form>", html.index("data-facet-form"))
    ]
    assert '<input type="hidden" name="started" value="2015">' in facet_form


def test_the_error_page_searches_again_without_the_bad_parameter(client):
    response = client.get("/en/search/", {"sort": "oldest", "formats": "chat"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<input type="hidden" name="formats" value="chat"' in html
    assert 'name="sort"' not in html
    assert '<a href="/en/search/">start a new search</a>' in html


def test_the_error_page_keeps_the_words_and_links_the_search_without_the_bad_parameter(client):
    response = client.get("/en/search/", {"q": "online chat", "formats": "chat", "page": "abc"})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<input id="search-q" type="search" name="q" value="online chat"', html)
    retry = re.search(r'<a href="([^"]+)">Search again without it</a>', html).group(1)
    assert retry.replace("&amp;", "&") == "/en/search/?q=online+chat&formats=chat"
    assert client.get(retry.replace("&amp;", "&")).status_code == 200


def test_a_page_past_the_last_links_to_the_last(client):
    html = client.get("/en/search/", {"page_size": 10, "page": 40}).content.decode()
    last = re.search(r'<a href="([^"]+)">Go to the last page</a>', html).group(1)
    count = int(re.search(r"(\d+) results?</h2>", html).group(1))
    assert last.replace("&amp;", "&") == f"?page_size=10&page={-(-count // 10)}"
    assert "Nothing matches" not in html and "Page 40 of" not in html


def test_search_api_answers_the_contract(client):
    answer = client.get(
        "/api/v1/search/", {"q": "redirect", "formats": "search-advertising"}
    ).json()
    assert set(answer) >= {"count", "page", "page_size", "results", "facets", "engine"}
    assert answer["engine"] == "database"
    result = answer["results"][0]
    assert set(result) == {
        "organisation",
        "id",
        "kind",
        "language",
        "title",
        "summary",
        "url",
        "highlight",
        "group",
        "visibility",
    }
    # Every version is a result of its own; the group names the entry they translate.
    assert result["group"] == f"{result['organisation']}/{result['id']}"
    assert result["visibility"] == "public"
    formats = {value["term"]: value for value in answer["facets"]["formats"]}
    assert formats["search-advertising"]["selected"] is True
    assert formats["search-advertising"]["label"] == "Search advertising"


def test_atom_feed_lists_the_newest_matches(client):
    response = client.get("/en/search/feed/", {"q": "redirect"})
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    titles = [
        entry.findtext("{http://www.w3.org/2005/Atom}title")
        for entry in root.iter("{http://www.w3.org/2005/Atom}entry")
    ]
    assert "The Redirect Method" in titles
    # Atom: every entry says when it changed and has an IRI for an id; the feed's own date is
    # that of its newest entry, so that readers can tell what is new.
    atom = "{http://www.w3.org/2005/Atom}"
    entries = list(root.iter(f"{atom}entry"))
    updated = [entry.findtext(f"{atom}updated") for entry in entries]
    assert all(updated) and root.findtext(f"{atom}updated") == max(updated)
    assert all(entry.findtext(f"{atom}id").startswith("http://testserver/") for entry in entries)
    # A feed reader follows the feed at its own address: the search's, not all entries'.
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{atom}link")}
    assert links["self"] == "http://testserver/en/search/feed/?q=redirect&sort=newest"
    assert links["alternate"] == "http://testserver/en/search/?q=redirect&sort=newest"


def test_atom_feed_refuses_a_bad_parameter_by_name(client):
    response = client.get("/en/search/feed/", {"q": "redirect", "year_from": "last year"})
    assert response.status_code == 400
    assert response.content.decode() == (
        "Invalid search parameter year_from: must be an integer, not 'last year'"
    )


def test_autocomplete_suggests_titles_and_terms(client):
    suggestions = client.get("/en/search/autocomplete/", {"q": "redir"}).json()["suggestions"]
    texts = [suggestion["text"] for suggestion in suggestions]
    assert "The Redirect Method" in texts
    assert "Redirect method" in texts  # the approach term


def test_highlights_show_matches_and_never_markup(client):
    from tests.factories import make_entry

    make_entry(
        id="hostile", summary="Talks about <script>alert(1)</script> numbat safety.", body="numbat"
    )
    html = client.get("/en/search/", {"q": "numbat"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<mark>" in html.lower() or "numbat" in html


def test_database_highlights_are_whole_words_with_paragraphs_apart(client):
    from tests.factories import make_entry

    make_entry(
        id="long-body",
        body="Opening words come first. " * 6 + "\n\nThe wombat paragraph follows.",
    )
    answer = client.get("/api/v1/search/", {"q": "wombat"}).json()
    (fragment,) = answer["results"][0]["highlight"]["body"]
    # Paragraphs stay apart, the fragment starts and ends on whole words, and the page,
    # not the fragment, adds the ellipses.
    assert "first. The <mark>wombat</mark> paragraph follows." in fragment
    assert fragment.split()[0] in {"Opening", "words", "come", "first."}
    assert "…" not in fragment


def test_more_filter_values_than_a_search_takes_get_a_400_that_names_the_facet(client):
    over = {"countries": [f"X{n}" for n in range(MAX_FILTER_VALUES + 1)]}
    page = client.get("/en/search/", over)
    assert page.status_code == 400
    assert f"<code>countries</code> too many filter values: at most {MAX_FILTER_VALUES}" in (
        page.content.decode()
    )
    api = client.get("/api/v1/search/", over)
    assert api.status_code == 400 and api.json()["parameter"] == "countries"
    feed = client.get("/en/search/feed/", over)
    assert feed.status_code == 400
    assert feed.content.decode().startswith("Invalid search parameter countries: too many")


def test_unrecognised_filter_values_get_one_notice_and_no_chip_each(client):
    unknown = [f"made-up-format-{n}" for n in range(500)]
    response = client.get("/en/search/", {"formats": ["chat", *unknown[:99]], "q": "exit"})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "99 filters were not recognised and were ignored: Format “made-up-format-0”, "
        "Format “made-up-format-1”, Format “made-up-format-2”, …." in html
    )
    assert html.count("made-up-format-") == 3
    # The known value stays selected, with its chip.
    assert 'aria-label="Remove filter Format: Text chat"' in html
    # 500 values spread over the facets: refused, on a small page.
    spread = {
        facet: unknown[n::5]
        for n, facet in enumerate(["formats", "domains", "countries", "platforms", "ideologies"])
    }
    refused = client.get("/en/search/", spread)
    assert refused.status_code == 400
    assert len(refused.content) < 100_000


def test_a_page_of_as_many_filters_as_allowed_stays_small(client):
    html = client.get(
        "/en/search/",
        {"countries": [f"X{n}" for n in range(MAX_FILTER_VALUES)], "junk": ["x"] * 50},
    ).content.decode()
    assert "100 filters were not recognised" in html
    assert "junk" not in html
    assert len(html) < 100_000


def test_chips_of_many_selected_filters_grow_linearly(client):
    from vocabulary.models import Term

    terms = list(Term.objects.values_list("facet", "slug")[:MAX_FILTER_VALUES])
    selected = {}
    for facet, slug in terms:
        selected.setdefault(facet, []).append(slug)
    html = client.get("/en/search/", selected).content.decode()
    assert f"{len(terms)} selected" in html
    assert html.count('aria-label="Remove filter') == CHIPS_SHOWN
    assert f"and {len(terms) - CHIPS_SHOWN} more, under Filters" in html
    # Every selected value stays ticked, to untick.
    assert html.count(" checked>") == len(terms)
    assert len(html) < 150_000


def test_links_carry_the_search_as_read_not_control_characters_as_sent(client):
    # A value of control characters selects nothing (it is cleaned to nothing); copied
    # into every link and form of the page, it made a page of 7 times its length.
    html = client.get(
        "/en/search/", {"evaluation": "\x00" * 10_000, "formats": "chat", "q": " exit  "}
    ).content.decode()
    assert "%00" not in html and "\x00" not in html
    assert len(html) < 100_000
    feed = re.search(r'href="(/en/search/feed/[^"]+)"', html).group(1).replace("&amp;", "&")
    assert feed == "/en/search/feed/?q=exit&formats=chat"
    remove_chat = re.search(r'<a href="([^"]+)" aria-label="Remove filter Format: Text chat"', html)
    assert remove_chat.group(1) == "?q=exit"


def test_the_error_page_form_carries_the_rest_of_the_search_cleaned(client):
    response = client.get(
        "/en/search/",
        {"page": "two", "evaluation": "\x00" * 10_000, "formats": "chat", "q": " exit\x07 "},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<code>page</code>" in html
    assert "\x00" not in html and "\x07" not in html and len(html) < 100_000
    assert '<input type="hidden" name="formats" value="chat"' in html
    assert 'name="page"' not in html and 'name="evaluation"' not in html


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"q": "zzyzx"}, "Nothing matches “zzyzx”. Try fewer or other words."),
        (
            {"formats": "chat", "started": 1001},
            "Nothing matches these filters. Remove one of them.",
        ),
        (
            {"q": "zzyzx", "formats": "chat"},
            "Nothing matches “zzyzx” with these filters. Try fewer words or remove a filter.",
        ),
    ],
)
def test_an_empty_result_advises_only_what_the_search_has(client, params, said):
    html = client.get("/en/search/", params).content.decode()
    assert said in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
