"""The comparison selection: what a reader keeps to compare or brief on while going from
page to page (briefings.services, kept in the session), its limits, its errors, what it
shows to whom, and the forms on cards and entry pages that change it without JavaScript."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, override_settings

from briefings.selectors import MAX_COMPARED, SELECTION_SESSION_KEY, selection_shown
from briefings.services import (
    SelectionError,
    selection_add,
    selection_clear,
    selection_remove,
)
from entries.visibility import reader_for
from organisations.services import membership_set
from tests.briefings.corpus import (
    MEMBERS,
    ORGANISATION,
    PUBLIC,
    PUBLIC_GOOD,
    PUBLIC_GOOD_FR,
    PUBLIC_LESS_GOOD,
    PUBLIC_PROMISING,
    corpus_create,
    key,
)
from tests.conftest import shared_data
from vocabulary.services import vocabulary_load

pytestmark = pytest.mark.usefixtures("corpus", "portal_db")

ANONYMOUS = reader_for(AnonymousUser())
FULL_MESSAGE = "A comparison holds at most 4 entries, and yours is full."


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
def member_user():
    return membership_set(username="member-a", organisation_id="org-a", role="member").user


@pytest.fixture
def member(member_user):
    member = Client()
    member.force_login(member_user)
    return member


def stored(client: Client, *entries) -> None:
    """The client's session holds these entries as its selection, as if added earlier."""
    session = client.session
    session[SELECTION_SESSION_KEY] = [key(entry) for entry in entries]
    session.save()


def add(client: Client, entry_key: str, next_url: str = "/en/search/", **extra):
    return client.post("/en/compare/add/", {"e": entry_key, "next": next_url}, **extra)


def text(response) -> str:
    return response.content.decode()


def tray(html: str) -> str:
    found = re.search(r'<aside class="comparison-tray".*?</aside>', html, re.S)
    return found.group(0) if found else ""


# The selection itself


def test_added_entries_keep_their_order_and_come_once():
    session = SessionStore()
    for entry in (PUBLIC_LESS_GOOD, PUBLIC_GOOD, PUBLIC_LESS_GOOD):
        selection_add(session=session, reader=ANONYMOUS, key=key(entry))
    shown = selection_shown(reader=ANONYMOUS, session=session)
    assert [entry.title for entry in shown.entries] == [
        PUBLIC_LESS_GOOD["title"],
        PUBLIC_GOOD["title"],
    ]
    assert shown.query == "e=org-b%2Fvideo-less-good&e=org-a%2Fchat-good"
    selection_remove(session=session, key=key(PUBLIC_LESS_GOOD))
    # Removing what is not there is no error: a form sent twice removes once.
    selection_remove(session=session, key=key(PUBLIC_LESS_GOOD))
    assert session[SELECTION_SESSION_KEY] == [key(PUBLIC_GOOD)]
    selection_clear(session=session)
    assert selection_shown(reader=ANONYMOUS, session=session).entries == []


def test_a_fifth_entry_is_refused_saying_four_is_the_maximum(member_user):
    reader = reader_for(member_user)
    session = SessionStore()
    four = (PUBLIC_GOOD, PUBLIC_GOOD_FR, PUBLIC_LESS_GOOD, PUBLIC_PROMISING)
    assert len(four) == MAX_COMPARED
    for entry in four:
        selection_add(session=session, reader=reader, key=key(entry))
    with pytest.raises(SelectionError) as refused:
        selection_add(session=session, reader=reader, key=key(MEMBERS))
    assert FULL_MESSAGE in refused.value.message
    assert "Remove one before adding another." in refused.value.message
    assert session[SELECTION_SESSION_KEY] == [key(entry) for entry in four]
    # One already there is no fifth.
    selection_add(session=session, reader=reader, key=key(PUBLIC_GOOD))


