"""The benchmark's report, bench/results/search.md: the machine, the data, the targets and
the latency tables."""

from __future__ import annotations

import http.client
import json
import os
import platform
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from floor import Floor
from index_timing import IndexingResult
from load_entries import ORGANISATIONS
from load_generation import Measured
from queries import KIND_SHARES, QUERY_EXAMPLES

# The latency runs, as the report names them.
ENGINE_DIRECT = "engine direct"
PORTAL_ENGINE = "portal, engine"
PORTAL_DATABASE = "portal, database fallback"
# Where a report's hand-written part begins: it is kept when the report is written again.
HOW_TO_RUN = "\n## How to run"


def machine() -> list[str]:
    import django
    import opensearchpy
    import wagtail

    memory = "?"
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = "?"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [
        f"- CPU: {os.cpu_count()} cores ({cpu}), memory {memory}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail.__version__}, opensearch-py {opensearchpy.__versionstr__}, "
        f"SQLite {__import__('sqlite3').sqlite_version}",
    ]


def engine_facts(url: str) -> str:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 9200, timeout=10)
    connection.request("GET", "/")
    version = json.loads(connection.getresponse().read())["version"]["number"]
    connection.request("GET", "/_nodes/jvm")
    nodes = json.loads(connection.getresponse().read())["nodes"]
    heaps = [node["jvm"]["mem"]["heap_max_in_bytes"] / 2**30 for node in nodes.values()]
    jvm = next(iter(nodes.values()))["jvm"]["version"]
    return (
        f"- OpenSearch {version} ({len(nodes)} node, heap {heaps[0]:.1f} GiB, Java {jvm}) at {url}"
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def latency_row(name: str, c: int, measured: Measured) -> str:
    rate = len(measured.timings) / measured.seconds if measured.seconds else 0
    took = f"{statistics.median(measured.took):.0f}" if measured.took else ""
    return (
        f"| {name} | {c} | {len(measured.timings)} | {measured.percentile(0.5):.1f} | "
        f"{measured.percentile(0.95):.1f} | {measured.percentile(0.99):.1f} | {rate:.1f} | "
        f"{took} | {measured.errors} |"
    )


@dataclass
class SizeRun:
    """What one collection size of a run measured."""

    entries: int
    real: int
    generated: int
    setup_seconds: float | None  # None: the database of an earlier run, reused
    corpus: str
    indexing: list[IndexingResult]
    floor: Floor
    rows: list[str]
    measured: dict[tuple[str, int], Measured]
    notes: list[str]

    def overhead(self, concurrency: int) -> float:
        portal = self.measured[(PORTAL_ENGINE, concurrency)].percentile(0.5)
        return portal / self.measured[(ENGINE_DIRECT, concurrency)].percentile(0.5)

    def throughput_gain(self) -> float:
        rate = {}
        for c in (1, 8):
            measured = self.measured[(PORTAL_ENGINE, c)]
            rate[c] = len(measured.timings) / measured.seconds
        return rate[8] / rate[1]


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def target_rows(sizes: list[SizeRun]) -> list[str]:
    """Each ratio of issue #14 this bench measures: target, figure per size, verdict."""

    def row(measure: str, target: str, figures: list[float], ok) -> str:
        cells = " | ".join(f"{figure:.2f}" for figure in figures)
        return f"| {measure} | {target} | {cells} | {_verdict(all(map(ok, figures)))} |"

    rows = [
        row(
            "(1) full search / bare relevance query, straight to the engine, p50",
            "≤ 2.0",
            [size.floor.ratio() for size in sizes],
            lambda r: r <= 2.0,
        ),
        *(
            row(
                f"(2) portal API p50 / the engine requests it makes p50, c={c}",
                "≤ 1.15",
                [size.overhead(c) for size in sizes],
                lambda r: r <= 1.15,
            )
            for c in (1, 8)
        ),
        row(
            "(7) throughput c=8 / c=1, portal API",
            "≥ 1.6",
            [size.throughput_gain() for size in sizes],
            lambda r: r >= 1.6,
        ),
    ]
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        growth = large.measured[(PORTAL_ENGINE, 1)].percentile(0.5) / small.measured[
            (PORTAL_ENGINE, 1)
        ].percentile(0.5)
        blanks = " | ".join("" for _ in sizes[1:])
        rows.append(
            f"| (7) portal API p50 at {large.entries:,} / at {small.entries:,}, c=1 | ≤ 4 | "
            f"{growth:.2f} | {blanks} | {_verdict(growth <= 4)} |"
        )
    return rows


def share_rows(sizes: list[SizeRun]) -> list[str]:
    """Per kind of query, the share of the entries the caller may see that it matched."""
    rows = []
    for kind, _ in KIND_SHARES:
        cells = []
        for size in sizes:
            low, median, high = size.floor.share_matched(kind)
            cells.append(f"{median:.1%} ({low:.1%}–{high:.1%})")
        rows.append(f"| {kind} | " + " | ".join(cells) + " |")
    return rows


def floor_rows(size: SizeRun) -> list[str]:
    """Per kind of query: the full search and the bare one, milliseconds at the median."""
    floor = size.floor
    rows = []
    for kind in [None, *(kind for kind, _ in KIND_SHARES)]:
        rows.append(
            f"| {kind or 'all'} | {floor.median(floor.full, kind):.1f} | "
            f"{floor.median(floor.bare, kind):.1f} | {floor.ratio(kind):.2f} | "
            f"{floor.median(floor.full_took, kind):.0f} | "
            f"{floor.median(floor.bare_took, kind):.0f} |"
        )
    return rows


def kind_rows(measured: dict[tuple[str, int], Measured]) -> list[str]:
    """The median per kind of query at concurrency 1, per latency run."""
    rows = []
    for kind, _ in KIND_SHARES:
        cells = [
            f"{measured[(name, 1)].percentile(0.5, kind):.1f}" if (name, 1) in measured else "—"
            for name in (ENGINE_DIRECT, PORTAL_ENGINE, PORTAL_DATABASE)
        ]
        rows.append(f"| {kind} | " + " | ".join(cells) + " |")
    return rows


def size_section(size: SizeRun) -> list[str]:
    """The absolute figures of one collection size, for the record."""
    if size.setup_seconds is None:
        made = "by an earlier run with `--keep`, reused here with `--database`"
    else:
        made = f"in {size.setup_seconds:.0f} s"
    return [
        f"### {size.entries:,} entries",
        "",
        f"{size.real} real entries imported from the fixtures and {size.generated:,} "
        f"generated ones (en 50 %, fr 25 %, de 25 %; public 80 %, members 15 %, "
        f"organisation 5 %; {ORGANISATIONS} organisations), written with bulk inserts into "
        f"the page tables (bench/load_entries.py) {made}. Their words (bench/corpus.py): "
        f"{size.corpus}. Every document is built by the real `DocumentBuilder` during the "
        "real `index_rebuild`"
        + (
            ": "
            + ", ".join(
                f"{run.count:,} in {run.seconds:.1f} s ({run.rate:,.0f}/s)" for run in size.indexing
            )
            if size.indexing
            else ", by an earlier run with `--keep` (`--indexing-runs 0`)"
        )
        + ".",
        "",
        *size.notes,
        "",
        f"The floor, {len(size.floor.kinds)} queries, each sent in turn as the full search "
        "and as the bare query (median ms; `took`: the engine's own, summed over a full "
        "search's requests):",
        "",
        "| kind | full | bare | full / bare | full took | bare took |",
        "| --- | --- | --- | --- | --- | --- |",
        *floor_rows(size),
        "",
        "| target | concurrency | requests | p50 ms | p95 ms | p99 ms | req/s "
        "| engine took p50 ms | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *size.rows,
        "",
        "Median per kind of query at concurrency 1 (ms):",
        "",
        "| kind | engine direct | portal, engine | portal, database fallback |",
        "| --- | --- | --- | --- |",
        *kind_rows(size.measured),
        "",
    ]


def report_text(*, command: str, workers: int, engine_url: str, sizes: list[SizeRun]) -> str:
    """The report: one table of ratios for the run, then the absolute figures."""
    heads = " | ".join(f"{size.entries:,}" for size in sizes)
    rules = " | ".join("---" for _ in sizes)
    return "\n".join(
        [
            "# Search benchmark",
            "",
            f"Produced by `bench/search_bench.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
            "",
            "## Machine",
            "",
            *machine(),
            engine_facts(engine_url),
            f"- portal: gunicorn, {workers} sync workers, settings `portal.settings.test` "
            "(DEBUG off), SQLite database; the load generator (Python threads, keep-alive "
            "connections) runs on the same cores",
            "",
            "## Command",
            "",
            "```",
            command,
            "```",
            "",
            "## Ratios (issue #14), this run",
            "",
            f"| measure | target | {heads} | |",
            f"| --- | --- | {rules} | --- |",
            *target_rows(sizes),
            "",
            "(1): the requests the portal's search API sends the engine (hits with "
            "highlights, typo tolerance and phrase rescoring; the counts of every facet; "
            "did-you-mean for a 0-result query) against the same words matched in the "
            "entry's whole text, top 10 with an exact total, no aggregation, no highlight "
            "(bench/floor.py), each query sent both ways in turn. (2): the API against the "
            "requests it sends the engine, sent straight to it, each connection "
            "alternating the two (bench/paired.py), every request a query of its own (no "
            "cache answers a query twice). (7): the API's requests per second, in the "
            "paired runs. Anonymous caller (public entries only).",
            "",
            "## What the queries match",
            "",
            "Query mix: "
            + ", ".join(
                f"{kind} {share}/{sum(s for _, s in KIND_SHARES)}" for kind, share in KIND_SHARES
            )
            + "; every request a different query: words drawn from the corpus as its text "
            "draws them (Zipf's law, words of 5 letters or more), vocabulary labels, in their "
            "languages (en 2 : fr 1 : de 1), facet values of the vocabulary, typos (a letter "
            "dropped or two swapped) and made-up words. Examples of the shapes: "
            + "; ".join(
                f"{kind} `{urlencode(params, doseq=True)}`" for kind, params in QUERY_EXAMPLES
            )
            + ".",
            "",
            "Share of the entries the caller may see that a query matches (median, and the "
            "smallest–largest of the floor's queries):",
            "",
            f"| kind | {heads} |",
            f"| --- | {rules} |",
            *share_rows(sizes),
            "",
            "## Absolute times (for the record)",
            "",
            *(line for size in sizes for line in size_section(size)),
        ]
    )


def report_write(path: Path, report: str) -> None:
    """Write the report, keeping the hand-written part of the one it replaces."""
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text("utf-8") if path.exists() else ""
    tail = existing[existing.index(HOW_TO_RUN) :] if HOW_TO_RUN in existing else ""
    path.write_text(report + tail, "utf-8")
