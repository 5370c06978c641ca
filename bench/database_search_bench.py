"""Database search benchmark: the portal's database search (no engine configured) against
Wagtail's own database search (django-modelsearch) over the same entries.

    .venv/bin/python bench/database_search_bench.py [--entries 10000] [--queries 30]
        [--database PATH | --database-url postgres://...] [--keep] [--output PATH]

Issue #14, item 6: "At 10,000 entries the database search median is at most 3 times
Wagtail's own database search (modelsearch) for the same text without counts, on SQLite
and on PostgreSQL; the facet counts come from one grouped query per facet family, not one
per term." In one run:

1. Loads the seed + demo entries through the real import and generates the rest
   (bench/load_entries.py) into a throwaway SQLite database, or into the (empty) PostgreSQL
   database of `--database-url`; or reuses a COPY of an earlier database (`--database`,
   migrated first; the file is modified).
2. Gives EntryPage, in this process only, Wagtail `search_fields` matching what the portal
   searches (search/fields.py: title, summary, body, the lesson details, the organisation's
   name) and runs Wagtail's `update_index` for the database backend: the peer. The product
   gives EntryPage no search_fields (every publish would write Wagtail's index).
3. Draws queries from the demo entries' words and vocabulary labels (bench/queries.py) and
   times, query by query and in alternating order, the peer
   (`EntryPage.objects.live().search(text)[:10]`, no count) and the portal
   (`search.api.search_entries(reader=ANONYMOUS, query=..., grouped=True)`, as the search
   page asks: the page, the total and every facet's counts), for words, facets only and
   words + 2 facets; then counts the SQL queries of one portal search of each kind.
4. Writes its section (SQLite or PostgreSQL) of bench/results/search-database.md, keeping
   the other database's section and the hand-written part.

Not a test: a measurement on a shared machine; the report gives the load averages.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from corpus import Corpus
from database_search_report import Run, section_write
from load_entries import entries_insert_generated
from portal_setup import ROOT, django_setup, fixture_entries_load, fixture_entries_read
from queries import query_mix
from report import load_average

RESULTS = ROOT / "bench" / "results" / "search-database.md"
# The kinds of query measured, as bench/queries.py draws them, and as the report names them.
KINDS = {"text": "words", "facets only": "facets only", "text+2 facets": "words + 2 facets"}
PEER_PAGE = 10


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=30, help="queries of each kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite database")
    parser.add_argument(
        "--portal-only",
        action="store_true",
        help="measure the portal alone (no peer, no update_index): for large collections",
    )
    parser.add_argument(
        "--peer-indexed",
        action="store_true",
        help="the database holds Wagtail's index of an earlier run: skip update_index",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database", type=Path, help="a COPY of an earlier run's SQLite file")
    where.add_argument("--database-url", help="an empty PostgreSQL database, or a loaded one")
    return parser.parse_args()


def data_ready(args: argparse.Namespace) -> str:
    """The entries loaded (or found); what was done."""
    from django.core.management import call_command

    from entries.models import EntryPage

    call_command("migrate", verbosity=0)
    if EntryPage.objects.exists():
        import entries.interchange  # noqa: F401 — loaded as an import would have

        return f"{EntryPage.objects.count():,} entries of an earlier run reused"
    started = time.perf_counter()
    real = fixture_entries_load()
    generated = max(0, args.entries - len(real))
    entries_insert_generated(generated, Corpus.build(real), args.seed)
    seconds = time.perf_counter() - started
    return f"{len(real)} imported + {generated:,} generated in {seconds:.0f} s"


def peer_index(indexed: bool) -> str:
    """Wagtail's search_fields for EntryPage, in this process, and its database index
    (unless `indexed` by an earlier run)."""
    from django.core.management import call_command
    from wagtail.models import Page
    from wagtail.search import index

    from entries.models import EntryPage
    from search.fields import DETAIL_COLUMNS

    EntryPage.search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        *(index.SearchField(column) for column in DETAIL_COLUMNS),
        index.RelatedFields("organisation", [index.SearchField("title")]),
    ]
    if indexed:
        return "Wagtail's index (database backend) of an earlier run reused"
    started = time.perf_counter()
    call_command("update_index", verbosity=0)
    return f"Wagtail's update_index (database backend): {time.perf_counter() - started:.0f} s"


def peer_search(text: str) -> int:
    from entries.models import EntryPage

    return len(list(EntryPage.objects.live().search(text)[:PEER_PAGE]))


def portal_search(params: dict) -> int:
    from entries.visibility import ANONYMOUS
    from search.api import search_entries, search_query_from_params

    query = search_query_from_params(
        {key: value if isinstance(value, list) else [value] for key, value in params.items()},
        language="en",
    )
    results = search_entries(reader=ANONYMOUS, query=query, grouped=True)
    if results.engine != "database":
        raise SystemExit(f"{results.engine} answered, not the database")
    return results.count


def timed(call, *args) -> tuple[float, int]:
    started = time.perf_counter()
    answer = call(*args)
    return time.perf_counter() - started, answer


def measured(
    mix: list[tuple[str, dict]], *, peer: bool = True
) -> dict[str, dict[str, list[float]]]:
    """Seconds per kind and side; for words, the peer (unless not `peer`) and the portal in
    alternating order."""
    times: dict[str, dict[str, list[float]]] = {}
    for number, (kind, params) in enumerate(mix):
        sides = times.setdefault(KINDS[kind], {"portal": [], "peer": [], "matches": []})
        calls = [("portal", portal_search, params)]
        if kind == "text" and peer:
            calls.append(("peer", peer_search, params["q"]))
        if number % 2:
            calls.reverse()
        for side, call, argument in calls:
            seconds, answer = timed(call, argument)
            sides[side].append(seconds)
            if side == "portal":
                sides["matches"].append(answer)
        if number % 10 == 9:
            print(f"{number + 1}/{len(mix)} queries ({load_average()})", flush=True)
    return times


def queries_made(mix: list[tuple[str, dict]]) -> dict[str, int]:
    """The SQL queries of one portal search of each kind."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = {}
    for kind, params in mix:
        if KINDS[kind] not in made:
            with CaptureQueriesContext(connection) as queries:
                portal_search(params)
            made[KINDS[kind]] = len(queries)
    return made


