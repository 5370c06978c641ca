"""The benchmark's report, bench/results/search.md: the machine, the data, the targets and
the latency tables."""

from __future__ import annotations

import http.client
import json
import os
import platform
import statistics
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

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


def target_rows(indexing: IndexingResult, measured: dict[tuple[str, int], Measured]) -> list[str]:
    """Each target of the search work, what was measured, and whether it was met."""
    direct, portal, fallback = (
        measured[(ENGINE_DIRECT, 1)],
        measured[(PORTAL_ENGINE, 1)],
        measured.get((PORTAL_DATABASE, 1)),
    )
    overhead = portal.percentile(0.5) / direct.percentile(0.5)
    faceted = [
        fallback.percentile(0.5, kind) / portal.percentile(0.5, kind)
        if fallback is not None
        else float("nan")
        for kind in ("facets only", "text+2 facets")
    ]
    p95 = measured[(PORTAL_ENGINE, 8)].percentile(0.95)
    # What a question costs next to keywords: both through the portal on the engine.
    question = portal.percentile(0.5, "question") / portal.percentile(0.5, "text")

    def verdict(ok: bool, measured: bool = True) -> str:
        if not measured:
            return "not measured (--skip-database-fallback)"
        return "met" if ok else "**missed**"

    targets = [
        f"| indexing (index_rebuild, median) | ≥ 2,000 entries/s | {indexing.rate:,.0f}/s | "
        f"{verdict(indexing.rate >= 2000)} |",
        f"| search API p95, concurrency 8 | < 100 ms | {p95:.1f} ms | {verdict(p95 < 100)} |",
        f"| portal p50 / engine p50 (c=1) | < 1.5 | {overhead:.2f} | {verdict(overhead < 1.5)} |",
        f"| question p50 / keywords p50, portal on the engine (c=1) | ≤ 2 | {question:.2f} | "
        f"{verdict(question <= 2)} |",
        f"| database p50 / engine p50, facets only (c=1) | ≥ 10 | {faceted[0]:.1f} | "
        f"{verdict(faceted[0] >= 10, fallback is not None)} |",
        f"| database p50 / engine p50, text + 2 facets (c=1) | ≥ 10 | {faceted[1]:.1f} | "
        f"{verdict(faceted[1] >= 10, fallback is not None)} |",
    ]
    return [row.replace("| nan |", "| — |") for row in targets]


def report_text(
    *,
    command: str,
    workers: int,
    engine_url: str,
    notes: list[str],
    real: int,
    generated: int,
    setup_seconds: float | None,
    runs: list[IndexingResult],
    indexing: IndexingResult,
    targets: list[str],
    rows: list[str],
    kinds: list[str],
) -> str:
    """The report; setup_seconds is None when the database of an earlier run was reused."""
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
            *notes,
            "",
            "## Command",
            "",
            "```",
            command,
            "```",
            "",
            "## Data",
            "",
            f"{indexing.count:,} entries: {real} real entries imported from the fixtures "
            f"and {generated:,} generated ones (en 50 %, fr 25 %, de 25 %; public 80 %, members "
            f"15 %, organisation 5 %; {ORGANISATIONS} organisations), written with bulk "
            "inserts into the page tables (see bench/load_entries.py), "
            + (
                "by an earlier run with `--keep`, reused here with `--database`"
                if setup_seconds is None
                else f"in {setup_seconds:.0f} s"
            )
            + ". Every document is built by the real `DocumentBuilder` "
            "during the real `index_rebuild`.",
            "",
            "## Targets",
            "",
            "| measure | target | measured | |",
            "| --- | --- | --- | --- |",
            *targets,
            "",
            f"Indexing, {len(runs)} rebuilds: "
            + ", ".join(f"{run.rate:,.0f}/s" for run in runs)
            + f"; the median one: {indexing.count:,} entries in {indexing.seconds:.1f} s; "
            f"bulk requests to the engine took {indexing.bulk_seconds:.1f} s in all "
            "(summed over the requests in flight at once, so it may exceed the elapsed "
            "time; the database reads and document building overlap with them).",
            "",
            "## Latency",
            "",
            "Query mix: "
            + ", ".join(f"{kind} {share}/10" for kind, share in KIND_SHARES)
            + "; every request a different query, drawn from the demo entries' words and "
            "vocabulary labels in their languages (en 2 : fr 1 : de 1), facet values of the "
            "vocabulary, typos (a letter dropped or two swapped) and made-up words, so that "
            "no engine or portal cache answers a repeated request. Each target and "
            "concurrency gets its own draw, after a warm-up with other queries. Examples of "
            "the shapes: "
            + "; ".join(
                f"{kind} `{urlencode(params, doseq=True)}`" for kind, params in QUERY_EXAMPLES
            )
            + ". Anonymous caller (public entries only). `engine direct` sends the request "
            "the portal builds for the query to `_msearch` (hits and counts; for a 0-result "
            "query the did-you-mean body to `_search` too, as the portal does).",
            "",
            "| target | concurrency | requests | p50 ms | p95 ms | p99 ms | req/s "
            "| engine took p50 ms | errors |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            "Median per kind of query at concurrency 1 (ms):",
            "",
            "| kind | engine direct | portal, engine | portal, database fallback |",
            "| --- | --- | --- | --- |",
            *kinds,
            "",
        ]
    )


def report_write(path: Path, report: str) -> None:
    """Write the report, keeping the hand-written part of the one it replaces."""
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text("utf-8") if path.exists() else ""
    tail = existing[existing.index(HOW_TO_RUN) :] if HOW_TO_RUN in existing else ""
    path.write_text(report + tail, "utf-8")
