"""The database search benchmark's report, bench/results/search-database.md: one section per
database (SQLite, PostgreSQL) and number of entries, each replaced by the next run of the
same; the other sections and the hand-written part (from "## How to run") are kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from report import HOW_TO_RUN, machine

TITLE = "# Database search benchmark\n"
TARGET_RATIO = 3.0
SECTION_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Run:
    vendor: str
    command: str
    entries: int
    data: str
    peer: str
    medians: dict[str, dict[str, float]]  # kind -> side (portal, peer) -> seconds
    matches: dict[str, float]  # kind -> median share of the collection a query matches
    queries: dict[str, int]  # kind -> SQL queries of one portal search
    count: int
    load: tuple[str, str]
    examples: dict[str, dict]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def section_text(run: Run) -> str:
    name = SECTION_NAMES.get(run.vendor, run.vendor)
    peer_words = run.medians["words"].get("peer")
    rows = []
    for kind, sides in run.medians.items():
        target = f"≤ {TARGET_RATIO:g}" if kind == "words" else "(none)"
        if peer_words is None:
            peer, ratio, met = "", "", ""
        else:
            peer, ratio = _ms(peer_words), sides["portal"] / peer_words
            met = "" if kind != "words" else ("met" if ratio <= TARGET_RATIO else "**missed**")
            ratio = f"{ratio:.2f}"
        rows.append(
            f"| {kind} | {_ms(sides['portal'])} | {peer} | {ratio} | {target} "
            f"| {met} | {run.matches[kind]:.1%} | {run.queries[kind]} |"
        )
    examples = "; ".join(
        f"{kind} `{urlencode(params, doseq=True)}`" for kind, params in run.examples.items()
    )
    return "\n".join(
        [
            f"## {name}, {run.entries:,} entries",
            "",
            f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average "
            f"{run.load[0]} before, {run.load[1]} after.",
            "",
            *machine(),
            f"- data: {run.data}; {run.peer}",
            "",
            "```",
            run.command,
            "```",
            "",
            f"Medians of {run.count} queries of each kind (ms). The peer is "
            "`EntryPage.objects.live().search(words)[:10]` (first page, no count) for the "
            "same words; the portal is `search_entries(grouped=True)`, anonymous, as the "
            "search page asks (the page, the total of translation groups and every "
            "facet's counts). The ratio divides the portal's median by the peer's median "
            "for words. Matched: the median share of the collection a query of that kind "
            "matches (groups counted / entries). SQL: the queries of one portal search.",
            "",
            "| kind | portal ms | peer (words) ms | ratio | target | | matched | SQL |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            f"Examples: {examples}.",
            "",
        ]
    )


def _section_order(section: str) -> tuple[bool, int]:
    """SQLite before PostgreSQL, fewer entries first."""
    entries = re.match(r"## \w+, ([\d,]+) entries", section)
    return (section.startswith("## PostgreSQL"), int(entries[1].replace(",", "")) if entries else 0)


def section_write(path: Path, run: Run) -> str:
    """Replace (or add) this run's database section; return the section."""
    section = section_text(run)
    existing = path.read_text("utf-8") if path.exists() else TITLE
    tail = existing[existing.index(HOW_TO_RUN) :] if HOW_TO_RUN in existing else ""
    head = existing[: len(existing) - len(tail)]
    name = SECTION_NAMES.get(run.vendor, run.vendor)
    sections = re.split(r"\n(?=## )", head.rstrip("\n") + "\n")
    heading = f"## {name}, {run.entries:,} entries"
    kept = [part for part in sections[1:] if not part.startswith(heading)]
    body = sorted([*kept, section], key=_section_order)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\n".join([sections[0].rstrip("\n") + "\n", *(p.rstrip("\n") + "\n" for p in body)]) + tail,
        "utf-8",
    )
    return section
