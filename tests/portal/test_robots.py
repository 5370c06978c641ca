"""robots.txt: crawlers read the pages the sitemap lists, not the endless computed ones."""

import re
from urllib.parse import urlsplit

import pytest
from protego import Protego

from tests.factories import make_entry

pytestmark = pytest.mark.usefixtures("portal_db")


def robots(client) -> Protego:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return Protego.parse(response.content.decode())


def test_crawlers_read_the_pages_of_the_sitemap(client):
    make_entry()
    parser = robots(client)
    assert list(parser.sitemaps) == ["http://testserver/sitemap.xml"]
    sitemap = client.get("/sitemap.xml").content.decode()
    paths = [urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    assert "/de/organisations/test-org/test-entry/" in paths
    # The figures and the briefing as they open, unfiltered, are pages to find too.
    paths += ["/en/overview/", "/fr/briefing/", "/de/partners/"]
    for path in paths:
        assert parser.can_fetch(f"http://testserver{path}", "*"), path


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_crawlers_stay_out_of_computed_and_private_pages(client, language):
    parser = robots(client)
    for path in [
        "search/?q=chat&formats=chat",
        "search/feed/?formats=video",
        "compare/?entries=test-org/test-entry",
        "overview/?formats=chat",
        "partners/?countries=DE",
        "briefing/?formats=chat",
        "briefing.pdf",
        "accounts/login/",
        "account/searches/",
    ]:
        assert not parser.can_fetch(f"http://testserver/{language}/{path}", "*"), path
    for path in ["/admin/", "/api/v1/search/?q=chat", "/api/v1/entries.jsonl", "/language/"]:
        assert not parser.can_fetch(f"http://testserver{path}", "*"), path
