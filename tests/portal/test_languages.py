"""The public site in French and German: every page a visitor reads is walked for English
left in the interface, and the catalogues are complete.

English is found with the catalogues themselves: the words of the English interface (the
msgids) that the language's own translations do not use. Entry content is not the
interface: the templates mark it with the entry's `lang`, and the walk leaves out every
element inside <body> that carries one; names (organisations, people) and what the visitor
typed are left out by value.
"""

import re
import subprocess
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from entries.imports import entries_import
from entries.models import EntryPage, EntryPartnerName
from organisations.models import OrganisationPage
from organisations.services import membership_set
from tests.conftest import shared_data
from tests.factories import fixture_lines, make_entry
from vocabulary.models import Term
from vocabulary.services import vocabulary_load

pytestmark = pytest.mark.usefixtures("portal_db")

LANGUAGES = ["fr", "de"]

# Words of the English interface that may stand in a French or German page: names of
# formats and of the API, and "English", the language's own name where languages are listed.
ALLOWED = {"api", "atom", "json", "english"}


def page_in(client, language: str, url: str, params: dict | None = None):
    """The page at `url` asked for in `language`: the one place that says how a page is
    asked for in a language. Pages by their prefixed address (`/fr/search/`), whatever
    prefix `url` had; the API, which has no prefix, by Accept-Language."""
    if not url.startswith("/api/"):
        path = url.split("/", 2)[2] if url.split("/")[1] in dict(settings.LANGUAGES) else url[1:]
        url = f"/{language}/{path}"
    return client.get(url, params or {}, headers={"accept-language": language})


# The catalogues.


@dataclass
class Message:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    return (
        text[1:-1]
        .replace('\\"', '"')
        .replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\\\", "\\")
    )


