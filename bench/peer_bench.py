"""The portal against its peer and its floor, in one run (issue #14, items 3 and 4).

    .venv/bin/python bench/peer_bench.py [--entries 10000] [--engine-url URL] [--runs 3]
        [--queries 60] [--database PATH] [--keep] [--output PATH]

In a throwaway SQLite database (the entries loaded as bench/search_bench.py loads them:
bench/portal_setup.py, bench/load_entries.py), on one engine:

1. Rebuilds, `--runs` times each, interleaved so that the machine's load falls on all
   alike: the portal's `index_rebuild` (what `rebuild_search_index` runs, timed by
   bench/index_timing.py); Wagtail's `update_index` for the peer backend (django-
   modelsearch's OpenSearch backend configured as a Wagtail site would, with search_fields
   equivalent to the portal's: bench/peer_backend.py); and the floor, the same documents
   built beforehand and sent straight to `_bulk` (bench/index_floor.py).
2. Text queries of the search benchmark's mix (bench/queries.py: plain words, questions,
   typos, words found nowhere; no facet selected), each asked once of each side, in turn,
   in this process: the portal through search.api.search_entries (what GET /api/v1/search/
   calls: one page of hits, all 14 disjunctive counts, highlights, typo tolerance), the peer
   as a Wagtail search view asks modelsearch (count, one page of pages, one `.facet()` per
   facet). Both for an anonymous reader (public live entries only).
3. Writes bench/results/search-peer.md (bench/peer_report.py).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from corpus import Corpus
from index_floor import bodies_prepare, floor_timed
from index_timing import index_timed
from load_entries import entries_insert_generated
from peer_backend import (
    PEER,
    peer_configure,
    peer_drop,
    peer_facet_fields,
    peer_rebuild,
    peer_search,
)
from peer_report import report_text, report_write
from portal_setup import ROOT, django_setup, fixture_entries_load, fixture_entries_read
from queries import query_mix

RESULTS = ROOT / "bench" / "results" / "search-peer.md"
PREFIX = "peerbench"
PEER_PREFIX = "peerbench-wagtail-"
# The kinds of the search benchmark's mix that select no facet: the peer gets the same words.
TEXT_KINDS = ("text", "question", "typo", "0-result")


@dataclass
class Run:
    """Timings of one run, for the report."""

    entries: int = 0
    setup_seconds: float | None = None
    portal_rebuilds: list = field(default_factory=list)  # IndexingResult
    peer_rebuilds: list[float] = field(default_factory=list)
    peer_documents: int = 0
    floors: list = field(default_factory=list)  # FloorResult
    prepared: object = None  # PreparedBodies, without its bodies
    # (kind, words, portal seconds, peer seconds, portal count, peer count)
    queries: list[tuple] = field(default_factory=list)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--engine-url", default="http://127.0.0.1:9272")
    parser.add_argument("--runs", type=int, default=3, help="rebuilds of each kind")
    parser.add_argument("--queries", type=int, default=60, help="text queries of each side")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--database", type=Path, help="reuse the SQLite database of an earlier --keep run"
    )
    return parser.parse_args()


def entries_ready(args: argparse.Namespace, database: Path, run: Run) -> list[dict]:
    started = time.perf_counter()
    if args.database:
        import entries.interchange  # noqa: F401 — loaded by an import, as in a real rebuild

        real = fixture_entries_read()
    else:
        real = fixture_entries_load()
        generated = max(0, args.entries - len(real))
        entries_insert_generated(generated, Corpus.build(real), args.seed)
        run.setup_seconds = time.perf_counter() - started
    from django.db import connection
    from django.urls import reverse

    # The URLconf, imported once per process by the first document builder (it resolves
    # where pages are served) and costing seconds (jsonschema's format grammars): loaded
    # here, so that no timed phase pays it.
    reverse("wagtail_serve", args=("",))
    connection.close()
    return real


def peer_document_count() -> int:
    from modelsearch.backends import get_search_backend

    from entries.models import EntryPage

    backend = get_search_backend(PEER)
    index = backend.get_index_for_model(EntryPage)
    return backend.es.count(index=index.name)["count"]


def rebuilds(runs: int, run: Run) -> None:
    from search.client import alias_name

    floor_index = f"{alias_name()}-floor"
    prepared = bodies_prepare(floor_index)
    print(
        f"floor: {prepared.count} documents built in {prepared.read_build_seconds:.1f} s, "
        f"serialised in {prepared.serialise_seconds:.1f} s",
        flush=True,
    )
    for _ in range(runs):
        run.portal_rebuilds.append(index_timed())
        print(f"portal rebuild: {run.portal_rebuilds[-1].seconds:.1f} s", flush=True)
        started = time.perf_counter()
        peer_rebuild()
        run.peer_rebuilds.append(time.perf_counter() - started)
        print(f"peer update_index: {run.peer_rebuilds[-1]:.1f} s", flush=True)
        run.floors.append(floor_timed(prepared, floor_index))
        print(f"floor: {run.floors[-1].seconds:.1f} s", flush=True)
    run.entries = run.portal_rebuilds[-1].count
    run.peer_documents = peer_document_count()
    prepared.bodies = []
    run.prepared = prepared


def queries(corpus: Corpus, count: int, seed: int, run: Run) -> None:
    from entries.visibility import ANONYMOUS
    from search.api import search_entries
    from search.query import search_query_from_params

    rng = random.Random(seed)
    mix = [
        (kind, params["q"])
        for kind, params in query_mix(corpus, rng, count * 3)
        if kind in TEXT_KINDS
    ]
    warm_up, measured = mix[: len(TEXT_KINDS) * 2], mix[len(TEXT_KINDS) * 2 :][:count]
    facet_fields = peer_facet_fields()

    def portal(words: str):
        query = search_query_from_params({"q": [words]})
        answer = search_entries(reader=ANONYMOUS, query=query)
        if answer.engine == "database":
            raise SystemExit("the portal answered from the database: the engine is down")
        return answer.count

    def peer(words: str):
        from search.query import DEFAULT_PAGE_SIZE

        return peer_search(words, DEFAULT_PAGE_SIZE, facet_fields).count

    for _kind, words in warm_up:
        portal(words)
        peer(words)
    for number, (kind, words) in enumerate(measured):
        # In turn, each side first every other query: neither always meets a warmer cache.
        sides = [portal, peer] if number % 2 == 0 else [peer, portal]
        timings, counts = {}, {}
        for side in sides:
            started = time.perf_counter()
            counts[side] = side(words)
            timings[side] = time.perf_counter() - started
        run.queries.append(
            (kind, words, timings[portal], timings[peer], counts[portal], counts[peer])
        )
    portal_median = statistics.median(q[2] for q in run.queries)
    peer_median = statistics.median(q[3] for q in run.queries)
    print(f"queries: portal {portal_median * 1000:.0f} ms, peer {peer_median * 1000:.0f} ms")


def main() -> None:
    args = arguments()
    command = " ".join([".venv/bin/python", "bench/peer_bench.py", *sys.argv[1:]])
    folder = Path(tempfile.mkdtemp(prefix="peer-bench-"))
    database = args.database.resolve() if args.database else folder / "bench.sqlite3"
    django_setup(database, args.engine_url, PREFIX)
    run = Run()
    try:
        real = entries_ready(args, database, run)
        peer_configure(args.engine_url, PEER_PREFIX)
        rebuilds(args.runs, run)
        queries(Corpus.build(real), args.queries, args.seed, run)
    finally:
        from search.indexing import index_drop_all

        index_drop_all()
        peer_drop(PEER_PREFIX)
        if args.keep:
            print(f"kept: {database}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    report = report_text(command=command, engine_url=args.engine_url, run=run)
    report_write(args.output, report)
    print(report)


if __name__ == "__main__":
    main()