@pytest.mark.parametrize(
    ("bad_key", "message"),
    [
        ("", "No entry was named"),
        ("   ", "No entry was named"),
        ("chat-good", "“chat-good” does not name an entry"),
        ("org-a/Chat Good", "“org-a/Chat Good” does not name an entry"),
        ("org-a/chat-good/more", "does not name an entry"),
        ("org-a/no-such", "This entry could not be found: org-a/no-such."),
    ],
)
def test_bad_keys_are_refused_with_a_message_naming_what_is_wrong(bad_key, message):
    session = SessionStore()
    with pytest.raises(SelectionError) as refused:
        selection_add(session=session, reader=ANONYMOUS, key=bad_key)
    assert message in refused.value.message
    assert SELECTION_SESSION_KEY not in session


def test_a_hidden_entry_is_refused_like_a_missing_one():
    session = SessionStore()
    for hidden in (MEMBERS, ORGANISATION):
        with pytest.raises(SelectionError) as refused:
            selection_add(session=session, reader=ANONYMOUS, key=key(hidden))
        assert refused.value.message == (
            f"This entry could not be found: {key(hidden)}. The address may be mistyped, "
            "or the entry removed."
        )


def test_an_entry_the_reader_no_longer_sees_is_left_out_and_gives_way(member_user):
    """A members entry kept while signed in (or one hidden since) is not shown to a reader
    who may not see it, and does not count against the limit."""
    session = SessionStore()
    session[SELECTION_SESSION_KEY] = [key(MEMBERS), *(key(entry) for entry in PUBLIC)]
    assert len(selection_shown(reader=reader_for(member_user), session=session).entries) == 4
    shown = selection_shown(reader=ANONYMOUS, session=session)
    assert [entry.title for entry in shown.entries] == [entry["title"] for entry in PUBLIC]
    assert "members-walrus" not in shown.query
    selection_add(session=session, reader=ANONYMOUS, key=key(PUBLIC_GOOD_FR))
    assert session[SELECTION_SESSION_KEY] == [
        *(key(entry) for entry in PUBLIC),
        key(PUBLIC_GOOD_FR),
    ]


def test_a_session_holding_rubbish_shows_nothing_of_it():
    session = SessionStore()
    session[SELECTION_SESSION_KEY] = [None, 3, "../../etc", key(PUBLIC_GOOD)]
    shown = selection_shown(reader=ANONYMOUS, session=session)
    assert [entry.title for entry in shown.entries] == [PUBLIC_GOOD["title"]]


# The forms and the tray


