"""Search benchmark: indexing throughput and search latency, engine and database.

    .venv/bin/python bench/search_bench.py [--entries 10000] [--engine-url URL]
        [--requests 400] [--database-requests 40] [--workers 3] [--output PATH]

What it does, in a throwaway SQLite database and under the index prefix "bench":

1. Loads the vocabulary and the seed + demo entries through the real import (real Wagtail
   pages), adds member organisations up to 50 through the real service, then generates the
   remaining entries (en/fr/de text recombined from the demo entries' sentences and the
   vocabulary's labels, random terms, visibility mostly public), written with bulk inserts
   into the page tables (bench/corpus.py, bench/load_entries.py).
2. Builds the index with the real `index_rebuild` (database read, `entry_document`, bulk
   requests, alias swap), three times (`--indexing-runs`), and reports entries per second of
   each and of the median one, and the time spent in bulk calls (bench/index_timing.py).
3. Starts gunicorn twice on 127.0.0.1 (portal with SEARCH_URL set; portal with it unset,
   i.e. the database fallback) and measures GET /api/v1/search/ for a fixed mix of queries
   at concurrency 1 and 8, plus the same request bodies sent straight to the engine
   (the floor; a query that finds nothing sends its "did you mean" body too, as the portal
   does). Bounded request loops over keep-alive connections (bench/portal_server.py,
   bench/queries.py, bench/load_generation.py).
4. Writes bench/results/search.md (bench/report.py).

Not a test: a measurement. The load generator runs on the same machine as the engine and
the portal, so at concurrency 8 all three share the cores; the report says how many.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from corpus import Corpus
from index_timing import IndexingResult, index_timed
from load_entries import entries_insert_generated
from load_generation import Measured, Request, load
from portal_server import Portal
from portal_setup import (
    ROOT,
    django_setup,
    fixture_entries_load,
    fixture_entries_read,
)
from queries import KIND_SHARES, mix_requests, query_mix
from report import (
    ENGINE_DIRECT,
    PORTAL_DATABASE,
    PORTAL_ENGINE,
    kind_rows,
    latency_row,
    load_average,
    report_text,
    report_write,
    target_rows,
)

RESULTS = ROOT / "bench" / "results" / "search.md"
PREFIX = "bench"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument(
        "--engine-url", default=os.environ.get("SEARCH_URL") or "http://127.0.0.1:9200"
    )
    parser.add_argument("--requests", type=int, default=400, help="per engine/portal run")
    parser.add_argument("--database-requests", type=int, default=40, help="per fallback run")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--indexing-runs", type=int, default=3, help="rebuilds measured (the median counts)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the database and index")
    parser.add_argument(
        "--database",
        type=Path,
        help="reuse the SQLite database of an earlier --keep run (same --entries): "
        "skips generating entries",
    )
    parser.add_argument(
        "--skip-database-fallback",
        action="store_true",
        help="do not measure the database fallback (it takes seconds per request)",
    )
    return parser.parse_args()


def indexing_runs(count: int) -> list[IndexingResult]:
    # Rebuilds of the same entries vary by a fifth from one run to the next on a shared
    # machine: the median of several is the figure, every run is listed.
    runs = []
    for _ in range(count):
        runs.append(index_timed())
        print(
            f"indexing: {runs[-1].count} entries in {runs[-1].seconds:.1f} s "
            f"({runs[-1].rate:.0f}/s; bulk requests {runs[-1].bulk_seconds:.1f} s)",
            flush=True,
        )
    return runs


def latency_runs(
    args: argparse.Namespace, corpus: Corpus, plan: list[tuple[str, str, int, int]], notes
) -> tuple[list[str], dict[tuple[str, int], Measured]]:
    """Each target of the plan at concurrency 1 and 8, after a warm-up."""
    rows: list[str] = []
    measured: dict[tuple[str, int], Measured] = {}
    rng = random.Random(args.seed)
    for name, host, port, total in plan:
        direct = name == ENGINE_DIRECT

        def requests_for(count: int, direct: bool = direct) -> list[Request]:
            portal_requests, engine_requests = mix_requests(query_mix(corpus, rng, count))
            return engine_requests if direct else portal_requests

        warm_up = requests_for(len(KIND_SHARES))  # other queries than those measured
        load(host, port, warm_up, 1, len(warm_up))
        for concurrency in (1, 8):
            notes.append(f"- load average before {name} c={concurrency}: {load_average()}")
            count = max(total, concurrency)
            result = load(host, port, requests_for(count), concurrency, count)
            measured[(name, concurrency)] = result
            rows.append(latency_row(name, concurrency, result))
            print(rows[-1], flush=True)
    return rows, measured


def main() -> None:
    args = arguments()
    command = (
        "make bench"
        if os.environ.get("MAKELEVEL")
        else " ".join([".venv/bin/python", "bench/search_bench.py", *sys.argv[1:]])
    )
    folder = Path(tempfile.mkdtemp(prefix="search-bench-"))
    database = args.database.resolve() if args.database else folder / "bench.sqlite3"
    django_setup(database, args.engine_url, PREFIX)
    notes: list[str] = [f"- load average at start: {load_average()}"]
    servers: list[Portal] = []
    try:
        started = time.perf_counter()
        if args.database:
            # What importing the entries would have loaded (the interchange schema, its
            # validators): a rebuild run after an import finds them loaded.
            import entries.interchange  # noqa: F401

            real = fixture_entries_read()
            generated = max(0, args.entries - len(real))
        else:
            real = fixture_entries_load()
            generated = max(0, args.entries - len(real))
            entries_insert_generated(generated, Corpus.build(real), args.seed)
        from django.db import connection

        connection.close()
        setup_seconds = time.perf_counter() - started
        print(f"database: {len(real)} imported + {generated} generated in {setup_seconds:.0f} s")

        runs = indexing_runs(args.indexing_runs)
        indexing = sorted(runs, key=lambda run: run.rate)[len(runs) // 2]

        log = folder / "portal.log"
        with_engine = Portal(database, args.engine_url, args.workers, log, PREFIX)
        servers.append(with_engine)
        log = folder / "fallback.log"
        without_engine = Portal(database, None, args.workers, log, PREFIX)
        servers.append(without_engine)
        engine = urlsplit(args.engine_url)
        plan = [
            (ENGINE_DIRECT, engine.hostname, engine.port, args.requests),
            (PORTAL_ENGINE, "127.0.0.1", with_engine.port, args.requests),
            (PORTAL_DATABASE, "127.0.0.1", without_engine.port, args.database_requests),
        ]
        if args.skip_database_fallback:
            plan.pop()
        rows, measured = latency_runs(args, Corpus.build(real), plan, notes)
        targets = target_rows(indexing, measured)
    finally:
        for server in servers:
            server.stop()
        if not args.keep:
            from search.indexing import index_drop_all

            try:
                index_drop_all()
            except Exception as error:  # noqa: BLE001 — the report matters more
                print(f"could not drop the bench index: {error}", file=sys.stderr)
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept: {folder}")

    notes.append(f"- load average at end: {load_average()}")
    report = report_text(
        command=command,
        workers=args.workers,
        engine_url=args.engine_url,
        notes=notes,
        real=len(real),
        generated=generated,
        setup_seconds=None if args.database else setup_seconds,
        runs=runs,
        indexing=indexing,
        targets=targets,
        rows=rows,
        kinds=kind_rows(measured),
    )
    report_write(args.output, report)
    print(report)


if __name__ == "__main__":
    main()
