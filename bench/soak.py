"""Soak on PostgreSQL (issue #15, item 4): the portal served by gunicorn on PostgreSQL and
its own OpenSearch node, under a mixed load of readers and a publishing moderator, with
the memory of every process sampled; writes bench/results/reliability.md.

    .venv/bin/python bench/soak.py [--entries 100000 | --from-sqlite PATH]
        [--minutes 10] [--users 1,4,8] [--workers 3] [--keep] [--reuse-database]

1. Starts PostgreSQL of its own (scripts/postgres.sh, 127.0.0.1:54339, data in
   /tmp/soak-postgres) and an OpenSearch node of its
   own (127.0.0.1:9310, data in /tmp/soak-engine, 2 GiB heap) unless they answer already;
   stops at the end only what it started (and nothing with --keep).
2. Makes a SQLite portal (a copy of --from-sqlite, never written to; else N generated
   entries, bench/soak_generate.py), then moves it to a new PostgreSQL database "soak" by
   the operator's path: `backup_portal`, `migrate`, `restore_portal` (which rebuilds the
   index), each timed. --reuse-database skips this and uses the database (and index) an
   earlier --keep run left.
3. Serves it with gunicorn on the production settings (DEBUG off, whitenoise) and runs
   the queue worker (`process_search_queue --watch`).
4. Runs locust (bench/soak_locustfile.py) headless at each number of users in turn, the
   minutes shared equally, while sampling every 10 s the RSS of each gunicorn process,
   the engine's JVM, the PostgreSQL processes and the queue worker, and every 5 minutes
   the JVM's live set, its heap after a forced full collection (bench/soak_live_heap.py).
5. Checks that nothing was lost (the queue drained, `check_search_index` clean), writes
   the report, then drops the database and the index unless --keep (or
   --reuse-database: they are the earlier run's).

Not a test: a measurement on a shared machine; the report gives the load averages.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from portal_setup import ROOT
from report import engine_facts, load_average, machine
from soak_data import MODERATOR, database_drop, plan_write, postgres_load, sqlite_ready
from soak_live_heap import LiveHeap, bounded_bytes
from soak_memory import Sampler, processes_with_children, trend
from soak_report import Checks, JvmLive, Stage, report_text, report_write, stage_read
from soak_stack import (
    BIN,
    ENGINE_ENV,
    ENGINE_SCRIPT,
    POSTGRES_ENV,
    POSTGRES_PORT,
    POSTGRES_SCRIPT,
    PSQL,
    EngineSlowLog,
    Service,
    engine_caches_clear,
    engine_node_stats,
    engine_pid,
    gunicorn_start,
    manage,
    portal_environment,
    postgres_pid,
    queue_worker_start,
    search_warnings,
)

RESULTS = ROOT / "bench" / "results" / "reliability.md"
LOAD_RECORD = ROOT / "var" / "soak-load-{database}.json"
SERVER_ERROR_MARKS = ("Traceback", " ERROR ", "[ERROR]", "CRITICAL", "WORKER TIMEOUT")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=100_000, help="entries to generate")
    parser.add_argument(
        "--from-sqlite", type=Path, help="copy this SQLite portal instead of generating"
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="of load, in all")
    parser.add_argument("--users", default="1,4,8", help="concurrent users of each stage")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep database, index, services")
    parser.add_argument(
        "--reuse-database", action="store_true", help="use the database of a --keep run"
    )
    parser.add_argument(
        "--load-only",
        action="store_true",
        help="stop once the entries are on PostgreSQL, keeping everything (then run with "
        "--reuse-database: the report gives this run's timings)",
    )
    parser.add_argument("--database", default="soak", help="PostgreSQL database's name")
    parser.add_argument("--marker", default="", help="a line the report's head carries")
    return parser.parse_args()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stages_run(args, port: int, plan: Path, folder: Path) -> tuple[list[Stage], list[str]]:
    users = [int(number) for number in args.users.split(",")]
    seconds = args.minutes * 60 / len(users)
    stages, commands = [], []
    for number, count in enumerate(users, start=1):
        stage = Stage(users=count, seconds=seconds, load_before=load_average())
        # Numbered: a concurrency may come back (a long stage split to watch the memory).
        prefix = folder / f"locust-{number}-{count}"
        command = [str(BIN / "locust"), "-f", "bench/soak_locustfile.py", "--headless"]
        command += [f"--users={count}", f"--spawn-rate={count}", f"--run-time={seconds:.0f}s"]
        command += [f"--host=http://127.0.0.1:{port}", f"--csv={prefix}", "--only-summary"]
        command += ["--exit-code-on-error=0", "--loglevel=WARNING"]
        commands.append(" ".join(command[1:]).replace(str(folder), "$RUN"))
        print(f"soak: {count} user(s) for {seconds:.0f} s", flush=True)
        with open(f"{prefix}.log", "w") as log:
            subprocess.run(  # noqa: S603
                command,
                cwd=ROOT,
                env={**os.environ, "SOAK_PLAN": str(plan)},
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )
        stage.load_after = load_average()
        stage_read(stage, prefix)
        stages.append(stage)
    return stages, commands


def _ours(process, database: str) -> bool:
    """A PostgreSQL process of the cluster's own (checkpointer, writers), or a backend of
    the soak's database; not a backend of another database of the same cluster."""
    try:
        title = process.cmdline()
    except psutil.Error:
        return False
    words = " ".join(title).split()
    # A backend's title: "postgres: USER DATABASE HOST(PORT) STATE".
    is_backend = len(words) >= 4 and words[0] == "postgres:" and "(" in words[3]
    return not is_backend or words[2] == database


