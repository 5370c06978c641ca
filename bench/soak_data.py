"""The soak's data: a SQLite portal (copied, or generated here), moved to the soak's
PostgreSQL database by the operator's path (backup_portal on SQLite, migrate and
restore_portal on PostgreSQL, which rebuilds the index), then the plan of the load:
the people and tokens it acts as, and what it reads."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from portal_setup import FIXTURES, ROOT
from soak_stack import PYTHON, manage, psql

PUBLISHING_ORGANISATION = "contrepoint"
PUBLISH_TEMPLATE_ID = "contrepoint-choix-binome"
MODERATOR = "soak-moderator"
MEMBER = "soak-member"
RESTORE_SEARCH_TIMEOUT = 60


@dataclass
class Loaded:
    """How long each step of the move to PostgreSQL took (seconds)."""

    backup_seconds: float
    migrate_seconds: float
    restore_seconds: float
    restore_output: str
    backup_bytes: int


def sqlite_ready(folder: Path, from_sqlite: Path | None, entries: int, seed: int) -> tuple:
    """A SQLite portal of our own: a copy of from_sqlite (never written to), else generated.
    Returns its path, how it was made and the seconds it took."""
    started = time.perf_counter()
    target = folder / "source.sqlite3"
    source_option = [f"--copy-of={from_sqlite}"] if from_sqlite else [f"--entries={entries}"]
    subprocess.run(  # noqa: S603
        [PYTHON, "bench/soak_generate.py", str(target), *source_option, f"--seed={seed}"],
        cwd=ROOT,
        check=True,
    )
    source = f"copy of {from_sqlite}" if from_sqlite else f"generated: {entries} entries"
    return target, source, time.perf_counter() - started


def postgres_load(sqlite: Path, env: dict[str, str], database: str, folder: Path) -> Loaded:
    """backup_portal on the SQLite portal, then a new PostgreSQL database, migrate and
    restore_portal into it; the seconds of each step."""
    sqlite_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{sqlite}",
    }
    sqlite_env.pop("SEARCH_URL", None)
    backup = folder / "backup"
    backup_seconds, _ = manage(sqlite_env, "backup_portal", str(backup))
    backup_bytes = sum(path.stat().st_size for path in backup.rglob("*") if path.is_file())
    print(f"soak: backup_portal {backup_seconds:.0f} s", flush=True)
    psql(f'CREATE DATABASE "{database}" OWNER portal')
    migrate_seconds, _ = manage(env, "migrate", "--no-input")
    print(f"soak: migrate {migrate_seconds:.0f} s", flush=True)
    # On a loaded machine creating the new index can outlast the default 5 s, which
    # fails the rebuild (the data stays restored): the operator's command gets a minute.
    restore_seconds, restore_output = manage(
        {**env, "SEARCH_TIMEOUT": str(RESTORE_SEARCH_TIMEOUT)}, "restore_portal", str(backup)
    )
    print(f"soak: restore_portal {restore_seconds:.0f} s", flush=True)
    return Loaded(backup_seconds, migrate_seconds, restore_seconds, restore_output, backup_bytes)


def plan_write(env: dict[str, str], path: Path, seed: int) -> dict:
    """Set Django up on the soak's database (in this process, once), add the moderator and
    the member the load acts as, issue their tokens, and write what the load reads."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from accounts.onboarding import member_add
    from accounts.services import token_issue
    from entries.models import EntryPage
    from vocabulary.facets import TERM_FACET_NAMES
    from vocabulary.models import Term

    rng = random.Random(seed)
    moderator = member_add(
        username=MODERATOR, organisation_id=PUBLISHING_ORGANISATION, role="moderator"
    ).membership.user
    organisation = EntryPage.objects.values_list("organisation__slug", flat=True).first()
    member = member_add(username=MEMBER, organisation_id=organisation, role="member")
    public = list(EntryPage.objects.live().filter(visibility="public").values_list("pk", flat=True))
    sample = EntryPage.objects.filter(pk__in=rng.sample(public, min(300, len(public))))
    titles = " ".join(sample.values_list("title", flat=True))
    template = next(
        json.loads(line)
        for name in ("seed-entries.jsonl", "demo-entries.jsonl")
        for line in (FIXTURES / name).read_text("utf-8").splitlines()
        if line.strip() and json.loads(line)["id"] == PUBLISH_TEMPLATE_ID
    )
    template.pop("related", None)
    plan = {
        "entry_paths": [entry.get_url() for entry in sample],
        "words": sorted(set(re.findall(r"\w{5,}", titles.lower()))),
        "terms": list(Term.objects.filter(facet__in=TERM_FACET_NAMES).values_list("facet", "slug")),
        "moderator_token": token_issue(user=moderator, name="soak: publishes"),
        "member_token": token_issue(user=member.membership.user, name="soak: reads"),
        "publish_template": template,
    }
    path.write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
    return plan


def database_drop(database: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
