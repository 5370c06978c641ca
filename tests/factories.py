"""Builders of test data: interchange lines and the entries imported from them."""

import copy
import json
import re
from pathlib import Path

from entries.services import entry_upsert

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

_BASE_ENTRY = {
    "format_version": 1,
    "id": "test-entry",
    "kind": "practice",
    "language": "en",
    "title": "Anonymous chat counselling for leavers",
    "summary": "A chat service where people leaving extremist groups talk to counsellors.",
    "body": "People write **anonymously**.\n\n- first point\n- second point",
    "organisation": {"id": "test-org", "name": "Test Organisation", "country": "DE"},
    "countries": ["DE"],
    "domains": ["exit-work"],
    "formats": ["chat"],
    "visibility": "public",
}


CONTRACT = Path(__file__).resolve().parent.parent / "docs" / "interchange"


def _contract_facets() -> list[str]:
    """The facet parameters in the order the public contract (docs/interchange/README.md)
    lists them: read from the contract, not from the code, so that a test notices when the
    code drifts from it."""
    text = (CONTRACT / "README.md").read_text(encoding="utf-8")
    paragraph = text.split("Facet parameters:", 1)[1].split(". ", 1)[0]
    return re.findall(r"`([a-z_]+)`", paragraph)


CONTRACT_FACETS = _contract_facets()


def entry_data(**overrides) -> dict:
    """A valid interchange line as a dict; keyword arguments replace fields, None drops one."""
    data = copy.deepcopy(_BASE_ENTRY)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def entry_line(**overrides) -> str:
    return json.dumps(entry_data(**overrides), ensure_ascii=False)


def make_entry(**overrides):
    entry, _ = entry_upsert(data=entry_data(**overrides))
    return entry


def fixture_lines(name: str) -> list[str]:
    return (FIXTURES / name).read_text(encoding="utf-8").splitlines()
