import json
import random
from html.parser import HTMLParser

import pytest

from entries.markdown import html_to_markdown, markdown_to_html
from tests.factories import fixture_lines


def test_the_interchange_subset_becomes_the_editors_rich_text():
    html = markdown_to_html(
        "Intro with **bold**, *italic* and [a link](https://example.org/a).\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n## A heading"
    )
    assert html == (
        '<p>Intro with <b>bold</b>, <i>italic</i> and <a href="https://example.org/a">a link</a>.</p>'
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol><h2>A heading</h2>"
    )


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://x.org" onclick="alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_and_unsafe_links_never_become_markup(markdown):
    markup = _Markup()
    markup.feed(markdown_to_html(markdown))
    assert markup.tags <= {"p", "a", "b", "i", "ul", "ol", "li", "h2", "h3", "h4", "br"}
    for name, value in markup.attributes:
        assert name == "href" and value.startswith(("https:", "http:", "mailto:")), (name, value)


def test_raw_html_is_kept_as_visible_text():
    assert markdown_to_html("Use <b>tags</b> here") == "<p>Use &lt;b&gt;tags&lt;/b&gt; here</p>"


@pytest.mark.parametrize("name", ["seed-entries.jsonl", "demo-entries.jsonl"])
def test_every_fixture_body_survives_export_and_import_unchanged(name):
    for line in fixture_lines(name):
        body = json.loads(line).get("body", "")
        html = markdown_to_html(body)
        assert markdown_to_html(html_to_markdown(html)) == html


def test_export_then_import_is_a_fixed_point_for_tricky_text():
    pieces = [
        "word", "*em*", "**strong**", "[l](https://a.org/x_(y))", "<b>raw</b>", "a_b",
        "1. item", "- item", "\n\n", "\n", "# H", "&amp;", "&", "<", ">", "\\", "[bracket]",
        "_u_", "+ plus", "3.5", "`code`", "[e](mailto:a@b.org)", "* star", "2) x",
    ]  # fmt: skip
    generator = random.Random(7)
    for _ in range(2000):
        text = " ".join(generator.choice(pieces) for _ in range(generator.randint(1, 10)))
        once = html_to_markdown(markdown_to_html(text))
        twice = html_to_markdown(markdown_to_html(once))
        assert twice == once, text