@cache
def catalogue(language: str) -> tuple[Message, ...]:
    """The messages of locale/<language>/LC_MESSAGES/django.po, the header left out."""
    path = settings.LOCALE_PATHS[0] / language / "LC_MESSAGES" / "django.po"
    messages = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        message, current = Message(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                message.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#~"):
                message.flags.add("obsolete")
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                current.append(_unquote(line))
            else:
                keyword, _, value = line.partition(" ")
                current = [_unquote(value)]
                if keyword == "msgid":
                    message.msgid = current
                elif keyword == "msgid_plural":
                    message.msgid_plural = current
                elif keyword == "msgctxt":
                    message.msgctxt = current
                else:
                    message.msgstrs.append(current)
        message.msgid = "".join(message.msgid)
        message.msgid_plural = "".join(message.msgid_plural)
        message.msgctxt = "".join(message.msgctxt) if message.msgctxt is not None else None
        message.msgstrs = ["".join(parts) for parts in message.msgstrs]
        if message.msgid:
            messages.append(message)
    return tuple(messages)


WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def words(text: str) -> set[str]:
    """The words of an interface string: placeholders, markup and machine names (with an
    underscore, such as year_to) left out."""
    text = re.sub(r"%\(\w+\)[sd]|\{\{?\s*\w+\s*\}?\}|<[^>]*>|&\w+;", " ", text)
    text = re.sub(r"\S*_\S*", " ", text)
    return {word.casefold() for word in WORD.findall(text) if len(word) > 1}


@cache
def _catalogue_words(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words of the English interface, and those of the language's translations."""
    english, translated = set(), set()
    for message in catalogue(language):
        english |= words(message.msgid) | words(message.msgid_plural)
        for text in message.msgstrs:
            translated |= words(text)
    return frozenset(english), frozenset(translated)


def english_words(language: str) -> set[str]:
    """The words of the English interface that neither the language's translations nor its
    vocabulary labels use ("Chat" is the French label of text chat)."""
    english, translated = _catalogue_words(language)
    labels = set()
    for label in Term.objects.values_list(f"label_{language}", flat=True):
        labels |= words(label)
    return english - translated - labels - ALLOWED


# The visible text of a page.


class VisibleText(HTMLParser):
    """What a person reads of a page: text (not scripts, styles or templates) and the
    attributes read out or shown (alt, title, aria-label, placeholder, the value of a
    button), without the elements in <body> that carry a `lang` (entry content) and
    without <code> (parameter names)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    # Not read as words: scripts and styles, and <code>, the machine names (parameters).
    HIDDEN = {"script", "style", "template", "code"}
    READ = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.in_body = False
        self.skipping = 0  # depth inside content or hidden elements

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body":
            self.in_body = True
        void = tag in self.VOID
        if self.skipping:
            self.skipping += 0 if void else 1
            return
        if tag in self.HIDDEN or (self.in_body and "lang" in attributes):
            self.skipping = 0 if void else 1
            return
        self.chunks += [attributes[name] for name in self.READ if attributes.get(name)]
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.chunks.append(attributes.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.skipping and tag not in self.VOID:
            self.skipping -= 1

    def handle_endtag(self, tag):
        if self.skipping and tag not in self.VOID:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.chunks.append(data)


def visible_chunks(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.chunks


def english_left(html: str, language: str, *, names: list[str] = ()) -> dict[str, str]:
    """English interface words in the visible text of a page: word -> where it stands.
    `names` (organisations, people, what the visitor typed) are left out first."""
    vocabulary = english_words(language)
    found = {}
    for chunk in visible_chunks(html):
        for name in sorted(names, key=len, reverse=True):
            chunk = chunk.replace(name, " ")
        for word in words(chunk) & vocabulary:
            found.setdefault(word, " ".join(chunk.split())[:120])
    return found


def content_names() -> list[str]:
    """Names the pages show as they are: organisations, partners, signed-in people, and the
    titles of entries where no element can carry their language (the window's title)."""
    return [
        *OrganisationPage.objects.values_list("title", flat=True),
        *EntryPage.objects.values_list("title", flat=True),
        *EntryPartnerName.objects.values_list("name", flat=True),
        "reader",
    ]


def assert_translated(response, language: str, *, names: list[str] = ()) -> None:
    assert response.status_code in (200, 400, 404), response.status_code
    left = english_left(response.content.decode(), language, names=[*content_names(), *names])
    assert not left, f"English left in {language}: {left}"


# The pages.


def site_load() -> dict[str, int]:
    """The seed entries, and a practice and a lesson with every field, one with a partner
    that is no member organisation and one naming a member organisation as partner."""
    vocabulary_load()
    report = entries_import(fixture_lines("seed-entries.jsonl"))
    assert report.ok, report.errors
    full = {
        "counsellor_choice": True,
        "assessment": "promising",
        "evaluation": "external",
        "status": "pilot",
        "started": 2019,
        "ended": 2023,
        "approaches": ["tandem-counselling"],
        "outcomes": "Fewer drop-outs than before.",
        "metrics": [{"name": "Clients reached", "value": 42, "unit": "people", "note": "2021"}],
        "ethics": "Consent first.",
        "safety": "Pseudonyms only.",
        "links": [{"title": "Project site", "url": "https://example.org/"}],
        "source": {"title": "Final report", "date": "2021-03-15"},
        "tags": ["night shifts"],
        "published": "2022-01-31",
    }
    practice = make_entry(
        id="full-practice",
        partners=[{"id": "isd", "name": "ISD"}, {"id": "partner-org", "name": "Partner Org"}],
        **full,
    )
    lesson = make_entry(
        id="full-lesson",
        kind="lesson",
        context="The context of the lesson.",
        what_worked="Listening worked.",
        what_did_not_work="Night shifts did not.",
        recommendations=["Plan rest.", "Share the load."],
        audience=["practitioners", "policymakers"],
        **full,
    )
    return {"practice": practice.pk, "lesson": lesson.pk}


@pytest.fixture(scope="class")
def site_shared(django_db_setup, django_db_blocker):
    """Loaded once for the class of page walks (tests/conftest.py, shared_data)."""
    yield from shared_data(django_db_blocker, site_load)


@pytest.fixture
def site(portal_db, site_shared):
    return {kind: EntryPage.objects.get(pk=pk) for kind, pk in site_shared.items()}


PAGES = {
    "home": ("/", {}),
    "search with results, facets and chips": (
        "/search/",
        {"q": "chat", "formats": "chat", "kind": "practice", "year_from": "2010"},
    ),
    "search without words": ("/search/", {}),
    "search with no result": ("/search/", {"q": "zzyzzx", "formats": "chat"}),
    "search with no result and no filter": ("/search/", {"q": "zzyzzx"}),
    "search past the last page": ("/search/", {"q": "chat", "page": "40"}),
    "search with an unrecognised filter": ("/search/", {"formats": "no-such-format"}),
    "search with a bad parameter": ("/search/", {"page": "two"}),
    "search sorted, one result a page": ("/search/", {"sort": "newest", "page_size": "1"}),
    "entries": ("/entries/", {}),
    "practices": ("/practices/", {}),
    "lessons": ("/lessons/", {}),
    "entries with a bad filter": ("/entries/", {"formats": "\x00"}),
    "organisations": ("/organisations/", {}),
    "an organisation": ("/organisations/test-org/", {}),
    "an organisation named as partner": ("/organisations/isd/", {}),
    "a page that does not exist": ("/organisations/no-such-organisation/", {}),
}
TYPED = ["chat", "zzyzzx", "no-such-format", "two"]


class TestPagesInFrenchAndGerman:
    """The pages a visitor reads, walked on the seed entries and two full entries,
    loaded once for the class: what a test writes (a member signing in) is its own."""

    @pytest.mark.parametrize("language", LANGUAGES)
    @pytest.mark.parametrize("name", PAGES)
    def test_public_page_has_no_english_left(self, client, site, language, name):
        url, params = PAGES[name]
        assert_translated(page_in(client, language, url, params), language, names=TYPED)

    @pytest.mark.parametrize("language", LANGUAGES)
    @pytest.mark.parametrize("kind", ["practice", "lesson"])
    def test_entry_page_has_no_english_left(self, client, site, language, kind):
        entry = site[kind]
        assert_translated(page_in(client, language, entry.url), language)
        # A member of another organisation sees the members' fields and the peer review form.
        member = membership_set(username="reader", organisation_id="other-org", role="member")
        client.force_login(member.user)
        assert_translated(page_in(client, language, entry.url), language)

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_seed_entry_pages_have_no_english_left(self, client, site, language):
        entries = (
            EntryPage.objects.live().filter(visibility="public").exclude(slug__startswith="full-")
        )
        assert entries.count() > 3
        for entry in entries:
            assert_translated(page_in(client, language, entry.url), language)

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_feed_title_and_subtitle_are_translated(self, client, site, language):
        xml = page_in(client, language, "/search/feed/", {"q": "chat"}).content.decode()
        title = re.search(r"<title>(.*?)</title>", xml).group(1)
        subtitle = re.search(r"<subtitle>(.*?)</subtitle>", xml).group(1)
        for text in (title, subtitle):
            assert not english_left(f"<p>{text}</p>", language, names=["chat"]), text
        newest = page_in(client, language, "/search/feed/").content.decode()
        assert not english_left(
            f"<p>{re.search(r'<title>(.*?)</title>', newest).group(1)}</p>", language
        )
        refused = page_in(client, language, "/search/feed/", {"page_size": "0"})
        assert refused.status_code == 400
        assert not english_left(f"<p>{refused.content.decode()}</p>", language)

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_autocomplete_words_its_hints_in_the_language(self, client, site, language):
        answer = page_in(client, language, "/search/autocomplete/", {"q": "cha"}).json()
        assert answer["suggestions"]
        texts = [answer["status"]]
        for suggestion in answer["suggestions"]:
            texts.append(suggestion["hint"])
            if suggestion["kind"] == "term":
                texts.append(suggestion["text"])  # the term's label in the language
        for text in texts:
            assert not english_left(f"<p>{text}</p>", language), text

    def test_english_is_still_english(self, client, site):
        """The walk itself: in English the same pages are full of the words it looks for."""
        html = page_in(client, "en", "/search/", {"q": "chat"}).content.decode()
        assert {"search", "filters", "relevance"} <= set(english_left(html, "fr"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_server_error_page_has_no_english_left(language):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert not english_left(response.content.decode(), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_errors_speak_the_language_and_keep_their_machine_fields(client, language):
    answer = page_in(client, language, "/api/v1/search/", {"page": "two"})
    assert answer.status_code == 400
    body = answer.json()
    assert set(body) == {"detail", "parameter"}
    assert body["parameter"] == "page"
    assert body["detail"].startswith("page: ")
    # The parameter's name leads the message, as the contract says; the rest is for people.
    message = body["detail"].removeprefix("page: ")
    assert not english_left(f"<p>{message}</p>", language, names=["two"])
    missing = page_in(client, language, "/api/v1/entries/no-such-org/no-such-entry/")
    assert missing.status_code == 404
    assert not english_left(f"<p>{missing.json()['detail']}</p>", language)


def test_a_missing_translation_is_found():
    assert set(english_left("<p>Similar entries</p>", "de")) == {"similar", "entries"}
    assert set(english_left('<input placeholder="Search words">', "fr")) == {"search", "words"}
    assert not english_left('<body><p lang="en">Similar entries</p></body>', "fr")  # entry content


# The catalogues.


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_compiles(language, tmp_path):
    messages = catalogue(language)
    assert messages
    for message in messages:
        assert "fuzzy" not in message.flags, message.msgid
        assert "obsolete" not in message.flags, message.msgid
        assert message.msgstrs and all(text.strip() for text in message.msgstrs), message.msgid
        assert len(message.msgstrs) == (2 if message.msgid_plural else 1), message.msgid
    path = settings.LOCALE_PATHS[0] / language / "LC_MESSAGES" / "django.po"
    subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(path)],  # noqa: S607
        check=True,
    )


def test_french_punctuation_never_starts_a_line():
    # French puts a space before : ; ? ! and inside « »: a no-break one, else a narrow
    # column (a phone) can start a line with the colon or the closing quote.
    breakable = re.compile(r" [:;?!»]|« ")
    for message in catalogue("fr"):
        for text in message.msgstrs:
            assert not breakable.search(text), (message.msgid, text)