def engine_heap() -> dict[str, int]:
    """The engine JVM's heap in use, and that heap less the engine's bounded caches and
    buffers (its RSS rises to the fixed 2 GiB heap as pages are first touched, which is no
    leak)."""
    node = engine_node_stats()
    if node is None:
        return {}
    used = node["jvm"]["mem"]["heap_used_in_bytes"]
    return {
        "OpenSearch JVM heap in use": used,
        "OpenSearch JVM heap in use, less its caches and buffers": used
        - bounded_bytes(node["indices"]),
    }


def checks_after(
    env: dict[str, str], logs: list[Path], slow_log: EngineSlowLog, folder: Path
) -> Checks:
    """Nothing lost: the queue drained (the worker has its interval to finish), the index
    the same as the database, and no error in the logs; with the search's warnings and the
    engine's slow log, which say why a search was slow or failed."""
    from wagtail.models import Revision

    from entries.models import EntryPage
    from search.models import PendingIndexUpdate

    deadline = time.monotonic() + 60
    while PendingIndexUpdate.objects.exists() and time.monotonic() < deadline:
        time.sleep(2)
    published = list(
        EntryPage.objects.filter(slug__startswith="soak-user").values_list("pk", flat=True)
    )
    drift = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check_search_index"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [
        f"{log.name}: {line.rstrip()}"
        for log in logs
        for line in log.read_text("utf-8", errors="replace").splitlines()
        if any(mark in line for mark in SERVER_ERROR_MARKS)
    ]
    return Checks(
        entries=EntryPage.objects.count(),
        queued_updates=PendingIndexUpdate.objects.count(),
        drift_exit=drift.returncode,
        drift_output=drift.stdout + drift.stderr,
        published_entries=len(published),
        revisions=Revision.objects.filter(object_id__in=[str(pk) for pk in published]).count(),
        server_errors=errors,
        search_warnings=search_warnings(logs),
        engine_slow_log=slow_log.lines(),
        logs_kept=str(folder),
    )


def _logs_only_kept(folder: Path) -> None:
    """Remove the run's data (backup, SQLite copy, media), keeping its logs (gunicorn's, the
    queue worker's, locust's): the report quotes some of their lines, they hold the rest."""
    for path in folder.iterdir():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.suffix != ".log":
            path.unlink(missing_ok=True)
    print(f"soak: the run's logs are kept in {folder}", flush=True)