def test_adding_from_a_card_returns_to_it_and_the_tray_lists_the_entry(client):
    # The card's form asks to come back to itself.
    response = add(
        client, key(PUBLIC_GOOD), "/en/search/?formats=chat&page=1#compare-org-a/chat-good"
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/search/?formats=chat&page=1#compare-org-a/chat-good"
    # The page's form names no card: the return goes to the card of the entry changed.
    response = client.post(
        "/en/compare/remove/",
        {"e": key(PUBLIC_GOOD), "next": "/en/search/?formats=chat&page=1", "to_card": "1"},
    )
    assert response["Location"] == "/en/search/?formats=chat&page=1#compare-org-a/chat-good"
    add(client, key(PUBLIC_GOOD), "/en/search/?formats=chat&page=1")
    html = text(client.get("/en/search/", {"formats": "chat"}))
    assert "Added to the comparison: “Anonymous chat for leavers”." in html
    shown = tray(html)
    assert "Comparison (1)" in shown and PUBLIC_GOOD["title"] in shown
    assert "Add one more entry to compare." in shown
    assert 'href="/en/briefing/?e=org-a%2Fchat-good"' in shown
    # The card says what its form now does, for this entry only.
    assert re.search(
        r'id="compare-org-a/chat-good">.*?Remove from comparison<span class="visually-hidden">'
        r' <span lang="en">Anonymous chat for leavers',
        html,
        re.S,
    )
    assert re.search(
        r'id="compare-org-b/forum-promising"><button type="submit" form="comparison-form" formaction="/en/compare/add/"',
        html,
    )


def test_the_tray_is_on_every_page_while_the_selection_holds_entries(client):
    assert tray(text(client.get("/en/practices/"))) == ""
    stored(client, PUBLIC_GOOD, PUBLIC_PROMISING)
    for path in (
        "/en/practices/",
        "/en/organisations/org-b/",
        "/en/organisations/org-a/chat-good/",
        "/en/overview/",
        "/en/partners/",
        "/en/accounts/login/",
        "/en/no-such-page/",
    ):
        shown = tray(text(client.get(path)))
        assert "Comparison (2)" in shown, path
        assert 'href="/en/compare/"' in shown, path
        assert ">Briefing</a>" in shown and 'action="/en/compare/clear/"' in shown, path


def test_cards_in_lists_and_the_entry_page_reflect_the_selection(client):
    stored(client, PUBLIC_PROMISING)
    organisation = text(client.get("/en/organisations/org-b/"))
    assert re.search(
        r'id="compare-org-b/forum-promising"><button type="submit" form="comparison-form" formaction="/en/compare/remove/"',
        organisation,
    )
    assert re.search(
        r'id="compare-org-b/video-less-good"><button type="submit" form="comparison-form" formaction="/en/compare/add/"',
        organisation,
    )
    lessons = text(client.get("/en/lessons/"))
    assert 'id="compare-org-b/video-less-good"' in lessons
    entry = text(client.get("/en/organisations/org-b/forum-promising/"))
    assert re.search(r"<button[^>]*>Remove from comparison<span", entry)
    other = text(client.get("/en/organisations/org-a/chat-good/"))
    assert re.search(r"<button[^>]*>Add to comparison<span", other)


def test_the_search_page_has_one_model_a_form_per_card(client):
    html = text(client.get("/en/search/", {"formats": "chat", "junk": "x" * 40}))
    assert 'name="e"' in html and 'type="checkbox" name="e"' not in html
    # The page's one comparison form returns to the search by its clean address, not the one
    # it was asked by; every card's button submits it with its own entry's key.
    assert html.count('id="comparison-form"') == 1
    assert html.count('name="next" value="/en/search/?formats=chat&amp;page=1"') == 1
    assert re.search(
        r'form="comparison-form" formaction="/en/compare/add/" name="e" value="org-a/chat-good"',
        html,
    )
    assert "x" * 40 not in html
    assert 'href="/en/briefing/?formats=chat&amp;"' in html


def test_the_tray_never_names_an_entry_the_reader_may_not_see(client):
    stored(client, MEMBERS, PUBLIC_GOOD, ORGANISATION)
    html = text(client.get("/en/practices/"))
    assert "Comparison (1)" in tray(html)
    for hidden in (MEMBERS, ORGANISATION):
        assert hidden["title"] not in html and key(hidden) not in html


def test_a_fifth_entry_from_a_card_says_four_is_the_maximum(member):
    stored(member, PUBLIC_GOOD, PUBLIC_GOOD_FR, PUBLIC_LESS_GOOD, PUBLIC_PROMISING)
    response = add(member, key(MEMBERS), "/en/practices/#compare-org-a/members-walrus")
    # Back to the top of the page, where the message is.
    assert response["Location"] == "/en/practices/"
    html = text(member.get("/en/practices/"))
    assert FULL_MESSAGE in html
    assert "Comparison (4)" in tray(html)


def test_a_bad_key_from_a_form_is_said_on_the_page(client):
    response = add(client, "org-a/Bad Key", "/en/practices/")
    assert response["Location"] == "/en/practices/"
    html = text(client.get("/en/practices/"))
    assert "“org-a/Bad Key” does not name an entry" in html
    assert tray(html) == ""


@pytest.mark.parametrize(
    "next_url",
    ["https://elsewhere.example/", "//elsewhere.example/path", "javascript:alert(1)", ""],
)
def test_the_return_address_stays_on_this_site(client, next_url):
    response = add(client, key(PUBLIC_GOOD), next_url)
    assert response["Location"] == "/en/compare/"


def test_changes_need_post_and_the_csrf_token():
    careful = Client(enforce_csrf_checks=True)
    assert careful.get("/en/compare/add/", {"e": key(PUBLIC_GOOD)}).status_code == 405
    assert add(careful, key(PUBLIC_GOOD)).status_code == 403
    assert SELECTION_SESSION_KEY not in careful.session


def test_remove_and_clear_from_the_tray(client):
    stored(client, PUBLIC_GOOD, PUBLIC_PROMISING, PUBLIC_LESS_GOOD)
    response = client.post(
        "/en/compare/remove/", {"e": key(PUBLIC_PROMISING), "next": "/en/practices/"}
    )
    assert response["Location"] == "/en/practices/"
    html = text(client.get("/en/practices/"))
    assert "Removed from the comparison." in html
    assert "Comparison (2)" in tray(html) and PUBLIC_PROMISING["title"] not in tray(html)
    client.post("/en/compare/clear/", {"next": "/en/practices/"})
    html = text(client.get("/en/practices/"))
    assert "The comparison is empty again." in html and tray(html) == ""


# The comparison of the selection


def test_the_comparison_without_an_address_compares_the_selection(client):
    stored(client, PUBLIC_GOOD, MEMBERS, PUBLIC_PROMISING, PUBLIC_LESS_GOOD)
    response = client.get("/en/compare/")
    html = text(response)
    assert response.status_code == 200
    headers = re.findall(r'<th scope="col"><a href="[^"]+" lang="en">([^<]+)</a>', html)
    assert headers[:3] == [
        PUBLIC_GOOD["title"],
        PUBLIC_PROMISING["title"],
        PUBLIC_LESS_GOOD["title"],
    ]
    assert MEMBERS["title"] not in html
    assert (
        'href="/en/briefing/?e=org-a%2Fchat-good&amp;e=org-b%2Fforum-promising'
        '&amp;e=org-b%2Fvideo-less-good"' in html
    )
    # Removing a column removes it from the selection and comes back here.
    assert re.search(
        r'action="/en/compare/remove/" class="compare__remove">.*?name="next" value="/en/compare/#main"',
        html,
    )
    client.post("/en/compare/remove/", {"e": key(PUBLIC_PROMISING), "next": "/en/compare/"})
    html = text(client.get("/en/compare/"))
    assert PUBLIC_PROMISING["title"] not in html and PUBLIC_LESS_GOOD["title"] in html


def test_one_selected_entry_is_a_step_on_the_way_not_an_error(client):
    stored(client, PUBLIC_GOOD)
    response = client.get("/en/compare/")
    assert response.status_code == 200
    assert "A comparison needs at least 2 entries." in text(response)
    assert 'role="alert"' not in text(response)


def test_a_shared_comparison_address_leaves_the_selection_alone(client):
    stored(client, PUBLIC_LESS_GOOD)
    html = text(client.get("/en/compare/", {"e": [key(PUBLIC_GOOD), key(PUBLIC_PROMISING)]}))
    assert 'href="?e=org-b%2Fforum-promising" class="compare__remove"' in html
    assert "Comparison (1)" in tray(html)


@pytest.mark.parametrize(
    ("language", "add_label", "tray_label"),
    [
        ("fr", "Ajouter à la comparaison", "Comparaison (1)"),
        ("de", "Zum Vergleich hinzufügen", "Vergleich (1)"),
    ],
)
def test_the_selection_speaks_the_reader_language(client, language, add_label, tray_label):
    stored(client, PUBLIC_GOOD)
    html = text(client.get(f"/{language}/organisations/org-b/"))
    assert add_label in html and tray_label in tray(html)


def test_the_briefing_without_an_address_briefs_on_the_selection(client):
    stored(client, PUBLIC_LESS_GOOD, MEMBERS, PUBLIC_GOOD)
    html = text(client.get("/en/briefing/"))
    assert "A selection of 2 entries chosen by hand." in html
    assert html.index(PUBLIC_LESS_GOOD["title"]) < html.index(PUBLIC_GOOD["title"])
    assert MEMBERS["title"] not in html and PUBLIC_PROMISING["title"] not in html
    assert 'href="/en/briefing.pdf?e=org-b%2Fvideo-less-good&amp;e=org-a%2Fchat-good"' in html
    pdf = client.get("/en/briefing.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # A search's briefing stays the search's.
    assert "chosen by hand" not in text(client.get("/en/briefing/", {"formats": "chat"}))


def test_the_briefing_without_a_selection_briefs_on_every_entry(client):
    html = text(client.get("/en/briefing/"))
    assert "chosen by hand" not in html and PUBLIC_PROMISING["title"] in html