def main() -> None:
    args = arguments()
    command = " ".join([".venv/bin/python", "bench/database_search_bench.py", *sys.argv[1:]])
    folder = Path(tempfile.mkdtemp(prefix="database-search-bench-"))
    database = args.database_url or (args.database or folder / "bench.sqlite3").resolve()
    django_setup(database, "", "dbbench")
    from django.db import connection

    try:
        data = data_ready(args)
        print(data, flush=True)
        peer = "no peer (--portal-only)" if args.portal_only else peer_index(args.peer_indexed)
        print(peer, flush=True)
        from entries.models import EntryPage

        total = EntryPage.objects.count()
        corpus = Corpus.build(fixture_entries_read())
        drawn = query_mix(corpus, random.Random(args.seed), 10**4)
        mix = []
        for kind in KINDS:
            mix += [item for item in drawn if item[0] == kind][: args.queries]
        warm_up = [item for item in drawn if item[0] in KINDS][-3:]
        measured(warm_up, peer=not args.portal_only)
        before = load_average()
        times = measured(sorted(mix, key=lambda item: drawn.index(item)), peer=not args.portal_only)
        after = load_average()
        made = queries_made(mix)
    finally:
        if not args.keep and not args.database and not args.database_url:
            shutil.rmtree(folder, ignore_errors=True)
        elif not args.database_url:
            print(f"kept: {database}")
    run = Run(
        vendor=connection.vendor,
        command=command,
        entries=total,
        data=data,
        peer=peer,
        medians={
            kind: {
                side: statistics.median(sides[side]) for side in ("portal", "peer") if sides[side]
            }
            for kind, sides in times.items()
        },
        matches={
            kind: statistics.median(sides["matches"]) / total for kind, sides in times.items()
        },
        queries=made,
        count=args.queries,
        load=(before, after),
        examples={KINDS[kind]: params for kind, params in reversed(mix)},
    )
    text = section_write(args.output, run)
    print(text)


if __name__ == "__main__":
    main()
