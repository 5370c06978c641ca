"""Search page benchmark: what the search page's search costs against the API's, for the
same queries, in one run.

    .venv/bin/python bench/page_bench.py --database PATH --index-prefix bench-10000
        [--engine-url URL] [--queries 240] [--seed 3] [--output PATH]

The API (`GET /api/v1/search/`) lists every version of an entry; the search page shows
each translation group once, which costs the engine more: it collapses the hits on the
group, asks for the versions of the page's groups in a second request, and counts groups
rather than entries (search/builders.py, search/facets.py). bench/search_bench.py measures
the API only; this measures both through search.api.search_entries, in this process (the
portal's own work included), on a database and an index that an earlier
`search_bench.py --keep` run left (its database; the index under its prefix, e.g.
"bench-10000"). Each query of the bench's mix (bench/queries.py) is asked both ways, in
random order, after a round not counted. Writes bench/results/search-page.md.

Not a test: a measurement; only the ratios, measured side by side, mean anything on a
shared machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from corpus import Corpus
from portal_setup import ROOT, django_setup, fixture_entries_read
from queries import KIND_SHARES, query_mix, query_of
from report import engine_facts, load_average, machine, report_write

RESULTS = ROOT / "bench" / "results" / "search-page.md"
WAYS = ("API", "search page")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--index-prefix", required=True)
    parser.add_argument("--engine-url", default="http://127.0.0.1:9200")
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args()


def measure(mix: list[tuple[str, dict]]) -> dict[tuple[str, str], list[float]]:
    """Milliseconds of each query both ways, by (kind, way), every kind also as "all"."""
    from entries.visibility import ANONYMOUS
    from search.api import search_entries

    timings: dict[tuple[str, str], list[float]] = {}
    rng = random.Random(0)
    for counted, queries in ((False, mix[:12]), (True, mix)):
        for kind, params in queries:
            query = query_of(params)
            ways = list(WAYS)
            rng.shuffle(ways)
            for way in ways:
                started = time.perf_counter()
                results = search_entries(
                    reader=ANONYMOUS, query=query, grouped=way == "search page"
                )
                elapsed = (time.perf_counter() - started) * 1000
                if results.engine == "database":
                    raise SystemExit("the engine did not answer: is the index there?")
                if counted:
                    timings.setdefault((kind, way), []).append(elapsed)
                    timings.setdefault(("all", way), []).append(elapsed)
    return timings


def report(args: argparse.Namespace, timings: dict, loads: tuple[str, str]) -> str:
    from search.client import alias_name

    produced = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# Search page benchmark",
        "",
        f"Produced by `bench/page_bench.py` on {produced}.",
        "",
        "## Machine",
        "",
        *machine(),
        engine_facts(args.engine_url),
        "",
        "## Command",
        "",
        "```",
        ".venv/bin/python " + " ".join(sys.argv),
        "```",
        "",
        f"Index `{alias_name()}`; {args.queries} queries of the bench's mix (seed {args.seed}),"
        " each asked through search.api.search_entries as the API asks (every version) and"
        " as the search page asks (each translation group once), in random order; anonymous"
        " reader. Load average before / after: " + " / ".join(loads) + ".",
        "",
        "## Median milliseconds of one search",
        "",
        "| kind | queries | API | search page | page / API |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind in ("all", *(kind for kind, _share in KIND_SHARES)):
        if (kind, "API") not in timings:
            continue
        api = statistics.median(timings[(kind, "API")])
        page = statistics.median(timings[(kind, "search page")])
        count = len(timings[(kind, "API")])
        lines.append(f"| {kind} | {count} | {api:.1f} | {page:.1f} | {page / api:.2f} |")
    return "\n".join(lines) + "\n\n"


def main() -> None:
    args = arguments()
    django_setup(args.database, args.engine_url, args.index_prefix)
    mix = query_mix(Corpus.build(fixture_entries_read()), random.Random(args.seed), args.queries)
    before = load_average()
    timings = measure(mix)
    text = report(args, timings, (before, load_average()))
    report_write(args.output, text)
    print(text)


if __name__ == "__main__":
    main()