def main() -> None:
    args = arguments()
    if not args.load_only and not (BIN / "locust").exists():
        # Found before the hour of loading, not after it.
        raise SystemExit(
            f"soak: {BIN / 'locust'} is missing: .venv/bin/pip install -r requirements-bench.txt"
        )
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    notes = [f"- load average at start: {load_average()}"]
    postgres = Service(POSTGRES_SCRIPT, POSTGRES_ENV)
    engine = Service(ENGINE_SCRIPT, ENGINE_ENV)
    env = portal_environment(args.database, folder)
    slow_log = EngineSlowLog(args.database)
    record = Path(str(LOAD_RECORD).format(database=args.database))
    # A reused database and index are an earlier run's: this one does not drop them.
    keep = args.keep or args.load_only or args.reuse_database
    data: list[str] = []
    background = []
    django_ready = False
    try:
        if args.reuse_database:
            data.append(f"- reused the database {args.database!r} and its index of a --keep run")
            if record.exists():
                data += json.loads(record.read_text("utf-8"))
        else:
            sqlite, source, prepare_seconds = sqlite_ready(
                folder, args.from_sqlite, args.entries, args.seed
            )
            print(f"soak: SQLite portal ready ({source}) in {prepare_seconds:.0f} s", flush=True)
            loaded = postgres_load(sqlite, env, args.database, folder)
            data += [
                f"- source: {source} ({prepare_seconds:.0f} s)",
                f"- `backup_portal` on SQLite: {loaded.backup_seconds:.0f} s, "
                f"{loaded.backup_bytes / 2**20:.0f} MiB",
                f"- `migrate` on the new PostgreSQL database: {loaded.migrate_seconds:.0f} s",
                f"- `restore_portal` into it, with the index rebuild: "
                f"{loaded.restore_seconds:.0f} s",
                *(f"  - {line}" for line in loaded.restore_output.strip().splitlines()),
            ]
            print("\n".join(data), flush=True)
            record.parent.mkdir(exist_ok=True)
            record.write_text(json.dumps(data), "utf-8")
            if args.load_only:
                return
        manage(env, "collectstatic", "--no-input", "--verbosity=0")
        plan = folder / "plan.json"
        plan_write(env, plan, args.seed)
        django_ready = True
        port = _free_port()
        server_log, worker_log = folder / "gunicorn.log", folder / "queue-worker.log"
        server = gunicorn_start(env, args.workers, port, server_log)
        background.append(server)
        worker = queue_worker_start(env, worker_log)
        background.append(worker)

        def watched():
            return [
                *processes_with_children("gunicorn master", server.pid, "gunicorn worker"),
                *processes_with_children("queue worker", worker.pid),
                *processes_with_children("OpenSearch JVM", engine_pid()),
                *(
                    (role, process)
                    for role, process in processes_with_children(
                        "PostgreSQL postmaster", postgres_pid(), "PostgreSQL process"
                    )
                    if _ours(process, args.database)
                ),
            ]

        live_heap = LiveHeap(engine_pid, engine_node_stats, engine_caches_clear, folder)
        sampler = Sampler(
            watched,
            summed=("PostgreSQL process",),
            split=("OpenSearch JVM",),
            heaps=engine_heap,
            live_heap=live_heap,
        )
        sampler.start()
        stages, locust_commands = stages_run(args, port, plan, folder)
        sampler.stop()
        checks = checks_after(env, [server_log, worker_log], slow_log, folder)
        trends = sorted(
            (trend(series) for series in sampler.series.values() if len(series.points) >= 3),
            key=lambda item: item.role,
        )
        live = JvmLive(live_heap.trend(), live_heap.failures, live_heap.cleared)
        postgres_version = subprocess.run(  # noqa: S603
            [PSQL, "-X", "-tA", "-h", "127.0.0.1", "-p", str(POSTGRES_PORT), "-U", "portal"]
            + ["-d", args.database, "-c", "SHOW server_version"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        facts = {
            "marker": args.marker,
            "entries_wanted": args.entries,
            "machine": [
                *machine(),
                f"- PostgreSQL {postgres_version} (scripts/postgres.sh: fsync off)",
                engine_facts(env["SEARCH_URL"]),
                f"- gunicorn: {args.workers} workers, settings portal.settings.production "
                "(DEBUG off, static files by whitenoise)",
                *notes,
                f"- load average at end: {load_average()}",
            ],
            "commands": [
                ".venv/bin/python bench/soak.py " + " ".join(sys.argv[1:]),
                "# which ran, with DJANGO_SETTINGS_MODULE=portal.settings.production:",
                *(
                    []
                    if args.reuse_database
                    else [
                        "manage.py backup_portal $RUN/backup   # on the SQLite portal",
                        "manage.py migrate && manage.py restore_portal $RUN/backup",
                    ]
                ),
                f"gunicorn portal.wsgi --workers={args.workers} --timeout=120 --keep-alive=30",
                "manage.py process_search_queue --watch",
                *(f"locust {command}" for command in locust_commands),
            ],
            "data": data,
            "load": [
                "Each simulated user waits 0.2–1 s between requests and picks, by weight: "
                "entry page 4, search page with words 3, search page with facets 3, search "
                "API 2 (anonymous, words and a facet) + 1 (a member's token), overview 1, "
                f"publish 1 (POST /api/v1/entries.jsonl with the token of {MODERATOR}, a "
                "moderator: the import's real path, a new revision published and its index "
                "update queued and applied on commit; each user publishes its own 5 entries, "
                "first created, then revised). An answer other than 200 is a failure.",
            ],
        }
        report_write(
            args.output,
            report_text(facts=facts, stages=stages, trends=trends, live=live, checks=checks),
        )
        print(f"soak: report written to {args.output}", flush=True)
    finally:
        for process in reversed(background):
            process.stop()
        if not keep:
            if django_ready:
                from django.db import connections

                from search.indexing import index_drop_all

                connections.close_all()
                index_drop_all()
            database_drop(args.database)
            _logs_only_kept(folder)
            engine.stop_if_ours()
            postgres.stop_if_ours()
        else:
            print(f"soak: kept the database {args.database!r}, the index and {folder}", flush=True)


if __name__ == "__main__":
    main()
