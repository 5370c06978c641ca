"""Checking every interchange line of an import before anything is written: against the
schema (entries/lines.py), each other (an entry twice), what the importer may write for
and what the portal holds; what a good line asks for that the import will not do, and what
it lacks that the admin asks of a complete entry of its kind (entries/completeness.py)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

import pycountry
from django.utils.translation import gettext

from entries.completeness import gap_text, publication_gaps
from entries.import_rights import (
    organisation_editable_by,
    organisations_creatable_by,
    organisations_known,
)
from entries.lines import LineError, parse_line
from entries.selectors import EntryKey, entry_kinds_stored
from entries.services import KIND_CHANGE, NOT_A_MEMBER, line_key
from organisations.services import organisation_changes


def _line_problems(
    number: int, data: dict, seen: dict, allowed: set[str] | None, user, kinds: dict
) -> list[str]:
    key = line_key(data)
    problems = []
    if key in seen:
        problems.append(
            gettext("%(entry)s appears again (first on line %(line)d)")
            % {"entry": f"{key[0]}/{key[1]}", "line": seen[key]}
        )
    if allowed is not None and key[0] not in allowed:
        problems.append(
            gettext("organisation %(id)s is not one you may publish for") % {"id": key[0]}
        )
    elif not organisation_editable_by(user=user, organisation_id=key[0]) and not (
        organisations_known(ids=[key[0]])
    ):
        problems.append(NOT_A_MEMBER % {"id": key[0]})
    problems += [
        gettext("countries: %(code)s is not an ISO 3166-1 country code") % {"code": code}
        for code in data.get("countries", [])
        if pycountry.countries.get(alpha_2=code) is None
    ]
    kind = kinds.get(key)
    if kind is not None and kind != data["kind"]:
        problems.append(
            KIND_CHANGE % {"entry": f"{key[0]}/{key[1]}", "kind": kind, "new_kind": data["kind"]}
        )
    return problems


def _line_notices(data: dict, user) -> list[str]:
    """What an importer's line asks for that the import will not do, and what it lacks to
    be complete. The schema allows an incomplete entry (entries of the founding document
    are), so it is imported as the line says; the notice tells the publisher what the
    admin would ask of it before submitting or publishing."""
    notices = [gap_text(gap) for gap in publication_gaps(kind=data["kind"], values=data)]
    details = data["organisation"]
    # Asked in this order, the operator's lines read nothing here.
    organisation = (
        None
        if organisation_editable_by(user=user, organisation_id=details["id"])
        else organisations_known(ids=[details["id"]]).get(details["id"])
    )
    if organisation is not None:
        changes = organisation_changes(
            organisation,
            name=details["name"],
            country=details.get("country", ""),
            url=details.get("url", ""),
        )
        if changes:
            notices.append(
                gettext(
                    "organisation: the name, country and url of %(id)s are left as they are; "
                    "only its moderators change them"
                )
                % {"id": details["id"]}
            )
    if not organisations_creatable_by(user=user):
        partners = data.get("partners", [])
        known = organisations_known(ids=[partner["id"] for partner in partners])
        notices += [
            gettext(
                "partners[%(index)d]: %(id)s is not a member organisation of the portal; "
                "kept as a name on the entry"
            )
            % {"index": index, "id": partner["id"]}
            for index, partner in enumerate(partners)
            if partner["id"] not in known
        ]
    return notices


@dataclass
class CheckedLines:
    valid: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    notices: list[LineError] = field(default_factory=list)


def entries_check(
    lines: Iterable[str], *, allowed_organisations: set[str] | None, user
) -> CheckedLines:
    """Parse and check every line: the good lines (numbered), the errors and notices."""
    parsed = [
        (number, *parse_line(text)) for number, text in enumerate(lines, start=1) if text.strip()
    ]
    # The kinds of the entries the lines name, read for all of them at once.
    kinds = entry_kinds_stored(keys=[line_key(data) for _, data, _ in parsed if data is not None])
    checked = CheckedLines()
    seen: dict[EntryKey, int] = {}
    for number, data, problems in parsed:
        if data is not None:
            problems = _line_problems(number, data, seen, allowed_organisations, user, kinds)
            seen.setdefault(line_key(data), number)
        if problems:
            checked.errors.extend(LineError(number, problem) for problem in problems)
        else:
            checked.valid.append((number, data))
            checked.notices.extend(
                LineError(number, notice) for notice in _line_notices(data, user)
            )
    return checked
