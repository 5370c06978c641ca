"""Search benchmark: how close the portal stays to its engine's floor, and how its cost
grows with the collection, measured side by side in one run (issue #14: ratios, not
absolute times, on a shared machine where the load generator competes with the engine).

    .venv/bin/python bench/search_bench.py [--entries 10000 100000] [--engine-url URL]
        [--database PATH ...] [--requests 400] [--workers 3] [--output PATH]

For each collection size, in a throwaway SQLite database and under the index prefix
"bench":

1. Loads the vocabulary and the seed + demo entries through the real import (real Wagtail
   pages), adds member organisations up to 50 through the real service, then generates the
   remaining entries (text drawn with Zipf's law from the demo entries' words, the
   vocabulary's labels and a general word list of each language; random terms, visibility
   mostly public), written with bulk inserts into the page tables (bench/corpus.py,
   bench/load_entries.py); or reuses the database of an earlier `--keep` run
   (`--database`, one per size).
2. Builds the index with the real `index_rebuild` (`--indexing-runs`, for the record).
3. The floor (bench/floor.py): each query of a mix sent straight to the engine as the
   portal's full search and as a bare relevance query on the same words, in turn.
4. Starts gunicorn on 127.0.0.1 (portal with SEARCH_URL set) and measures, side by side
   (bench/paired.py: each connection alternates the two), GET /api/v1/search/ for a mix of
   queries and the requests the portal sends the engine for other queries of the same mix
   sent straight to it, at concurrency 1 and 8; and, unless `--skip-database-fallback`,
   the portal without an engine (the database search). Keep-alive connections
   (bench/portal_server.py, bench/queries.py, bench/load_generation.py).
5. Writes bench/results/search.md (bench/report.py): one table of ratios for the run.

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
from floor import floor_measure
from index_timing import IndexingResult, index_timed
from load_entries import entries_insert_generated
from load_generation import Measured, Request, load
from paired import paired_load
from portal_server import Portal
from portal_setup import ROOT, django_setup, fixture_entries_load, fixture_entries_read
from queries import KIND_SHARES, mix_requests, query_mix
from report import (
    ENGINE_DIRECT,
    PORTAL_DATABASE,
    PORTAL_ENGINE,
    SizeRun,
    latency_row,
    load_average,
    report_text,
    report_write,
)

RESULTS = ROOT / "bench" / "results" / "search.md"
PREFIX = "bench"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--entries", type=int, nargs="+", default=[10_000, 100_000], help="collection sizes"
    )
    parser.add_argument(
        "--engine-url", default=os.environ.get("SEARCH_URL") or "http://127.0.0.1:9200"
    )
    parser.add_argument("--requests", type=int, default=400, help="per engine/portal run")
    parser.add_argument("--floor-requests", type=int, default=300, help="queries of the floor")
    parser.add_argument("--database-requests", type=int, default=40, help="per fallback run")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--indexing-runs",
        type=int,
        default=1,
        help="rebuilds measured; 0: search the index an earlier --keep run left",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the databases and index")
    parser.add_argument(
        "--database",
        type=Path,
        nargs="+",
        help="reuse the SQLite databases of an earlier --keep run (one per --entries, in "
        "the same order): skips generating entries",
    )
    parser.add_argument(
        "--skip-database-fallback",
        action="store_true",
        help="do not measure the database fallback (it takes seconds per request)",
    )
    args = parser.parse_args()
    if args.database and len(args.database) != len(args.entries):
        parser.error("--database needs one path per --entries size")
    return args


def database_use(path: Path) -> None:
    """Point Django's default connection at another SQLite file: the sizes of one run are
    measured by one process, whose Django is set up once."""
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = str(path)


def entries_indexed() -> int:
    from search import client

    engine = client.engine_get(even_if_down=True)
    answer = engine.search(client.alias_name(), {"size": 0, "track_total_hits": True})
    return answer["hits"]["total"]["value"]


def indexing_runs(count: int) -> list[IndexingResult]:
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
    args: argparse.Namespace, corpus: Corpus, targets: dict[str, tuple[str, int]], notes
) -> tuple[list[str], dict[tuple[str, int], Measured]]:
    """The portal and the engine requests it makes, side by side (bench/paired.py), and
    the database fallback if asked, at concurrency 1 and 8, after a warm-up; every request
    a query of its own, so that no cache answers a query asked before."""
    rows: list[str] = []
    measured: dict[tuple[str, int], Measured] = {}
    rng = random.Random(args.seed)

    def requests_for(count: int) -> tuple[list[Request], list[Request]]:
        portal, _ = mix_requests(query_mix(corpus, rng, count))
        _, engine = mix_requests(query_mix(corpus, rng, count))
        return portal, engine

    def paired(count: int, concurrency: int) -> dict[str, Measured]:
        portal, engine = requests_for(count)
        return paired_load(
            {
                PORTAL_ENGINE: (*targets[PORTAL_ENGINE], portal),
                ENGINE_DIRECT: (*targets[ENGINE_DIRECT], engine),
            },
            concurrency,
        )

    paired(len(KIND_SHARES), 1)  # warm-up, with other queries than those measured
    for concurrency in (1, 8):
        notes.append(f"- load average before the paired run c={concurrency}: {load_average()}")
        for name, result in paired(max(args.requests, concurrency), concurrency).items():
            measured[(name, concurrency)] = result
            rows.append(latency_row(name, concurrency, result))
            print(rows[-1], flush=True)
    if PORTAL_DATABASE in targets:
        host, port = targets[PORTAL_DATABASE]
        for concurrency in (1, 8):
            count = max(args.database_requests, concurrency)
            portal, _ = requests_for(count)
            result = load(host, port, portal, concurrency, count)
            measured[(PORTAL_DATABASE, concurrency)] = result
            rows.append(latency_row(PORTAL_DATABASE, concurrency, result))
            print(rows[-1], flush=True)
    return rows, measured


def index_prefix_use(size: int) -> str:
    """Each size its own index (prefix "bench-<size>"), so that a kept one can be searched
    again without a rebuild (--indexing-runs 0)."""
    from django.conf import settings

    settings.SEARCH_INDEX_PREFIX = f"{PREFIX}-{size}"
    return settings.SEARCH_INDEX_PREFIX


def index_drop() -> None:
    from search.indexing import index_drop_all

    try:
        index_drop_all()
    except Exception as error:  # noqa: BLE001 — the report matters more
        print(f"could not drop the bench index: {error}", file=sys.stderr)


def size_measure(
    args: argparse.Namespace, size: int, database: Path, reused: bool, folder: Path
) -> SizeRun:
    """One collection size: the data, the index, the floor and the latency runs."""
    database_use(database)
    prefix = index_prefix_use(size)
    notes: list[str] = [f"- load average at start: {load_average()}"]
    started = time.perf_counter()
    if reused:
        # What importing the entries would have loaded (the interchange schema, its
        # validators): a rebuild run after an import finds them loaded.
        import entries.interchange  # noqa: F401

        real = fixture_entries_read()
    else:
        real = fixture_entries_load()
        entries_insert_generated(max(0, size - len(real)), Corpus.build(real), args.seed)
    from django.db import connection

    corpus = Corpus.build(real)
    connection.close()
    setup_seconds = time.perf_counter() - started
    generated = max(0, size - len(real))
    print(f"database: {len(real)} imported + {generated} generated in {setup_seconds:.0f} s")

    runs = indexing_runs(args.indexing_runs)
    engine = urlsplit(args.engine_url)
    indexed = runs[0].count if runs else entries_indexed()
    # The floor first, on a node whose caches hold no query of the mix yet.
    floor_mix = query_mix(corpus, random.Random(args.seed + size), args.floor_requests)
    floor = floor_measure(engine.hostname, engine.port, floor_mix)
    print(f"floor: full / bare {floor.ratio():.2f}", flush=True)
    servers: list[Portal] = []
    try:
        with_engine = Portal(database, args.engine_url, args.workers, folder / "portal.log", prefix)
        servers.append(with_engine)
        targets = {
            ENGINE_DIRECT: (engine.hostname, engine.port),
            PORTAL_ENGINE: ("127.0.0.1", with_engine.port),
        }
        if not args.skip_database_fallback:
            fallback = Portal(database, None, args.workers, folder / "fallback.log", prefix)
            servers.append(fallback)
            targets[PORTAL_DATABASE] = ("127.0.0.1", fallback.port)
        rows, measured = latency_runs(args, corpus, targets, notes)
    finally:
        for server in servers:
            server.stop()
        if not args.keep:
            index_drop()
    notes.append(f"- load average at end: {load_average()}")
    return SizeRun(
        entries=indexed,
        real=len(real),
        generated=generated,
        setup_seconds=None if reused else setup_seconds,
        corpus=corpus.description(),
        indexing=runs,
        floor=floor,
        rows=rows,
        measured=measured,
        notes=notes,
    )


def main() -> None:
    args = arguments()
    command = (
        "make bench"
        if os.environ.get("MAKELEVEL")
        else " ".join([".venv/bin/python", "bench/search_bench.py", *sys.argv[1:]])
    )
    folder = Path(tempfile.mkdtemp(prefix="search-bench-"))
    databases = (
        [path.resolve() for path in args.database]
        if args.database
        else [folder / f"bench-{size}.sqlite3" for size in args.entries]
    )
    # The bench and its portals wait for a busy engine rather than fall back to the
    # database: a shared machine's engine may take seconds to create an index.
    os.environ.setdefault("SEARCH_TIMEOUT", "60")
    django_setup(databases[0], args.engine_url, PREFIX)
    sizes: list[SizeRun] = []
    try:
        for size, database in zip(args.entries, databases, strict=True):
            sizes.append(size_measure(args, size, database, bool(args.database), folder))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept: {folder}")

    report = report_text(
        command=command, workers=args.workers, engine_url=args.engine_url, sizes=sizes
    )
    report_write(args.output, report)
    print(report)


if __name__ == "__main__":
    main()
