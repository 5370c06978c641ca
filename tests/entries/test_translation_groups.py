"""Translation groups: the fact (entries.selectors) and the lists and pages that show each
group once, in the reader's language, with links to the other versions the reader may
see. The search's side is in tests/search/test_translation_groups.py."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entries.models import EntryPage
from entries.selectors import entry_list, entry_translations, facet_counts, organisation_list
from entries.translations import entries_with_group, entry_group
from entries.visibility import ANONYMOUS, Reader
from organisations.services import membership_set
from tests.factories import make_entry

pytestmark = pytest.mark.usefixtures("portal_db")

MEMBER = Reader(is_member=True)
ORG = {"id": "alpha", "name": "Alpha Exit Network", "country": "DE"}


@pytest.fixture
def versions():
    """An English original, its French and (members-only) German translations, a Spanish
    translation of the French one, and an unrelated entry."""
    make_entry(id="guide", organisation=ORG, published="2024-01-01")
    make_entry(
        id="guide-fr",
        language="fr",
        translation_of="guide",
        organisation=ORG,
        title="Guide du chat de sortie",
        published="2024-01-02",
    )
    make_entry(
        id="guide-de",
        language="de",
        translation_of="guide",
        visibility="members",
        organisation=ORG,
        title="Leitfaden für den Ausstiegschat",
        published="2024-01-03",
    )
    make_entry(
        id="guide-es",
        language="es",
        translation_of="guide-fr",
        organisation=ORG,
        title="Guía del chat de salida",
        published="2024-01-04",
    )
    make_entry(id="other", organisation=ORG, title="Another entry", published="2023-01-01")


def _ids(entries) -> list[str]:
    return [entry.slug for entry in entries]


def test_a_group_is_named_by_the_organisation_and_the_original_following_chains(versions):
    groups = dict(entries_with_group(EntryPage.objects.all()).values_list("slug", "group"))
    assert groups == {
        "guide": "alpha/guide",
        "guide-fr": "alpha/guide",
        "guide-de": "alpha/guide",
        "guide-es": "alpha/guide",
        "other": "alpha/other",
    }
    assert entry_group(EntryPage.objects.get(slug="guide-es")) == "alpha/guide"


def test_a_translation_of_an_entry_not_yet_imported_is_named_by_that_id():
    make_entry(id="later-fr", language="fr", translation_of="later", organisation=ORG)
    assert entry_group(EntryPage.objects.get(slug="later-fr")) == "alpha/later"


def test_a_loop_of_translations_is_one_group():
    make_entry(id="loop-a", translation_of="loop-b", organisation=ORG)
    make_entry(id="loop-b", language="fr", translation_of="loop-a", organisation=ORG)
    groups = {entry_group(entry) for entry in EntryPage.objects.all()}
    assert groups == {"alpha/loop-a"}


def test_lists_show_each_group_once_in_the_readers_language(versions):
    assert sorted(_ids(entry_list(reader=ANONYMOUS))) == ["guide", "other"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("entries.translations.get_language", lambda: "fr")
        assert sorted(_ids(entry_list(reader=ANONYMOUS))) == ["guide-fr", "other"]
        patch.setattr("entries.translations.get_language", lambda: "de")
        # The German version is for members: an anonymous reader gets the original.
        assert sorted(_ids(entry_list(reader=ANONYMOUS))) == ["guide", "other"]
        assert sorted(_ids(entry_list(reader=MEMBER))) == ["guide-de", "other"]


def test_organisation_and_term_counts_count_groups_of_visible_entries(versions):
    alpha = next(org for org in organisation_list(reader=ANONYMOUS) if org.slug == "alpha")
    assert alpha.entry_count == 2
    chat = {
        term.slug: count
        for term, count in facet_counts(reader=ANONYMOUS, facets=["formats"])["formats"]
    }
    assert chat["chat"] == 2


def test_the_other_versions_are_those_the_reader_may_see(versions):
    guide = EntryPage.objects.get(slug="guide")
    assert [v.language for v in entry_translations(reader=ANONYMOUS, entry=guide)] == ["es", "fr"]
    assert [v.language for v in entry_translations(reader=MEMBER, entry=guide)] == [
        "de",
        "es",
        "fr",
    ]


def test_cards_and_pages_link_the_other_versions_in_their_own_language(client, versions):
    listing = client.get("/en/entries/").content.decode()
    assert "2 entries" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", listing))
    assert re.search(
        r'Also in: <a href="/en/organisations/alpha/guide-es/" hreflang="es" lang="es">Español</a>, '
        r'<a href="/en/organisations/alpha/guide-fr/" hreflang="fr" lang="fr">Français</a>',
        listing,
    )
    assert "guide-de" not in listing
    page = client.get("/en/organisations/alpha/guide-fr/").content.decode()
    # A language the entry exists in names that version; the others, this one framed in them.
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
    assert alternates == {
        "en": "http://testserver/en/organisations/alpha/guide/",
        "fr": "http://testserver/fr/organisations/alpha/guide-fr/",
        "de": "http://testserver/de/organisations/alpha/guide-fr/",
        "es": "http://testserver/en/organisations/alpha/guide-es/",
        "x-default": "http://testserver/organisations/alpha/guide-fr/",
    }
    assert "guide-de" not in page
    assert '<a href="/en/organisations/alpha/guide/" hreflang="en" lang="en">English</a>' in page


LIST_PAGES = ["/en/", "/en/entries/", "/en/organisations/alpha/", "/en/search/?q=chat"]


def _guides(first: int, last: int) -> None:
    """Entries `guide-<n>` with a French translation and a members-only German one."""
    for n in range(first, last):
        make_entry(id=f"guide-{n}", organisation=ORG, title=f"Exit chat guide {n}")
        make_entry(id=f"guide-{n}-fr", language="fr", translation_of=f"guide-{n}", organisation=ORG)
        make_entry(
            id=f"guide-{n}-de",
            language="de",
            translation_of=f"guide-{n}",
            visibility="members",
            organisation=ORG,
        )


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_other_versions_of_a_list_cost_the_same_queries_for_any_number_of_cards(client):
    _guides(0, 2)
    for path in LIST_PAGES:
        # What the first request caches (the site's root paths) is not counted.
        client.get(path)
    few = {path: _queries(client, path) for path in LIST_PAGES}
    _guides(2, 6)
    for path in LIST_PAGES:
        html = client.get(path).content.decode()
        assert html.count('class="other-versions"') == 6, path
        assert _queries(client, path) == few[path], path


@pytest.mark.parametrize("path", LIST_PAGES)
def test_cards_link_only_the_versions_the_reader_may_see(client, path):
    _guides(0, 1)
    card = (
        'Also in: <a href="/en/organisations/alpha/guide-0-fr/" hreflang="fr" lang="fr">'
        "Français</a>"
    )
    html = client.get(path).content.decode()
    assert card + "</p>" in html
    assert "guide-0-de" not in html
    client.force_login(membership_set(username="reader", organisation_id="isd", role="member").user)
    html = client.get(path).content.decode()
    assert (
        'Also in: <a href="/en/organisations/alpha/guide-0-de/" hreflang="de" lang="de">'
        "Deutsch</a>, " + card[len("Also in: ") :] + "</p>"
    ) in html
