"""Conversion between the interchange Markdown subset and the stored rich text.

Import turns Markdown (CommonMark) into the HTML that Wagtail's rich text editor stores;
export turns it back. Raw HTML in the Markdown is never passed through: the parser treats
it as text, and the result is cleaned again to an allow-list, so a <script> in an imported
body is shown as text. Export then import gives back the same HTML, so export, import,
export is a fixed point.
"""

import html
import re
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "b", "i", "a", "h2", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = {"http", "https", "mailto"}

# Markdown's own names for emphasis, renamed to what Wagtail's editor stores.
_RENAMED_TAGS = {"strong": "b", "em": "i", "h1": "h2", "h5": "h4", "h6": "h4"}


# CommonMark with raw HTML off: tags in the text are escaped, unsafe link schemes refused.
_PARSER = MarkdownIt("commonmark", {"html": False})


def markdown_to_html(text: str) -> str:
    if not text.strip():
        return ""
    html = _PARSER.render(text)
    for source, target in _RENAMED_TAGS.items():
        html = re.sub(rf"<(/?){source}>", rf"<\1{target}>", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel=None,
    )
    # Wagtail's editor stores blocks without whitespace between them.
    return re.sub(r">\s*\n\s*<", "><", cleaned).strip()


# Characters that would change meaning if written back into Markdown as plain text.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]])")
_LINE_START_SPECIALS = re.compile(r"^(\s*)(?:([#>]|[-+*](?=\s))|(\d+)\.(?=\s))")


def _escape_line_start(text: str) -> str:
    def escape(match: re.Match) -> str:
        indent, marker, number = match.groups()
        return f"{indent}\\{marker}" if marker else f"{indent}{number}\\."

    return _LINE_START_SPECIALS.sub(escape, text)


def _escape_text(text: str) -> str:
    text = _INLINE_SPECIALS.sub(r"\\\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;")


class _MarkdownWriter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.lists: list[dict] = []
        self.link_href: str | None = None
        # Two lists in a row read as one in Markdown unless their markers differ.
        self.last_list_marker: str | None = None

    def _text(self) -> str:
        # Collapse runs of spaces, but keep the two that mark a line break.
        return re.sub(r" {2,}(?!\n)", " ", "".join(self.current)).strip()

    def _flush(self, prefix: str = ""):
        text = self._text()
        self.current = []
        if text:
            if not prefix:
                text = _escape_line_start(text)
            self.blocks.append(prefix + text)
            self.last_list_marker = None

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "h2", "h3", "h4"):
            if self.lists:
                # A loose list item's paragraphs stay one item.
                if "".join(self.current).strip():
                    self.current.append(" ")
                return
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append({"ordered": tag == "ol", "items": []})
        elif tag == "li":
            self._flush_item()
        elif tag == "b":
            self.current.append("**")
        elif tag == "i":
            self.current.append("*")
        elif tag == "a":
            self.link_href = dict(attrs).get("href") or None
            if self.link_href:
                self.current.append("[")
        elif tag == "br":
            self.current.append("  \n")

    def _flush_item(self):
        if self.lists and self._text():
            self.lists[-1]["items"].append(self._text())
        self.current = []

    def handle_endtag(self, tag):
        if tag in ("p", "h2", "h3", "h4") and self.lists:
            return
        if tag in ("h2", "h3", "h4"):
            self._flush(prefix="#" * int(tag[1]) + " ")
        elif tag == "p":
            self._flush()
        elif tag == "li":
            self._flush_item()
        elif tag in ("ul", "ol") and self.lists:
            self._flush_item()
            current = self.lists.pop()
            markers = (".", ")") if current["ordered"] else ("-", "*")
            marker = markers[1] if self.last_list_marker == markers[0] else markers[0]
            lines = [
                (f"{number}{marker} " if current["ordered"] else f"{marker} ") + item
                for number, item in enumerate(current["items"], start=1)
            ]
            if lines:
                self.blocks.append("\n".join(lines))
                self.last_list_marker = marker
        elif tag == "b":
            self.current.append("**")
        elif tag == "i":
            self.current.append("*")
        elif tag == "a" and self.link_href:
            href = self.link_href.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
            self.current.append(f"]({href})")
            self.link_href = None

    def handle_data(self, data):
        # Whitespace inside the stored HTML is layout, not content.
        self.current.append(_escape_text(re.sub(r"\s+", " ", data)))

    def close(self):
        super().close()
        self._flush()
        return "\n\n".join(self.blocks)


def html_to_markdown(html: str) -> str:
    writer = _MarkdownWriter()
    # Adjacent runs of the same emphasis read as one in Markdown; make them one.
    writer.feed(re.sub(r"</(b|i)><\1>", "", html or ""))
    return writer.close()


# Block tags separate words, inline tags do not ("<b>setup</b>:" is "setup:").
_BLOCK_TAG = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|br|hr|blockquote|embed|figure)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def plain_text(rich_text: str) -> str:
    """The words of a stored rich text, as a reader sees them: for search and highlights.
    Regular expressions, not a parser: the text is what this module or Wagtail's editor
    wrote, and a rebuild reads every body."""
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", rich_text or ""))
    return " ".join(html.unescape(text).split())
