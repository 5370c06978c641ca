"""Import benchmark: importing new entries, exporting them, and importing them again
unchanged and with a tenth of them changed, in one run, as ratios to the export.

    .venv/bin/python bench/import_bench.py [--entries 1000] [--output PATH]

In a throwaway SQLite database without an engine (index updates are skipped, as on a
portal without SEARCH_URL): the seed and demo entries of fixtures/ are copied under new ids
until there are --entries lines, then imported through the real import (pages, revisions,
publication), exported through `export_entries`, and imported again. Issue #14's targets:
a new import at most 5 times the export, an unchanged one at most 2 times.

Writes bench/results/import.md. Not a test: a measurement.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from pathlib import Path

from portal_setup import ROOT, django_setup, fixture_entries_read

RESULTS = ROOT / "bench" / "results" / "import.md"
# The notes below the figures are written by hand: a new run keeps them.
NOTES_HEADING = "## Profile, changes, what was tried and dropped"
# Import (new entries) and re-import (unchanged) as multiples of the export: issue #14.
TARGETS = {"import, new": 5.0, "import, unchanged": 2.0}


def catalogue(size: int) -> list[dict]:
    """size interchange entries: the fixtures' entries under new ids, without the links
    between entries (which name the originals' ids)."""
    originals = fixture_entries_read()
    entries = []
    for number in range(size):
        entry = dict(originals[number % len(originals)])
        entry["id"] = f"{entry['id'][:80]}-{number}"
        entry.pop("related", None)
        entry.pop("translation_of", None)
        entries.append(entry)
    return entries


def _timed(action) -> tuple[tuple[float, float], object]:
    """Wall-clock and CPU seconds of an action, and its result. On a shared machine the
    CPU time of this process (SQLite's work included: it runs in the process) keeps the
    ratios steady where other processes' load moves the wall-clock ones."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = action()
    return (time.perf_counter() - started, time.process_time() - cpu_started), result


def measure(size: int) -> dict[str, tuple[float, float]]:
    from django.core.management import call_command

    from entries.imports import entries_import
    from portal.services import site_ensure
    from vocabulary.services import vocabulary_load

    call_command("migrate", verbosity=0)
    site_ensure()
    vocabulary_load()
    entries = catalogue(size)
    lines = [json.dumps(entry, ensure_ascii=False) for entry in entries]

    def imported(lines: list[str]):
        report = entries_import(lines)
        if not report.ok:
            raise SystemExit(f"import failed: {report.errors[:3]}")
        return report

    times = {}
    times["import, new"], report = _timed(lambda: imported(lines))
    assert len(report.created) == size, report
    times["export"], _ = _timed(lambda: call_command("export_entries", stdout=io.StringIO()))
    times["import, unchanged"], report = _timed(lambda: imported(lines))
    assert len(report.unchanged) == size, report
    changed = [
        json.dumps({**entry, "title": entry["title"] + " (revised)"}, ensure_ascii=False)
        if number % 10 == 0
        else line
        for number, (entry, line) in enumerate(zip(entries, lines, strict=True))
    ]
    times["import, a tenth changed"], report = _timed(lambda: imported(changed))
    assert len(report.updated) == len(range(0, size, 10)), report
    return times


def _notes(output: Path) -> list[str]:
    text = output.read_text(encoding="utf-8") if output.exists() else ""
    start = text.find(NOTES_HEADING)
    return [] if start < 0 else [text[start:].rstrip("\n"), ""]


def _verdict(ratio: float, target: float | None) -> str:
    return "" if target is None else ("met" if ratio <= target else "NOT met")


def report_write(size: int, times: dict[str, tuple[float, float]], output: Path) -> None:
    export, export_cpu = times["export"]
    rows = []
    for name, (seconds, cpu) in times.items():
        ratio, cpu_ratio = seconds / export, cpu / export_cpu
        target = TARGETS.get(name)
        rows.append(
            f"| {name} | {seconds:.2f} | {1000 * seconds / size:.1f} | {ratio:.2f} | "
            f"{cpu:.2f} | {cpu_ratio:.2f} | {'' if target is None else f'≤ {target:g}'} | "
            f"{_verdict(ratio, target)} | {_verdict(cpu_ratio, target)} |"
        )
    output.write_text(
        "\n".join(
            [
                "# Import benchmark",
                "",
                f"`.venv/bin/python bench/import_bench.py --entries {size}`, SQLite, no engine, "
                f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
                "",
                "| run | seconds | ms per entry | × export | CPU seconds | × export, CPU "
                "| target | wall-clock | CPU |",
                "|---|---|---|---|---|---|---|---|---|",
                *rows,
                "",
                *_notes(output),
            ]
        ),
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="import-bench-") as directory:
        django_setup(Path(directory) / "bench.sqlite3", engine_url="", index_prefix="bench")
        times = measure(options.entries)
    report_write(options.entries, times, options.output)
    print(options.output.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
