"""The soak's SQLite portal: N entries generated as the other benchmarks do (the seed and
demo entries through the real import, the rest with bulk inserts, bench/load_entries.py),
or a copy of another benchmark's database, never written to.

    .venv/bin/python bench/soak_generate.py PATH (--entries 2000 | --copy-of SQLITE)

A copy gets its organisations' counts of children repaired: databases generated before
bench/load_entries.py counted them right left most organisations at 0, and their entries
answered 404. Run by bench/soak.py in a process of its own: Django is set up once per
process, and the soak's own process speaks to PostgreSQL.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from corpus import Corpus
from load_entries import entries_insert_generated, organisations_numchild_repair
from portal_setup import django_setup, fixture_entries_load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database", type=Path)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--entries", type=int)
    source.add_argument("--copy-of", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.database.exists():
        raise SystemExit(f"{args.database} exists: give a new path")
    if args.copy_of:
        shutil.copyfile(args.copy_of, args.database)
    # No engine: the index is built on PostgreSQL, by restore_portal.
    django_setup(args.database, "", "soak-generate")
    if args.copy_of:
        organisations_numchild_repair()
        return
    real = fixture_entries_load()
    entries_insert_generated(max(0, args.entries - len(real)), Corpus.build(real), args.seed)


if __name__ == "__main__":
    main()
