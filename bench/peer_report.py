"""bench/results/search-peer.md: one section per collection size (a run replaces the
section of its size and keeps the others), then the hand-written part, kept as it is."""

from __future__ import annotations

import os
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path

from report import HOW_TO_RUN, engine_facts, load_average, machine

TITLE = "# Search benchmark: the peer (Wagtail's own backend) and the floor of indexing\n"
INTRODUCTION = (
    "Produced by `bench/peer_bench.py` (issue #14, items 3 and 4); what it measures and how "
    "is in its docstring. Each section is one run at one collection size; the ratios are "
    "measured side by side in that run."
)
# A run's section: between these, the number being the collection's size.
SECTION = re.compile(r"<!-- entries (\d+) -->\n.*?<!-- end entries \1 -->\n", re.S)
TARGET = 3.0
FLOOR_TARGET = 0.8


def _median(values) -> float:
    return statistics.median(list(values))


def _verdict(value: float, target: float) -> str:
    return "met" if value >= target else "**missed**"


def _rebuild_lines(run) -> list[str]:
    portal = _median(r.seconds for r in run.portal_rebuilds)
    peer = _median(run.peer_rebuilds)
    floor = _median(f.seconds for f in run.floors)
    portal_rate = run.entries / portal
    floor_rate = run.entries / floor
    prepared = run.prepared
    return [
        "| measure | target | measured | |",
        "| --- | --- | --- | --- |",
        f"| peer `update_index` / portal `index_rebuild` (medians) | ≥ {TARGET:.0f} | "
        f"{peer / portal:.2f} | {_verdict(peer / portal, TARGET)} |",
        f"| rebuild throughput / floor throughput (medians) | ≥ {FLOOR_TARGET} | "
        f"{portal_rate / floor_rate:.2f} | {_verdict(portal_rate / floor_rate, FLOOR_TARGET)} |",
        "",
        f"Rebuilds, {len(run.portal_rebuilds)} of each, interleaved:",
        "",
        "| | runs (s) | median | entries/s |",
        "| --- | --- | --- | --- |",
        f"| portal `index_rebuild` | "
        f"{', '.join(f'{r.seconds:.1f}' for r in run.portal_rebuilds)} | {portal:.1f} s | "
        f"{portal_rate:,.0f} |",
        f"| peer `update_index --backend peer` | "
        f"{', '.join(f'{s:.1f}' for s in run.peer_rebuilds)} | {peer:.1f} s | "
        f"{run.entries / peer:,.0f} |",
        f"| floor: prepared bodies to `_bulk` | "
        f"{', '.join(f'{f.seconds:.1f}' for f in run.floors)} | {floor:.1f} s | "
        f"{floor_rate:,.0f} |",
        "",
        f"- The portal indexed {run.entries:,} entries; the peer's index holds "
        f"{run.peer_documents:,} documents (every indexed page model: the entries, the "
        "organisations and the site's other pages).",
        f"- Floor: the {prepared.count:,} documents were read and built once beforehand in "
        f"{prepared.read_build_seconds:.1f} s and serialised in "
        f"{prepared.serialise_seconds:.1f} s; of the floor's median "
        f"{floor:.1f} s, the bulk requests took "
        f"{_median(f.bulk_seconds for f in run.floors):.1f} s (the rest: creating the index, "
        "live settings, refresh, flush).",
        f"- Portal rebuilds: time inside bulk calls, summed over the requests in flight: "
        f"{', '.join(f'{r.bulk_seconds:.1f}' for r in run.portal_rebuilds)} s.",
        *_processor_lines(run, portal, floor),
    ]


def _processor_lines(run, portal: float, floor: float) -> list[str]:
    """Where the rebuild's time goes: the processor time of the engine and of this Python
    process in each kind of rebuild. Where both run on this machine's cores and the floor
    keeps them busy, the rebuild's Python time cannot overlap the engine's for free.
    `portal`, `floor`: the median wall times of each kind."""
    rows = [("portal `index_rebuild`", run.portal_rebuilds, portal), ("floor", run.floors, floor)]
    lines = [
        "",
        "Processor time (medians, seconds; `_nodes/stats` for the engine):",
        "",
        "| | engine | Python | wall | cores busy |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, results, wall in rows:
        engine = _median(r.processor.engine for r in results)
        python = _median(r.processor.python for r in results)
        busy = (engine + python) / wall
        lines.append(f"| {name} | {engine:.1f} | {python:.1f} | {wall:.1f} | {busy:.1f} |")
    cores = os.cpu_count() or 1
    needed = _median(r.processor.engine + r.processor.python for r in run.portal_rebuilds)
    lines += [
        "",
        f"- With the engine on this machine's {cores} cores, the portal's processor time "
        f"alone keeps its rebuild above {needed / cores:.1f} s, its throughput below "
        f"{floor / (needed / cores):.2f} of the floor's.",
    ]
    return lines


def _query_lines(run) -> list[str]:
    portal = _median(q[2] for q in run.queries) * 1000
    peer = _median(q[3] for q in run.queries) * 1000
    lines = [
        "| measure | target | measured | |",
        "| --- | --- | --- | --- |",
        f"| peer median / portal median, text queries with 14 facet counts | ≥ {TARGET:.0f} | "
        f"{peer / portal:.2f} | {_verdict(peer / portal, TARGET)} |",
        "",
        f"{len(run.queries)} text queries, each asked once of each side (in turn, each side "
        "first every other query), in this process, concurrency 1:",
        "",
        "| kind | queries | portal p50 (ms) | peer p50 (ms) | peer / portal | "
        "matches, portal (median) | matches, peer (median) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    kinds = sorted({q[0] for q in run.queries})
    for kind in [*kinds, "all"]:
        rows = [q for q in run.queries if kind in ("all", q[0])]
        p, w = _median(q[2] for q in rows) * 1000, _median(q[3] for q in rows) * 1000
        lines.append(
            f"| {kind} | {len(rows)} | {p:.1f} | {w:.1f} | {w / p:.2f} | "
            f"{_median(q[4] for q in rows):,.0f} | {_median(q[5] for q in rows):,.0f} |"
        )
    examples = ", ".join(f"`{q[1]}`" for q in run.queries[:4])
    lines += ["", f"Examples of the words asked: {examples}."]
    return lines


def report_text(*, command: str, engine_url: str, run) -> str:
    return "\n".join(
        [
            f"<!-- entries {run.entries} -->",
            f"## {run.entries:,} entries",
            "",
            f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
            "",
            *machine(),
            engine_facts(engine_url),
            f"- load average at the end: {load_average()}",
            "",
            "```",
            command,
            "```",
            "",
            "### Rebuilding the index (items 3a and 4)",
            "",
            *_rebuild_lines(run),
            "",
            "### Text queries with facet counts (item 3b)",
            "",
            *_query_lines(run),
            "",
            f"<!-- end entries {run.entries} -->",
            "",
        ]
    )


def report_write(path: Path, section: str) -> None:
    """Replace the section of this size, keep the others (smallest first) and the
    hand-written part."""
    existing = path.read_text("utf-8") if path.exists() else ""
    tail = existing[existing.index(HOW_TO_RUN) :] if HOW_TO_RUN in existing else ""
    sections = {int(match.group(1)): match.group(0) for match in SECTION.finditer(existing)}
    size = int(SECTION.match(section).group(1))
    sections[size] = section
    body = "\n".join(sections[key] for key in sorted(sections))
    path.write_text(f"{TITLE}\n{INTRODUCTION}\n\n{body}{tail}", "utf-8")
