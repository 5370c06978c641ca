"""Relevance report: nDCG@10 of the judged development queries, engine and database.

    .venv/bin/python bench/relevance.py [QUERIES.json] [--engine-url URL]
        [--index-prefix PREFIX] [--output PATH]

Loads the seed and demo entries of fixtures/ into a throwaway SQLite database, builds an
index under the prefix "bench-relevance" (--index-prefix) on the engine (SEARCH_URL,
default http://127.0.0.1:9200), runs the judged queries (fixtures/dev-queries.json)
through search.api.search_entries against the engine and against the database fallback,
then the same queries with typos made in them (issue #16, item 3: typo tolerance on both),
and writes the tables of bench/results/relevance.md, keeping the notes of earlier rounds
that follow them (from its first "## " heading). Not a test: a measurement.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from portal_setup import FIXTURES, ROOT, django_setup, fixture_entries_load
from queries import typo

# The judged development queries of the interchange contract (examples/dev-queries.json).
DEFAULT_QUERIES = FIXTURES / "dev-queries.json"
RESULTS = ROOT / "bench" / "results" / "relevance.md"
# Misspelt versions of each query: per number of typos in one word, this many, each in a
# word drawn at random among those of TYPO_WORD_LETTERS letters or more, judged as the
# query typed right; drawn from a fixed seed, so that runs compare.
TYPO_EDITS = (1, 2)
TYPO_VARIANTS = 2
TYPO_WORD_LETTERS = 5
TYPO_SEED = 16


def ndcg_at_10(ranking: list[str], relevant: dict[str, int]) -> float:
    """Linear gain, log2 discount, as the contract's README defines it."""
    dcg = sum(relevant.get(key, 0) / math.log2(rank + 2) for rank, key in enumerate(ranking[:10]))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    idcg = sum(grade / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def query_kind(item: dict) -> str:
    """The kind a query's "why" starts with ("[cross-language] ..."); the first twenty
    development queries have none."""
    match = re.match(r"\[([^\]]+)\]", item.get("why", ""))
    return match.group(1) if match else "earlier (d01-d20)"


def typo_variants(queries: list[dict], rng: random.Random) -> list[dict]:
    """The queries with typos in one of their words (`edits`: how many), as a reader makes
    them: letters dropped or swapped past the first."""
    variants = []
    for item in queries:
        words = item["q"].split()
        long = [at for at, word in enumerate(words) if len(word) >= TYPO_WORD_LETTERS]
        for edits in TYPO_EDITS if long else ():
            for _ in range(TYPO_VARIANTS):
                misspelt = list(words)
                at = rng.choice(long)
                while misspelt[at] == words[at]:
                    for _ in range(edits):
                        misspelt[at] = typo(misspelt[at], rng)
                variants.append({**item, "q": " ".join(misspelt), "edits": edits})
    return variants


def _run(queries: list[dict], use_engine: bool) -> tuple[str, list[float], list[float]]:
    from django.test import override_settings
    from django.utils import translation

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
            # The reader reads the portal in the query's language (its language boosts the
            # ranking as the query's does: search/languages.py).
            with translation.override(item["language"]):
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
    parser.add_argument(
        "--index-prefix", default="bench-relevance", help="of the throwaway index's name"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    queries = json.loads(args.queries.read_text("utf-8"))

    with tempfile.TemporaryDirectory() as folder:
        django_setup(Path(folder) / "relevance.sqlite3", args.engine_url, args.index_prefix)
        fixture_entries_load()
        from search.engine_adapters import EngineError, EngineUnavailable
        from search.indexing import index_drop_all, index_rebuild

        try:
            index_rebuild()
            engine_ok = True
        except (EngineError, EngineUnavailable) as error:
            print(f"engine unavailable ({error}); engine column left out", file=sys.stderr)
            engine_ok = False
        misspelt = typo_variants(queries, random.Random(TYPO_SEED))
        try:
            columns, typo_columns = [], []
            if engine_ok:
                columns.append(_run(queries, use_engine=True))
                typo_columns.append(_run(misspelt, use_engine=True))
            columns.append(_run(queries, use_engine=False))
            typo_columns.append(_run(misspelt, use_engine=False))
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
    by_kind = ["| kind of query | queries | " + " | ".join(name for name, _, _ in columns) + " |"]
    by_kind.append("|" + " --- |" * (2 + len(columns)))
    kinds: dict[str, list[int]] = {}
    for position, item in enumerate(queries):
        kinds.setdefault(query_kind(item), []).append(position)
    for kind, positions in kinds.items():
        cells = " | ".join(
            f"{sum(scores[at] for at in positions) / len(positions):.3f}"
            for _, scores, _ in columns
        )
        by_kind.append(f"| {kind} | {len(positions)} | {cells} |")
    typos = ["| typos in one word | queries | " + " | ".join(n for n, _, _ in columns) + " |"]
    typos.append("|" + " --- |" * (2 + len(columns)))
    typos.append(
        f"| none (the queries above) | {len(queries)} | "
        + " | ".join(f"{sum(s) / len(s):.3f}" for _, s, _ in columns)
        + " |"
    )
    for edits in TYPO_EDITS:
        positions = [at for at, item in enumerate(misspelt) if item["edits"] == edits]
        cells = " | ".join(
            f"{sum(scores[at] for at in positions) / len(positions):.3f}"
            for _, scores, _ in typo_columns
        )
        typos.append(f"| {edits} | {len(positions)} | {cells} |")
    latency = ", ".join(f"{name}: median {sorted(t)[len(t) // 2]:.1f} ms" for name, _, t in columns)
    report = "\n".join(
        [
            "# Relevance on the development queries",
            "",
            f"nDCG@10 (linear gain, log2 discount) over {len(queries)} queries of "
            f"`{args.queries.name}`, seed + demo entries. Produced by `bench/relevance.py`.",
            "",
            *by_kind,
            "",
            *lines,
            "",
            f"Latency per query through search_entries ({latency}), on 48 entries.",
            "",
            "Typos (issue #16, item 3): each query with typos in one of its words of "
            f"{TYPO_WORD_LETTERS} letters or more (letters dropped or swapped past the first; "
            f"{TYPO_VARIANTS} misspellings per query and number of typos, seed {TYPO_SEED}), "
            "judged as the query typed right; mean nDCG@10.",
            "",
            *typos,
            "",
        ]
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report + _notes(args.output), "utf-8")
    print(report)


def _notes(report: Path) -> str:
    """The notes of the earlier rounds in the report, which a run keeps."""
    if not report.exists():
        return ""
    text = report.read_text("utf-8")
    start = text.find("\n## ")
    return text[start:] if start >= 0 else ""


if __name__ == "__main__":
    main()
