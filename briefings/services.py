"""Writes of the comparison selection: the entries a reader keeps for a comparison or a
briefing while going from page to page. It lives in the reader's session: it works without
JavaScript and without an account, no address has to carry it through every link, and it
ends with the session when the reader signs out (a shared computer keeps nothing)."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.utils.text import Truncator
from django.utils.translation import gettext

from briefings.selectors import (
    MAX_COMPARED,
    SELECTION_SESSION_KEY,
    entries_by_key,
    key_valid,
    selection_stored,
)
from entries.models import EntryPage
from entries.visibility import Reader


class SelectionError(ValueError):
    """A change of the selection that cannot be made; `message` says why, to the reader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _key_checked(key: str) -> str:
    key = key.strip()
    if not key:
        raise SelectionError(gettext("No entry was named: there is nothing to add or remove."))
    if not key_valid(key):
        raise SelectionError(
            gettext(
                "“%(key)s” does not name an entry: an entry is named by its organisation's "
                "id and its own, as in org-a/anonymous-chat."
            )
            % {"key": Truncator(key).chars(80)}
        )
    return key


def selection_add(*, session: SessionBase, reader: Reader, key: str) -> EntryPage:
    """Add the entry the key names to the selection and return it. Entries the reader can
    no longer see leave the selection first, so they never take the place of a visible one."""
    key = _key_checked(key)
    stored = selection_stored(session=session)
    visible = entries_by_key(reader=reader, keys=[*stored, key])
    if key not in visible:
        # Missing and hidden alike: the message must not tell one from the other.
        raise SelectionError(
            gettext(
                "This entry could not be found: %(key)s. The address may be mistyped, or "
                "the entry removed."
            )
            % {"key": key}
        )
    if key in stored:
        return visible[key]
    kept = [other for other in stored if other in visible]
    if len(kept) >= MAX_COMPARED:
        raise SelectionError(
            gettext(
                "A comparison holds at most %(max)s entries, and yours is full. Remove one "
                "before adding another."
            )
            % {"max": MAX_COMPARED}
        )
    session[SELECTION_SESSION_KEY] = [*kept, key]
    return visible[key]


def selection_remove(*, session: SessionBase, key: str) -> None:
    """Take the entry out of the selection; an entry not in it is already out."""
    key = _key_checked(key)
    stored = selection_stored(session=session)
    if key in stored:
        session[SELECTION_SESSION_KEY] = [other for other in stored if other != key]


def selection_clear(*, session: SessionBase) -> None:
    session.pop(SELECTION_SESSION_KEY, None)
