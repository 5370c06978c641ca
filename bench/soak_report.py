"""bench/results/reliability.md: the soak's figures (locust's CSV per stage, the memory
trends, the checks after the load) and a verdict per promise of issue #15, item 4."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from soak_live_heap import LiveSample, LiveTrend
from soak_memory import LIVE_EVERY, MB, Trend

# Log lines copied into the report, of each kind; the rest are in the kept logs.
LINES_SHOWN = 30
# A slow-log line: its time, the time taken, the hits, and the body sent (kept in the logs).
SLOW_LINE = re.compile(
    r"^\[(?P<at>[^\]]+)\].*?took\[(?P<took>[^\]]+)\].*?total_hits\[(?P<hits>[^\]]+)\]"
)
# The words of a search: the query of its cross_fields clause.
SLOW_WORDS = re.compile(
    r'"multi_match":\{"query":"(?P<words>[^"]*)","fields":\[[^\]]*\],"type":"cross_fields"'
)


@dataclass(frozen=True)
class Row:
    """One kind of request (or all of them) in one stage, from locust's _stats.csv."""

    name: str
    requests: int
    failures: int
    per_second: float
    p50: str
    p95: str


@dataclass
class Stage:
    users: int
    seconds: float
    load_before: str
    load_after: str = ""
    rows: list[Row] = field(default_factory=list)
    failures: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def total(self) -> Row:
        return next(row for row in self.rows if row.name == "Aggregated")


def stage_read(stage: Stage, prefix: Path) -> None:
    """Fill the stage from locust's CSV files (prefix_stats.csv, prefix_failures.csv)."""
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for line in csv.DictReader(stats):
            stage.rows.append(
                Row(
                    name=line["Name"],
                    requests=int(line["Request Count"]),
                    failures=int(line["Failure Count"]),
                    per_second=float(line["Requests/s"]),
                    p50=line["50%"],
                    p95=line["95%"],
                )
            )
    with open(f"{prefix}_failures.csv", newline="") as failures:
        for line in csv.DictReader(failures):
            stage.failures.append((line["Name"], line["Error"], int(line["Occurrences"])))


@dataclass
class Checks:
    """What the portal holds after the load: nothing lost."""

    entries: int
    queued_updates: int
    drift_exit: int
    drift_output: str
    published_entries: int
    revisions: int
    server_errors: list[str]
    # The portal's warnings about its search (engine down or timed out, fallback budget
    # exceeded, warm-up failed) and the engine's slow log lines of this run: the cause of a
    # slow or failed search, not left to guessing.
    search_warnings: list[str] = field(default_factory=list)
    engine_slow_log: list[str] = field(default_factory=list)
    logs_kept: str = ""


@dataclass
class JvmLive:
    """The engine JVM's live set: its heap after each forced full collection, the
    collections that failed, and the live set once the caches were cleared at the end."""

    trend: LiveTrend
    failures: list[str] = field(default_factory=list)
    cleared: LiveSample | None = None


