"""Overview benchmark: what the overview page costs against one faceted search on the same
filters, on the engine and on the database fallback.

    .venv/bin/python bench/overview_bench.py [--entries 10000] [--engine-url URL]
        [--repeats 9] [--database-repeats 3] [--database PATH] [--keep] [--output PATH]

Issue #13 promises: "the overview at 100,000 entries costs at most 2 times one faceted
search on the same filters (measured in the benchmark, engine and database)". In one run,
in a throwaway SQLite database and under the index prefix "ovbench":

1. Loads the seed + demo entries through the real import and generates the rest, as
   bench/search_bench.py does (bench/corpus.py, bench/load_entries.py); or reuses the
   database of an earlier `--keep` run (`--database`).
2. Builds the index with the real `index_rebuild` (skipped by `--reuse-index` when the
   index of a kept run is still there), and switches the engine's request cache off for it:
   else the overview's count-only requests, repeated, would be answered from that cache
   while the search's hits never are.
3. For each filter set and reader (anonymous; a member of an organisation), GETs
   /en/overview/?<filters> and /en/search/?<filters> through Django's test client (the
   whole page: the view, every query, the charts, the template), in turns: each round asks
   every case's two pages, in alternate order from one round to the next, after one round
   not counted. First on the engine, then with SEARCH_URL unset (the database fallback).
   The median of each page, and their ratio, per case.
4. Counts, in one more round, the SQL queries and engine requests each page makes.
5. Writes bench/results/overview.md (bench/overview_report.py).

Not a test: a measurement, on a machine whose other users vary the timings; the report
gives the load averages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from corpus import Corpus
from index_timing import index_timed
from load_entries import entries_insert_generated
from overview_report import Case, Measured, report_text
from portal_setup import ROOT, django_setup, fixture_entries_load, fixture_entries_read
from report import load_average, report_write

RESULTS = ROOT / "bench" / "results" / "overview.md"
PREFIX = "ovbench"
MEMBER_USERNAME = "bench-member"
# The filter sets measured: none, a facet, two facets and years, words.
FILTER_SETS: list[tuple[str, list[tuple[str, str]]]] = [
    ("no filter", []),
    ("a facet", [("formats", "chat")]),
    (
        "two facets + years",
        [
            ("formats", "chat"),
            ("ideologies", "far-right"),
            ("year_from", "2018"),
            ("year_to", "2022"),
        ],
    ),
    ("words", [("q", "online counselling")]),
]
READERS = ("anonymous", "member")
PAGES = {"overview": "/en/overview/", "search": "/en/search/"}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument(
        "--engine-url", default=os.environ.get("SEARCH_URL") or "http://127.0.0.1:9200"
    )
    parser.add_argument("--repeats", type=int, default=9, help="rounds on the engine")
    parser.add_argument(
        "--database-repeats", type=int, default=3, help="rounds on the database fallback"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the database and index")
    parser.add_argument(
        "--database",
        type=Path,
        help="reuse the SQLite database of an earlier --keep run: skips generating entries",
    )
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="with --database: keep the index of the earlier run if it holds every entry",
    )
    return parser.parse_args()


def data_ready(args: argparse.Namespace) -> tuple[int, int, float | None]:
    """The imported and generated entries, and the seconds generating took (None when an
    earlier run's database is reused)."""
    started = time.perf_counter()
    if args.database:
        import entries.interchange  # noqa: F401 — loaded as an import would have

        real = len(fixture_entries_read())
        return real, max(0, args.entries - real), None
    real = fixture_entries_load()
    generated = max(0, args.entries - len(real))
    entries_insert_generated(generated, Corpus.build(real), args.seed)
    return len(real), generated, time.perf_counter() - started


def index_ready(reuse: bool) -> str:
    """The index built (or kept), without the engine's request cache; what was done."""
    from entries.models import EntryPage
    from search.client import alias_name, engine_get

    engine = engine_get(even_if_down=True)
    live = EntryPage.objects.live().count()
    held = _indexed(engine, alias_name()) if reuse else None
    if held == live:
        done = f"the index of the earlier run, {held:,} documents, reused"
    else:
        timing = index_timed()
        done = f"{timing.count:,} entries indexed by index_rebuild in {timing.seconds:.0f} s"
    engine.client.indices.put_settings(
        index=alias_name(), body={"index": {"requests.cache.enable": False}}
    )
    return done


def _indexed(engine, alias: str) -> int | None:
    try:
        return engine.client.count(index=alias)["count"]
    except Exception:  # noqa: BLE001 — no index yet: it is built
        return None


def member_client():
    from django.test import Client

    from organisations.models import OrganisationPage
    from organisations.services import membership_set

    organisation = OrganisationPage.objects.order_by("pk").first()
    membership = membership_set(
        username=MEMBER_USERNAME, organisation_id=organisation.slug, role="member"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(membership.user)
    return client


def cases() -> list[Case]:
    return [Case(name, reader, params) for name, params in FILTER_SETS for reader in READERS]


def url(page: str, case: Case) -> str:
    query = urlencode(case.params)
    return PAGES[page] + (f"?{query}" if query else "")


def rounds(clients: dict, count: int) -> dict[tuple[Case, str], list[float]]:
    """Seconds per case and page over `count` rounds, after one not counted; the two pages
    of a case one after the other, in alternate order from one round to the next."""
    times: dict[tuple[Case, str], list[float]] = {}
    for number in range(count + 1):
        for case in cases():
            order = list(PAGES) if number % 2 else list(reversed(PAGES))
            for page in order:
                started = time.perf_counter()
                response = clients[case.reader].get(url(page, case))
                seconds = time.perf_counter() - started
                if response.status_code != 200:
                    raise SystemExit(f"{url(page, case)} answered {response.status_code}")
                if number:
                    times.setdefault((case, page), []).append(seconds)
        print(f"round {number}/{count} done ({load_average()})", flush=True)
    return times


def requests_made(clients: dict) -> dict[tuple[Case, str], tuple[int, int]]:
    """The SQL queries and engine requests of each case's page, asked once more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.client import engine_get

    engine = engine_get()  # None on the database fallback: no request to count
    asked = [0]
    originals = {name: getattr(engine, name) for name in ("search", "msearch") if engine}

    def counted(name):
        def call(*args, **kwargs):
            asked[0] += 1
            return originals[name](*args, **kwargs)

        return call

    made = {}
    for name in originals:
        setattr(engine, name, counted(name))
    try:
        for case in cases():
            for page in PAGES:
                asked[0] = 0
                with CaptureQueriesContext(connection) as queries:
                    clients[case.reader].get(url(page, case))
                made[(case, page)] = (len(queries), asked[0])
    finally:
        for name in originals:
            delattr(engine, name)
    return made


def measured_on(backend: str, clients: dict, repeats: int) -> Measured:
    from search.api import facet_counts, search_query_from_params
    from search.client import engine_get

    readers = _readers()
    matches = {}
    for case in cases():
        params: dict[str, list[str]] = {}
        for key, value in case.params:
            params.setdefault(key, []).append(value)
        query = search_query_from_params(params, language="en")
        counts = facet_counts(reader=readers[case.reader], query=query)
        if counts.engine != backend:
            raise SystemExit(f"asked {backend}, {counts.engine} answered")
        matches[case] = counts.count
    notes = [f"load average before: {load_average()}"]
    times = rounds(clients, repeats)
    if backend != "database" and engine_get() is None:
        raise SystemExit("the engine failed during the run: the database answered some pages")
    made = requests_made(clients)
    notes.append(f"load average after: {load_average()}")
    medians = {key: statistics.median(values) for key, values in times.items()}
    return Measured(backend, repeats, matches, medians, made, notes)


def _readers() -> dict:
    from django.contrib.auth import get_user_model

    from entries.visibility import ANONYMOUS, reader_for

    user = get_user_model().objects.get(username=MEMBER_USERNAME)
    return {"anonymous": ANONYMOUS, "member": reader_for(user)}


def main() -> None:
    args = arguments()
    command = " ".join([".venv/bin/python", "bench/overview_bench.py", *sys.argv[1:]])
    folder = Path(tempfile.mkdtemp(prefix="overview-bench-"))
    database = args.database.resolve() if args.database else folder / "bench.sqlite3"
    django_setup(database, args.engine_url, PREFIX)
    from django.test import Client, override_settings

    try:
        real, generated, setup_seconds = data_ready(args)
        print(f"database: {real} imported + {generated} generated", flush=True)
        indexing = index_ready(args.reuse_index and bool(args.database))
        print(indexing, flush=True)
        clients = {"anonymous": Client(HTTP_HOST="127.0.0.1"), "member": member_client()}
        results = [measured_on("opensearch", clients, args.repeats)]
        with override_settings(SEARCH_URL=None):
            results.append(measured_on("database", clients, args.database_repeats))
    finally:
        if not args.keep:
            from search.indexing import index_drop_all

            try:
                index_drop_all()
            except Exception as error:  # noqa: BLE001 — the report matters more
                print(f"could not drop the bench index: {error}", file=sys.stderr)
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept: {database}")
    report = report_text(
        command=command,
        engine_url=args.engine_url,
        real=real,
        generated=generated,
        setup_seconds=setup_seconds,
        indexing=indexing,
        results=results,
    )
    report_write(args.output, report)
    print(report)


if __name__ == "__main__":
    main()
