"""Relevance report: nDCG@10 of the judged development queries, engine and database.

    .venv/bin/python bench/relevance.py [QUERIES.json] [--engine-url URL] [--keep-db]

Loads the seed and demo entries into a throwaway SQLite database, builds an index under
the prefix "bench-relevance" on the engine (SEARCH_URL, default http://127.0.0.1:9200),
runs every query through search.api.search_entries against the engine and against the
database fallback, and writes bench/results/relevance.md. Not a test: a measurement.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUERIES = ROOT.parent / "shared" / "interchange" / "examples" / "dev-queries.json"
RESULTS = ROOT / "bench" / "results" / "relevance.md"
ENTRY_FILES = ["seed-entries.jsonl", "demo-entries.jsonl"]


def ndcg_at_10(ranking: list[str], relevant: dict[str, int]) -> float:
    """Linear gain, log2 discount, as the contract's README defines it."""
    dcg = sum(relevant.get(key, 0) / math.log2(rank + 2) for rank, key in enumerate(ranking[:10]))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum(grade / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def _setup(engine_url: str, database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["SEARCH_URL"] = engine_url
    os.environ["SEARCH_INDEX_PREFIX"] = "bench-relevance"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _load() -> None:
    from django.conf import settings
    from django.core.management import call_command

    from entries.services import entries_import
    from portal.services import site_ensure
    from vocabulary.services import vocabulary_load

    call_command("migrate", verbosity=0)
    site_ensure()
    vocabulary_load()
    for name in ENTRY_FILES:
        lines = (settings.BASE_DIR / "fixtures" / name).read_text("utf-8").splitlines()
        report = entries_import(lines)
        if not report.ok:
            raise SystemExit(f"{name}: {report.errors[:3]}")


def _run(queries: list[dict], use_engine: bool) -> tuple[str, list[float], list[float]]:
    from django.test import override_settings

    from entries.visibility import ANONYMOUS, Reader
    from search.api import search_entries
    from search.query import SearchQuery

    scores, timings, engine = [], [], "none"
    with override_settings(**({} if use_engine else {"SEARCH_URL": None})):
        for item in queries:
            reader = Reader(is_member=True) if item.get("as") == "member" else ANONYMOUS
            query = SearchQuery(
                text=item["q"],
                filters={facet: tuple(values) for facet, values in item.get("filters", {}).items()},
                page_size=10,
            )
            started = time.perf_counter()
            results = search_entries(reader=reader, query=query)
            timings.append((time.perf_counter() - started) * 1000)
            engine = results.engine
            scores.append(ndcg_at_10([hit.id for hit in results.results], item["relevant"]))
    return engine, scores, timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("queries", nargs="?", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument(
        "--engine-url", default=os.environ.get("SEARCH_URL") or "http://127.0.0.1:9200"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    queries = json.loads(args.queries.read_text("utf-8"))

    with tempfile.TemporaryDirectory() as folder:
        _setup(args.engine_url, Path(folder) / "relevance.sqlite3")
        _load()
        from search.client import EngineError, EngineUnavailable
        from search.indexing import index_drop_all, index_rebuild

        try:
            index_rebuild()
            engine_ok = True
        except (EngineError, EngineUnavailable) as error:
            print(f"engine unavailable ({error}); engine column left out", file=sys.stderr)
            engine_ok = False
        try:
            columns = []
            if engine_ok:
                columns.append(_run(queries, use_engine=True))
            columns.append(_run(queries, use_engine=False))
        finally:
            if engine_ok:
                index_drop_all()

    header = "| query | q | " + " | ".join(name for name, _, _ in columns) + " |"
    lines = [header, "|" + " --- |" * (2 + len(columns))]
    for position, item in enumerate(queries):
        cells = " | ".join(f"{scores[position]:.3f}" for _, scores, _ in columns)
        lines.append(f"| {item['id']} | {item['q']} | {cells} |")
    means = " | ".join(f"**{sum(s) / len(s):.3f}**" for _, s, _ in columns)
    lines.append(f"| mean | | {means} |")
    latency = ", ".join(f"{name}: median {sorted(t)[len(t) // 2]:.1f} ms" for name, _, t in columns)
    report = "\n".join(
        [
            "# Relevance on the development queries",
            "",
            f"nDCG@10 (linear gain, log2 discount) over {len(queries)} queries of "
            f"`{args.queries.name}`, seed + demo entries. Produced by `bench/relevance.py`.",
            "",
            *lines,
            "",
            f"Latency per query through search_entries ({latency}), on 48 entries.",
            "",
        ]
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report, "utf-8")
    print(report)


if __name__ == "__main__":
    main()
