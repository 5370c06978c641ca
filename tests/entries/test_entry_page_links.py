"""An entry page leads on: its terms to the search, breadcrumbs, the organisation's other
entries the reader may see, peer reviews with the reviewer's organisation."""

import re
from html import unescape

import pytest

from entries.models import PeerReview
from organisations.models import OrganisationPage
from organisations.services import membership_set, organisation_upsert
from tests.conftest import shared_data
from tests.factories import make_entry
from vocabulary.services import vocabulary_load

ORG = {"id": "exit-net", "name": "Exit Net", "country": "DE"}
PAGE = "/en/organisations/exit-net/chat-service/"


def corpus_load() -> None:
    vocabulary_load()
    make_entry(
        id="chat-service",
        title="Chat service",
        organisation=ORG,
        formats=["chat"],
        domains=["exit-work"],
        countries=["DE", "AT"],
        status="active",
        evaluation="internal",
        tags=["night shifts"],
    )
    make_entry(
        id="chat-service-fr",
        title="Service de chat",
        language="fr",
        translation_of="chat-service",
        organisation=ORG,
    )
    for number in range(1, 8):
        make_entry(id=f"public-{number}", title=f"Public note {number}", organisation=ORG)
    make_entry(id="members-note", title="Members note", organisation=ORG, visibility="members")
    make_entry(id="own-note", title="Own note", organisation=ORG, visibility="organisation")
    # A reviewer's organisation with nothing a visitor may read: named, not linked.
    quiet = organisation_upsert(id="quiet-org", name="Quiet Organisation")
    make_entry(
        id="quiet-entry",
        organisation={"id": "quiet-org", "name": "Quiet Organisation"},
        visibility="members",
    )
    reviewer = membership_set(username="reviewer", organisation_id="peer-org", role="member").user
    make_entry(id="peer-entry", organisation={"id": "peer-org", "name": "Peer Organisation"})
    page = OrganisationPage.objects.get(slug="exit-net").entries.get(slug="chat-service")
    PeerReview.objects.create(
        entry=page,
        reviewer=reviewer,
        reviewer_organisation=OrganisationPage.objects.get(slug="peer-org"),
        verdict="Clear and reusable.",
    )
    PeerReview.objects.create(entry=page, reviewer_organisation=quiet, verdict="Sound method.")


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    yield from shared_data(django_db_blocker, corpus_load)


pytestmark = pytest.mark.usefixtures("corpus")


def section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def links(html: str) -> dict[str, str]:
    """Link text -> address, of the anchors in this piece of a page."""
    return {
        unescape(re.sub(r"<[^>]+>", "", text)).strip(): unescape(href)
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html, flags=re.S)
    }


@pytest.mark.django_db
def test_every_term_at_a_glance_leads_to_the_search_filtered_to_it(client):
    glance = section(client.get(PAGE).content.decode(), 'id="facts-heading"', "</dl>")
    assert links(glance) == {
        "Active": "/en/search/?status=active",
        "Internal evaluation": "/en/search/?evaluation=internal",
        "Text chat": "/en/search/?formats=chat",
        "Exit work": "/en/search/?domains=exit-work",
        "Germany": "/en/search/?countries=DE",
        "Austria": "/en/search/?countries=AT",
        "night shifts": "/en/search/?q=night%20shifts",
        "EN": "/en/search/?language=en",
    }
    # The search those links open finds the entry.
    found = client.get("/en/search/?formats=chat").content.decode()
    assert "Chat service" in found


@pytest.mark.django_db
def test_terms_are_named_and_searched_in_the_readers_language(client):
    glance = section(
        client.get("/fr/organisations/exit-net/chat-service/").content.decode(),
        'id="facts-heading"',
        "</dl>",
    )
    assert links(glance)["Allemagne"] == "/fr/search/?countries=DE"


@pytest.mark.django_db
def test_breadcrumbs_lead_home_and_to_the_organisation(client):
    html = client.get(PAGE).content.decode()
    crumbs = section(html, '<nav class="breadcrumbs" aria-label="Breadcrumb">', "</nav>")
    assert links(crumbs) == {"Home": "/en/", "Exit Net": "/en/organisations/exit-net/"}
    assert '<span aria-current="page" lang="en">Chat service</span>' in crumbs


@pytest.mark.django_db
def test_more_from_the_organisation_shows_what_a_visitor_may_read_without_this_entry(client):
    html = client.get(PAGE).content.decode()
    more = links(section(html, 'id="more-from-heading"', "</section>"))
    titles = [title for title in more if title.startswith(("Public", "Members", "Own", "Serv"))]
    # Five of the seven public notes, never a hidden one nor this entry's translation.
    assert len(titles) == 5
    assert all(title.startswith("Public note") for title in titles)
    assert more["All entries of Exit Net"] == "/en/organisations/exit-net/"


@pytest.mark.django_db
def test_more_from_the_organisation_shows_its_members_what_they_may_read(client):
    member = membership_set(username="insider", organisation_id="exit-net", role="member").user
    client.force_login(member)
    html = client.get("/en/organisations/exit-net/public-1/").content.decode()
    more = links(section(html, 'id="more-from-heading"', "</section>"))
    # The newest first: the organisation's own and members' notes came last.
    assert {"Own note", "Members note"} <= set(more)
    assert "Public note 1" not in more
    # Each says who may read it; the public ones say nothing.
    items = section(html, 'id="more-from-heading"', "</section>").split("<li>")[1:]
    badges = {
        re.search(r'lang="en">([^<]+)</a>', item).group(1): re.findall(
            r'badge--restricted">([^<]+)<', item
        )
        for item in items
    }
    assert badges["Members note"] == ["Members of any organisation"]
    assert badges["Own note"] == ["Publishing organisation only"]
    assert all(not found for title, found in badges.items() if title.startswith("Public"))


@pytest.mark.django_db
def test_peer_reviews_name_the_reviewers_organisation_linked_when_readable(client):
    html = client.get(PAGE).content.decode()
    reviews = section(html, 'id="peer-review-heading"', "</section>")
    assert 'Reviewed by <a href="/en/organisations/peer-org/">Peer Organisation</a>' in reviews
    # Quiet Organisation has no page a visitor may open: its name only.
    assert "Reviewed by Quiet Organisation" in reviews
    assert "/organisations/quiet-org/" not in html
