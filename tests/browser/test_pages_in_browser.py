import pytest

from entries.imports import entries_import
from portal.models import HomePage
from tests.browser import assert_accessible, live_portal_shared
from tests.factories import fixture_lines, make_entry

pytestmark = pytest.mark.browser


def seed_entries_import() -> None:
    assert entries_import(fixture_lines("seed-entries.jsonl")).ok


@pytest.fixture
def portal(portal_db, live_server):
    seed_entries_import()
    return live_server.url


@pytest.fixture(scope="class")
def seed_portal_shared(live_server_shared, django_db_blocker):
    yield from live_portal_shared(django_db_blocker, live_server_shared, seed_entries_import)


@pytest.mark.django_db
class TestPagesOfTheSeedEntries:
    """The tests only read: they share one live portal."""

    @pytest.fixture
    def portal(self, seed_portal_shared):
        return seed_portal_shared

    def test_home_page_reads_and_is_accessible(self, portal, page, axe):
        page.goto(portal + "/")
        assert page.locator("h1").inner_text() == "Online exit work: practices and lessons"
        assert page.get_by_role("link", name="The Redirect Method").is_visible()
        assert page.get_by_role("navigation", name="Main").is_visible()
        assert_accessible(axe, page)

    def test_visitor_goes_from_browse_to_an_entry_and_its_translation(self, portal, page, axe):
        page.goto(portal + "/")
        page.get_by_role("link", name="Online outreach").first.click()
        page.get_by_role(
            "link", name="One-to-one online interventions (Institute for Strategic Dialogue)"
        ).click()
        assert page.locator("h1").inner_text().startswith("One-to-one online interventions")
        assert_accessible(axe, page)
        # "Also in:" names the French version in French; the French version is framed in the
        # reader's language, its own text says its language.
        page.locator(".other-versions").get_by_role("link", name="Français").click()
        assert page.locator("h1").get_attribute("lang") == "fr"
        assert page.locator("html").get_attribute("lang") == "en"
        assert_accessible(axe, page)

    def test_lists_and_organisations_are_accessible(self, portal, page, axe):
        for path in ["/practices/", "/lessons/", "/organisations/", "/organisations/ran/"]:
            page.goto(portal + path)
            assert_accessible(axe, page)

    @pytest.mark.parametrize(
        ("language", "heading"), [("en", "Page not found"), ("fr", "Page introuvable")]
    )
    def test_not_found_page_reads_and_is_accessible(self, portal, page, axe, language, heading):
        response = page.goto(f"{portal}/{language}/practices/does-not-exist/")
        assert response.status == 404
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").inner_text() == heading
        assert_accessible(axe, page)

    @pytest.mark.parametrize(
        ("language", "heading"), [("en", "Something went wrong"), ("fr", "Un problème est survenu")]
    )
    def test_server_error_page_reads_and_is_accessible(
        self, portal, page, axe, monkeypatch, language, heading
    ):
        # A fault in a page's code: the live server (with the test settings, DEBUG off) answers
        # with Django's handler500 and templates/500.html, as production would.
        def fault(*args, **kwargs):
            raise RuntimeError("a fault in the home page")

        monkeypatch.setattr(HomePage, "get_context", fault)
        stylesheets = []
        page.on(
            "response", lambda answer: answer.url.endswith(".css") and stylesheets.append(answer)
        )
        response = page.goto(f"{portal}/{language}/")
        assert response.status == 500
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").inner_text() == heading
        # Checked with its styles (colours, contrast), as a reader sees it.
        assert [answer.status for answer in stylesheets] == [200]
        assert_accessible(axe, page)

    def test_pages_load_everything_they_ask_for(self, portal, page):
        # A browser asks for /favicon.ico when a page names no icon: a 404 in every
        # reader's console and in the server's log.
        failed, errors = [], []
        page.on("response", lambda answer: answer.status >= 400 and failed.append(answer.url))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        for path in [
            "/",
            "/search/?q=redirect",
            "/organisations/isd/isd-one-to-one/",
            "/overview/",
        ]:
            page.goto(portal + path, wait_until="networkidle")
        assert failed == []
        assert errors == []
        icon = page.locator("link[rel=icon]").get_attribute("href")
        assert page.request.get(portal + icon).headers["content-type"] == "image/svg+xml"

    def test_members_only_entry_is_not_found_for_a_visitor(self, portal, page):
        response = page.goto(portal + "/organisations/ran/back-end-security-and-supervision/")
        assert response.status == 404

    def test_entry_page_fits_a_phone_screen(self, portal, browser):
        context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
        page = context.new_page()
        page.goto(portal + "/organisations/isd/isd-one-to-one/")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        assert page.get_by_role("heading", name="At a glance").is_visible()
        context.close()


@pytest.mark.django_db(transaction=True)
def test_script_in_an_entry_never_runs(portal, page):
    entry = make_entry(
        summary="Look <script>window.pwned = 1</script> here, at least ten chars.",
        body="<script>window.pwned = 2</script> <img src=x onerror='window.pwned = 3'>",
    )
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(portal + entry.url)
    assert page.evaluate("window.pwned") is None
    assert "<script>window.pwned = 1</script>" in page.locator(".entry__summary").inner_text()
    assert dialogs == []
