"""What an entry must say before it is submitted for review or published: the one definition
that the admin's form enforces and the import reports on.

Two sources: the interchange schema's shortest title and summary (an entry exported with
less would be an invalid line), and per kind what a reader of that kind of entry needs (a
lesson says what worked or what did not, and what it recommends). A draft may lack any of it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from entries.interchange import entry_schema
from vocabulary.facets import Kind


@dataclass(frozen=True)
class Requirement:
    # Any one of these fields, filled in, meets the requirement; a list field (the
    # recommendations) is filled when it holds one non-blank item.
    fields: tuple[str, ...]
    message: str | Promise


REQUIRED_BEFORE_PUBLICATION: dict[str, tuple[Requirement, ...]] = {
    Kind.PRACTICE: (),
    Kind.LESSON: (
        Requirement(
            ("what_worked", "what_did_not_work"),
            _(
                "A lesson says what worked, what did not work, or both, before it is "
                "submitted or published."
            ),
        ),
        Requirement(
            ("recommendations",),
            _("A lesson needs at least one recommendation before it is submitted or published."),
        ),
    ),
}

SHORTER_THAN_SCHEMA = _("At least %(count)d characters before the entry is submitted or published.")


@cache
def _schema_minimum_lengths() -> dict[str, int]:
    """The required texts of the schema that have a shortest length (title, summary)."""
    schema = entry_schema()
    return {
        name: schema["properties"][name]["minLength"]
        for name in schema["required"]
        if "minLength" in schema["properties"][name]
    }


def _filled(value) -> bool:
    if isinstance(value, list | tuple):
        return any(str(item).strip() for item in value)
    return bool(value and str(value).strip())


def publication_gaps(*, kind: str, values: Mapping[str, object]) -> list[Requirement]:
    """What the entry lacks before it may be submitted or published, each with the message
    to show next to its fields; empty when it is complete. values holds the entry's fields
    by their interchange names (recommendations as a list of texts); a text the caller
    left out is not judged (the form leaves out a field that already has its own error)."""
    gaps = [
        Requirement((name,), SHORTER_THAN_SCHEMA % {"count": length})
        for name, length in _schema_minimum_lengths().items()
        if name in values and len(str(values[name] or "").strip()) < length
    ]
    gaps += [
        requirement
        for requirement in REQUIRED_BEFORE_PUBLICATION[kind]
        if not any(_filled(values.get(name)) for name in requirement.fields)
    ]
    return gaps


def gap_text(gap: Requirement) -> str:
    """A gap as one line of an import's report: its fields, then the message."""
    return gettext("%(fields)s: %(message)s") % {
        "fields": ", ".join(gap.fields),
        "message": gap.message,
    }
