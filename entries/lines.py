"""Reading interchange lines and checking each against the schema and what the portal can
store.

A line is checked in this order, so that no hostile line reaches code that cannot take it:
its nesting depth (before the JSON parser recurses), the numbers and characters the
portal can store (NaN, 1e999, lone surrogates, NUL and other control characters), the
size of its arrays (before the schema's uniqueness checks), the schema, and then what the
schema allows but the models refuse (ids, lengths, dates the database cannot hold).
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, BinaryIO

from django.utils.translation import gettext

from entries.interchange import entry_schema
from entries.models import EntryLink, EntryPage
from organisations.models import ID_PATTERN, OrganisationPage

if TYPE_CHECKING:
    import jsonschema

# The deepest valid line is an entry holding a list of objects (metrics, links); a few more
# levels give room for a clear schema error, and none for the parser's recursion.
MAX_DEPTH = 8
EXCERPT_LENGTH = 60
MAX_MESSAGE_LENGTH = 240
MAX_ERRORS_PER_LINE = 10


@cache
def _validator() -> "jsonschema.Draft202012Validator":
    # Imported on first use: importing jsonschema imports rfc3987_syntax, which compiles
    # 39 grammars (2.5 s) for the "iri" format, which this schema does not use. Only a
    # process that checks a line pays it, not every command, worker and test process.
    import jsonschema

    return jsonschema.Draft202012Validator(
        entry_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@cache
def _max_items() -> int:
    """The longest list the schema allows anywhere: longer ones are refused before the
    schema checks them, since its uniqueness check is quadratic on some lists."""

    def limits(node) -> Iterator[int]:
        if isinstance(node, dict):
            if isinstance(node.get("maxItems"), int):
                yield node["maxItems"]
            for value in node.values():
                yield from limits(value)
        elif isinstance(node, list):
            for value in node:
                yield from limits(value)

    return max(limits(entry_schema()))


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return gettext("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class InterchangeFileError(Exception):
    """A file or body that cannot be read as lines of UTF-8 text, or is too large."""

    def __init__(self, message: str, *, too_large: bool = False):
        super().__init__(message)
        self.too_large = too_large


def read_lines(stream: BinaryIO, *, max_bytes: int | None = None) -> list[str]:
    """The lines of a binary stream, split on newlines only (a JSON string may hold U+2028
    and other characters that str.splitlines() would split on). With max_bytes, refuses a
    larger stream as soon as it is passed, without reading the rest."""
    lines: list[str] = []
    total = 0
    while True:
        raw = stream.readline() if max_bytes is None else stream.readline(max_bytes + 1 - total)
        if not raw:
            return lines
        total += len(raw)
        if max_bytes is not None and total > max_bytes:
            raise InterchangeFileError(
                gettext("larger than %(most)d MiB") % {"most": max_bytes // 2**20}, too_large=True
            )
        try:
            lines.append(raw.decode("utf-8").rstrip("\r\n"))
        except UnicodeDecodeError as error:
            raise InterchangeFileError(
                gettext("line %(line)d is not UTF-8 text (%(reason)s)")
                % {"line": len(lines) + 1, "reason": error.reason}
            ) from error


def excerpt(value: object) -> str:
    """A bad value as an error quotes it: short, whatever its size."""
    return _cut(repr(value) if isinstance(value, str) else json.dumps(value, default=str))


def _cut(text: str) -> str:
    return text if len(text) <= EXCERPT_LENGTH else f"{text[:EXCERPT_LENGTH]}…"


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE_LENGTH else f"{message[:MAX_MESSAGE_LENGTH]}…"


def _path(parts) -> str:
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return path.lstrip(".") or "entry"


def _where(error: "jsonschema.ValidationError") -> str:
    return _path(error.absolute_path)


def schema_errors(data: object) -> list[str]:
    """Every way in which one decoded line breaks the schema (the first few), each naming
    the field and quoting at most an excerpt of the value."""
    errors = sorted(
        islice(_validator().iter_errors(data), MAX_ERRORS_PER_LINE),
        key=lambda error: list(error.path),
    )
    return [f"{_where(error)}: {_quoted(error)}" for error in errors]


def _quoted(error: "jsonschema.ValidationError") -> str:
    message = error.message
    if len(message) > MAX_MESSAGE_LENGTH and isinstance(error.instance, str | list | dict):
        message = message.replace(repr(error.instance), excerpt(error.instance))
    return _short(message)


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def _too_deep(text: str) -> bool:
    """Whether the line nests arrays and objects deeper than MAX_DEPTH: a linear scan of
    its brackets outside strings, so that no parser recursion is ever reached."""
    depth = 0
    for bracket in _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


@dataclass(frozen=True)
class _RefusedNumber:
    """A number the format does not allow (NaN, Infinity, beyond a float), kept as written
    so that the error can name its field."""

    text: str


def _number(text: str, convert) -> float | int | _RefusedNumber:
    try:
        value = convert(text)
        if abs(float(value)) != float("inf"):
            return value
    except (ValueError, OverflowError):
        pass
    return _RefusedNumber(text)


def _decode(text: str) -> object:
    return json.loads(
        text,
        parse_constant=_RefusedNumber,
        parse_float=lambda number: _number(number, float),
        parse_int=lambda number: _number(number, int),
    )


# XML 1.0 (the Atom feed, the sitemap) cannot carry these, and PostgreSQL refuses NUL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _string_problem(text: str) -> str | None:
    if "\x00" in text:
        return gettext("contains a NUL character, which cannot be stored")
    if _SURROGATE.search(text):
        return gettext(
            "contains a lone surrogate (an escaped \\ud800-\\udfff), which is not a character"
        )
    if _CONTROL.search(text):
        return gettext("contains a control character other than tab or line break")
    return None


def _value_problems(value: object, path: tuple = ()) -> Iterator[str]:
    """What the format's JSON may carry but the portal cannot store, field by field."""
    if isinstance(value, _RefusedNumber):
        yield gettext("%(field)s: %(value)s is not a number the format allows") % {
            "field": _path(path),
            "value": _cut(value.text),
        }
    elif isinstance(value, str):
        if problem := _string_problem(value):
            yield f"{_path(path)}: {problem}"
    elif isinstance(value, list):
        if len(value) > _max_items():
            yield gettext("%(field)s: more than %(most)d items") % {
                "field": _path(path),
                "most": _max_items(),
            }
            return
        for index, item in enumerate(value):
            yield from _value_problems(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            if problem := _string_problem(key):
                yield gettext("%(field)s: a field name %(problem)s") % {
                    "field": _path(path),
                    "problem": problem,
                }
            else:
                yield from _value_problems(item, (*path, key))


def updated_at(text: str) -> datetime:
    """The `updated` time of a line, in UTC; ValueError or OverflowError when the database
    cannot hold it (a leap second, a year 9999 that UTC pushes past the calendar)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


_ID = re.compile(ID_PATTERN)
_REFERENCE = re.compile(rf"^(?:{ID_PATTERN[1:-1]}/)?{ID_PATTERN[1:-1]}$")


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _model_problems(data: dict) -> Iterator[str]:
    """What the schema allows but the models or the database refuse."""
    if data.get("started") and data.get("ended") and data["ended"] < data["started"]:
        yield gettext("ended: the end year comes before the start year")
    if "translation_of" in data and not _ID.match(data["translation_of"]):
        yield gettext("translation_of: %(value)s is not an id of an entry") % {
            "value": excerpt(data["translation_of"])
        }
    for index, reference in enumerate(data.get("related", [])):
        if not _REFERENCE.match(reference):
            yield gettext(
                "related[%(index)d]: %(value)s is not an entry id or organisation-id/entry-id"
            ) % {"index": index, "value": excerpt(reference)}
    urls = [("organisation.url", data["organisation"].get("url"), OrganisationPage, "website")]
    urls += [
        (f"partners[{index}].url", partner.get("url"), OrganisationPage, "website")
        for index, partner in enumerate(data.get("partners", []))
    ]
    urls += [
        (f"links[{index}].url", link["url"], EntryLink, "url")
        for index, link in enumerate(data.get("links", []))
    ]
    urls.append(("source.url", data.get("source", {}).get("url"), EntryPage, "source_url"))
    for where, url, model, field in urls:
        if url and len(url) > (limit := _max_length(model, field)):
            yield gettext("%(field)s: longer than %(most)d characters") % {
                "field": where,
                "most": limit,
            }
    organisations = [("organisation", data["organisation"])]
    organisations += [
        (f"partners[{index}]", partner) for index, partner in enumerate(data.get("partners", []))
    ]
    for where, organisation in organisations:
        if not organisation["name"].strip():
            yield gettext("%(field)s.name: an organisation needs a name") % {"field": where}
    seen: set[str] = set()
    for index, partner in enumerate(data.get("partners", [])):
        if partner["id"] in seen:
            yield gettext("partners[%(index)d]: %(id)s appears twice") % {
                "index": index,
                "id": partner["id"],
            }
        seen.add(partner["id"])
    if "updated" in data:
        try:
            updated_at(data["updated"])
        except (ValueError, OverflowError):
            yield gettext("updated: %(value)s is not a time the portal can store") % {
                "value": excerpt(data["updated"])
            }


def parse_line(text: str) -> tuple[dict | None, list[str]]:
    if _too_deep(text):
        return None, [gettext("entry: nested more than %(most)d levels deep") % {"most": MAX_DEPTH}]
    try:
        data = _decode(text)
    except json.JSONDecodeError as error:
        return None, [
            gettext("not valid JSON (%(error)s at column %(column)d)")
            % {"error": error.msg, "column": error.colno}
        ]
    problems = list(islice(_value_problems(data), MAX_ERRORS_PER_LINE))
    if problems:
        return None, problems
    problems = schema_errors(data)
    if problems:
        return None, problems
    problems = list(_model_problems(data))
    if problems:
        return None, problems
    return data, []