def _stages(stages: list[Stage]) -> list[str]:
    lines = [
        "| users | minutes | requests | requests/s | failures | load average before → after |",
        "| ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for stage in stages:
        total = stage.total
        lines.append(
            f"| {stage.users} | {stage.seconds / 60:.1f} | {total.requests} | "
            f"{total.per_second:.1f} | {total.failures} | {stage.load_before} → "
            f"{stage.load_after} |"
        )
    lines += ["", "p50 / p95 in milliseconds, per kind of request and number of users:", ""]
    names = sorted({row.name for stage in stages for row in stage.rows} - {"Aggregated"})
    lines.append("| request | " + " | ".join(f"{s.users} user(s)" for s in stages) + " |")
    lines.append("| --- |" + " ---: |" * len(stages))
    for name in [*names, "Aggregated"]:
        cells = []
        for stage in stages:
            row = next((row for row in stage.rows if row.name == name), None)
            cells.append(f"{row.p50} / {row.p95} ({row.requests})" if row else "")
        lines.append(f"| {'all' if name == 'Aggregated' else name} | " + " | ".join(cells) + " |")
    return lines


def _memory(trends: list[Trend]) -> list[str]:
    lines = [
        "| process | samples | first MB | last MB | max MB | MB/min (all) | MB/min "
        "(second half) | trend |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for trend in trends:
        lines.append(
            f"| {trend.role} | {trend.samples} | {trend.first_mb:.0f} | {trend.last_mb:.0f} | "
            f"{trend.max_mb:.0f} | {trend.slope:+.2f} | {trend.second_half_slope:+.2f} | "
            f"{_verdict(trend)} |"
        )
    return lines


def _verdict(trend: Trend) -> str:
    if trend.information:
        return f"floor {'rises' if trend.grows else 'flat'} (information: the live set is judged)"
    if trend.bound_mb is not None:
        state = "PASSES" if trend.grows else "within"
        return f"{state} the {trend.bound_mb:,.0f} MB of files it maps at the end"
    return "GROWS" if trend.grows else "flat"


def slow_line_summary(line: str) -> str:
    """One slow-log line in short: when, how long, which request (hits or counts) for
    which words; the whole body stays in the kept logs."""
    found = SLOW_LINE.search(line)
    if not found:
        return line[:200]
    words = SLOW_WORDS.search(line)
    kind = "counts" if '"size":0' in line else "hits"
    about = f'"{words["words"]}"' if words else "no words"
    return f"{found['at']}  took {found['took']}, {kind} of {about}, {found['hits']}"


def _live(live: JvmLive) -> list[str]:
    trend = live.trend
    lines = [
        "| minute | heap in use MB | live set MB | the engine's caches and buffers MB | "
        "live set less them MB | byte arrays `[B` MB | segments | pause ms |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {sample.at / 60:.1f} | {sample.heap_used / MB:.0f} | "
            f"{sample.live / MB:.1f} | {sample.bounded / MB:.1f} | "
            f"{sample.unbounded / MB:.1f} | {sample.classes.get('[B', 0) / MB:.1f} | "
            f"{sample.segments} | {sample.pause_ms} |"
            for sample in trend.samples
        ),
        "",
    ]
    if trend.judged:
        pauses = [sample.pause_ms for sample in trend.samples]
        lines += [
            f"- the live set less the engine's caches and buffers, over the run's second "
            f"half: {trend.first_mb:.1f} → {trend.last_mb:.1f} MB; least-squares slope "
            f"{trend.per_hour_mb:+.1f} MB per hour, a growth of {trend.growth_mb:+.1f} MB "
            f"over the run's {trend.minutes:.1f} minutes at that rate, against a tolerance "
            f"of {trend.tolerance_mb:.1f} MB: **{'GROWS' if trend.grows else 'flat'}**",
            f"- the whole live set, caches and buffers included: "
            f"{trend.whole_per_hour_mb:+.1f} MB per hour over the second half (information)",
            f"- a day of load at the judged rate: {trend.day_mb:+.0f} MB, of a heap of "
            f"{trend.heap_max / MB:,.0f} MB",
            f"- the forced collections: {len(pauses)}, pauses {min(pauses)}–{max(pauses)} ms "
            f"({sum(pauses)} ms in all); the engine answers nothing during one, so a request "
            "in flight then waits for it: the latencies above include them",
        ]
    else:
        lines.append(
            f"- too few forced collections ({len(trend.samples)}, three in the second half "
            "needed) to judge a trend"
        )
    if live.cleared:
        lines.append(
            f"- after the load, the engine's caches cleared (`POST /_cache/clear`): live set "
            f"{live.cleared.live / MB:.1f} MB, its caches and buffers "
            f"{live.cleared.bounded / MB:.1f} MB"
        )
    lines += [f"- a forced collection failed at {failure}" for failure in live.failures]
    if trend.judged and (grown := trend.grown_classes()):
        lines += [
            "",
            "The classes whose live bytes grew most over the run's second half (the class "
            "histograms of its first and last collections, kept in the run's logs):",
            "",
            "| class | KB then | KB at the end |",
            "| --- | ---: | ---: |",
            *(
                f"| `{name}` | {then / 1024:,.0f} | {end / 1024:,.0f} |"
                for name, then, end in grown
            ),
        ]
    return lines


def _failures(stages: list[Stage]) -> list[str]:
    """Each kind of failure with the stage (number of users) it happened in."""
    return [
        f"- {stage.users} user(s), {name}: {error} ({count}×)"
        for stage in stages
        for name, error, count in stage.failures
    ]


def report_text(
    *, facts: dict, stages: list[Stage], trends: list[Trend], live: JvmLive, checks: Checks
) -> str:
    failures = sum(stage.total.failures for stage in stages)
    requests = sum(stage.total.requests for stage in stages)
    seconds = sum(stage.seconds for stage in stages)
    growing = [trend.role for trend in trends if trend.grows and not trend.information]
    if live.trend.grows:
        growing.append("OpenSearch JVM live set less its caches and buffers")
    verdicts = [
        (
            f"{facts['entries_wanted']:,} entries on PostgreSQL, served by gunicorn "
            "with the engine",
            checks.entries >= facts["entries_wanted"],
            f"{checks.entries:,} entries in the database",
        ),
        (
            "a mixed load at several concurrencies",
            len({stage.users for stage in stages}) > 1,
            f"{', '.join(str(s.users) for s in stages)} users, {seconds / 60:.1f} minutes",
        ),
        (
            "errors: 0",
            failures == 0 and not checks.server_errors,
            f"{failures} failed of {requests:,} requests; {len(checks.server_errors)} "
            "error lines in the server's log",
        ),
        (
            "no growth trend in any process's memory",
            not growing and live.trend.judged,
            "growing: " + ", ".join(growing)
            if growing
            else "every process flat"
            + (
                f"; the JVM's live set less its caches and buffers "
                f"{live.trend.growth_mb:+.1f} MB over the run (at its second half's rate)"
                if live.trend.judged
                else "; the JVM's live set not measured"
            ),
        ),
        (
            "nothing lost: every publish indexed",
            checks.queued_updates == 0 and checks.drift_exit == 0,
            f"{checks.queued_updates} updates left queued; check_search_index exit "
            f"{checks.drift_exit}",
        ),
    ]
    lines = [
        "# Reliability soak: PostgreSQL, gunicorn, OpenSearch",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/soak.py` (issue #15, item 4)."
        + (f" **{facts['marker']}**" if facts.get("marker") else ""),
        "",
        "## Verdicts",
        "",
        "| promise | kept | measured |",
        "| --- | --- | --- |",
        *(
            f"| {promise} | {'yes' if kept else 'NO'} | {what} |"
            for promise, kept, what in verdicts
        ),
        "",
        "## Machine and commands",
        "",
        *facts["machine"],
        "",
        "```",
        *facts["commands"],
        "```",
        "",
        "## Entries: SQLite → backup → PostgreSQL",
        "",
        *facts["data"],
        "",
        "## Load (locust)",
        "",
        *facts["load"],
        "",
        *_stages(stages),
        "",
        "### Failures",
        "",
        *(_failures(stages) or ["None."]),
        *(
            ["", "Server log errors:", "", "```", *checks.server_errors[:20], "```"]
            if checks.server_errors
            else []
        ),
        "",
        "## Slow and failed searches",
        "",
        f"- the portal's search warnings: {len(checks.search_warnings)}",
        f"- the engine's search slow log (query ≥ 2 s, fetch ≥ 1 s): "
        f"{len(checks.engine_slow_log)} lines",
        *([f"- the run's logs are kept in `{checks.logs_kept}`"] if checks.logs_kept else []),
        *(
            ["", "```", *checks.search_warnings[:LINES_SHOWN], "```"]
            if checks.search_warnings
            else []
        ),
        *(
            [
                "",
                "```",
                *(slow_line_summary(line) for line in checks.engine_slow_log[:LINES_SHOWN]),
                "```",
            ]
            if checks.engine_slow_log
            else []
        ),
        "",
        "## Memory (RSS every 10 s)",
        "",
        "A process grows when, over the second half of the run, its RSS rose by more than "
        "10 MB and 5 % of its size (the first minutes fill caches, the JVM's heap and "
        "PostgreSQL's shared buffers). The JVM's heap in use rises and falls between "
        "collections by design: its floor, the lowest sample of each sixth of the run (its "
        "samples are those six), follows G1's old generation between concurrent cycles and "
        "is shown for information; the heap is judged by its live set (below). The JVM's "
        "heap is touched whole at start "
        "(`-XX:+AlwaysPreTouch`) and its resident memory is read in two parts: anonymous "
        "(heap and native memory, where a leak shows) and file-backed (pages of the index's "
        "mapped segment files, page cache the kernel may drop, bounded by those files).",
        "",
        *_memory(trends),
        "",
        "### The JVM's live set",
        "",
        f"At the start of the load, every {LIVE_EVERY / 60:.0f} minutes and at its end, a "
        "full collection forced in the engine's JVM by taking its class histogram (`jcmd "
        "<pid> GC.class_histogram`, which counts the reachable objects only): the live set, "
        "and of which classes; the heap in use and the engine's own accounts read from the "
        "node stats once they are refreshed after it. "
        "A leak raises it whatever G1 does between cycles. Part of it is the engine's own "
        "caches and indexing buffers (query, request and fielddata caches, the index "
        "writers' buffers and version maps), each bounded by a share of the heap and "
        "accounted in the node stats: the live set less them grows when its least-squares "
        "slope over the run's second half (the first minutes follow the restore's index "
        "rebuild), carried over the whole run, gives more than 10 MB and 5 % of its first "
        "size in that half. The pause is the old collector's time across the forced "
        "collection.",
        "",
        *_live(live),
        "",
        "## After the load",
        "",
        f"- entries in the database: {checks.entries:,}; entries published by the load: "
        f"{checks.published_entries}, with {checks.revisions} revisions in all",
        f"- index updates still queued: {checks.queued_updates}",
        f"- `manage.py check_search_index`: exit {checks.drift_exit}",
        "",
        "```",
        *checks.drift_output.strip().splitlines()[:20],
        "```",
        "",
    ]
    return "\n".join(lines)


def report_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
