"""The processes the soak runs: its PostgreSQL database, its OpenSearch node, gunicorn and
the queue worker, all on the production settings (DEBUG off, static files by whitenoise).

PostgreSQL and the engine are started through the project's scripts and stopped at the
end only when this run started them; the database and the index are the soak's own."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from portal_setup import ROOT

PYTHON = str(Path(sys.executable))
BIN = Path(sys.executable).parent
POSTGRES_SCRIPT = ROOT / "scripts" / "postgres.sh"
ENGINE_SCRIPT = ROOT / "search" / "engine" / "engine.sh"
# The soak's own cluster, apart from the one on 54329 that the tests of others use.
POSTGRES_PORT = 54339
POSTGRES_ENV = {
    "POSTGRES_PORT": str(POSTGRES_PORT),
    "POSTGRES_DIR": "/tmp/soak-postgres",  # noqa: S108 — the soak's own cluster
}
PSQL = "/usr/lib/postgresql/15/bin/psql"
BASH = "/bin/bash"
ENGINE_PORT = 9310
ENGINE_ENV = {
    "ENGINE_PORT": str(ENGINE_PORT),
    "ENGINE_DATA_DIR": "/tmp/soak-engine",  # noqa: S108 — the soak's own node, apart from 9200's
    "ENGINE_HEAP": "-Xms2g -Xmx2g",
    # The heap resident from the start: what the JVM's anonymous memory gains later is not
    # heap pages touched for the first time (bench/soak_memory.py).
    "ENGINE_JAVA_OPTS": "-XX:+AlwaysPreTouch",
}


# The engine's search slow log: a query or fetch phase past these is written to
# <node>/logs/*_index_search_slowlog.log, with its index and body.
SLOW_LOG_SETTINGS = {
    "index.search.slowlog.threshold.query.warn": "2s",
    "index.search.slowlog.threshold.fetch.warn": "1s",
}
SLOW_LOG_GLOB = "**/logs/*_index_search_slowlog.log"
# The portal's log lines about its search that explain a slow or failed search.
SEARCH_WARNING_MARKS = (
    "search engine unavailable",
    "search engine timed out",
    "search fallback budget exceeded",
    "could not be warmed up",
)


def _engine_put(path: str, body: dict) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", ENGINE_PORT, timeout=30)
    connection.request("PUT", path, json.dumps(body), headers={"Content-Type": "application/json"})
    answer = connection.getresponse()
    text = answer.read().decode()
    if answer.status >= 300:
        raise SystemExit(f"the engine refused PUT {path}: {answer.status} {text}")


class EngineSlowLog:
    """The engine's search slow log for the soak's indices: switched on for every index of
    the prefix (an index template, so the restore's rebuild has it from its creation, and
    the indices already there), and read from where it stood when the run began."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        _engine_put(
            f"/_index_template/{prefix}-slow-log",
            {
                "index_patterns": [f"{prefix}-*"],
                "priority": 1,
                "template": {"settings": SLOW_LOG_SETTINGS},
            },
        )
        _engine_put(f"/{prefix}-*/_settings?allow_no_indices=true", SLOW_LOG_SETTINGS)
        self.offsets = {path: path.stat().st_size for path in self._files()}

    def _files(self) -> list[Path]:
        return sorted(Path(ENGINE_ENV["ENGINE_DATA_DIR"]).glob(SLOW_LOG_GLOB))

    def lines(self) -> list[str]:
        """This run's slow log lines about the soak's indices."""
        found = []
        for path in self._files():
            with path.open("rb") as log:
                log.seek(self.offsets.get(path, 0))
                text = log.read().decode("utf-8", errors="replace")
            found += [line for line in text.splitlines() if f"[{self.prefix}-" in line]
        return found


def search_warnings(logs: list[Path]) -> list[str]:
    return [
        f"{log.name}: {line.rstrip()}"
        for log in logs
        for line in log.read_text("utf-8", errors="replace").splitlines()
        if any(mark in line for mark in SEARCH_WARNING_MARKS)
    ]


def _answers(script: Path, extra_env: dict | None = None) -> bool:
    status = subprocess.run(  # noqa: S603
        [BASH, str(script), "status"],
        env={**os.environ, **(extra_env or {})},
        capture_output=True,
        check=False,
    )
    return status.returncode == 0


class Service:
    """PostgreSQL or the engine, through its script: started if nothing answers, and
    stopped at the end only if this run started it."""

    def __init__(self, script: Path, extra_env: dict | None = None):
        self.script, self.extra_env = script, extra_env or {}
        self.started_here = not _answers(script, self.extra_env)
        if self.started_here:
            subprocess.run(  # noqa: S603
                [BASH, str(script), "start"], env={**os.environ, **self.extra_env}, check=True
            )

    def stop_if_ours(self) -> None:
        if self.started_here:
            subprocess.run(  # noqa: S603
                [BASH, str(self.script), "stop"],
                env={**os.environ, **self.extra_env},
                check=False,
            )


def postgres_pid() -> int | None:
    """The postmaster's pid, asked of the server on the port (its data directory holds
    postmaster.pid): right whichever checkout or script started the cluster. Only a
    superuser may read the data directory; the scripts' clusters trust "postgres"."""
    shown = subprocess.run(  # noqa: S603
        [PSQL, "-X", "-tA", "-h", "127.0.0.1", "-p", str(POSTGRES_PORT), "-U", "postgres"]
        + ["-d", "postgres", "-c", "SHOW data_directory"],
        capture_output=True,
        text=True,
        check=False,
    )
    pid_file = Path(shown.stdout.strip()) / "postmaster.pid"
    if shown.returncode or not pid_file.is_file():
        return None
    return int(pid_file.read_text().split()[0])


def engine_node_stats() -> dict | None:
    """The soak's engine node's stats: "jvm" (heap, pools, collectors) and "indices"."""
    connection = http.client.HTTPConnection("127.0.0.1", ENGINE_PORT, timeout=30)
    try:
        connection.request("GET", "/_nodes/_local/stats/jvm,indices")
        answer = connection.getresponse()
        if answer.status != 200:
            return None
        (node,) = json.loads(answer.read())["nodes"].values()
    except OSError:
        return None
    return node


def engine_caches_clear() -> None:
    """Empties the engine's query, request and fielddata caches (POST /_cache/clear)."""
    connection = http.client.HTTPConnection("127.0.0.1", ENGINE_PORT, timeout=30)
    connection.request("POST", "/_cache/clear")
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        raise OSError(f"POST /_cache/clear answered {answer.status}")


def engine_pid() -> int | None:
    pid_file = Path(ENGINE_ENV["ENGINE_DATA_DIR"]) / "engine.pid"
    return int(pid_file.read_text().strip()) if pid_file.exists() else None


def psql(sql: str) -> None:
    subprocess.run(  # noqa: S603
        [PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(POSTGRES_PORT)]
        + ["-U", "portal", "-d", "postgres", "-c", sql],
        check=True,
    )


def portal_environment(database: str, folder: Path) -> dict[str, str]:
    """The production settings on the soak's database and engine. The key is new for each
    run: tokens and sessions are issued during the run."""
    # Collected static files outlive the run: collecting (and compressing) them again
    # takes minutes on a busy machine.
    static = ROOT / "var" / "soak-static"
    static.mkdir(parents=True, exist_ok=True)
    (folder / "media").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "BASE_URL": "https://soak.example.org",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXIES": "127.0.0.1",
        "DATABASE_URL": f"postgres://portal@127.0.0.1:{POSTGRES_PORT}/{database}",
        "SEARCH_URL": f"http://127.0.0.1:{ENGINE_PORT}",
        "SEARCH_INDEX_PREFIX": database,  # each database its own index
        "STATIC_ROOT": str(static),
        "MEDIA_ROOT": str(folder / "media"),
    }
    env.pop("DEBUG", None)
    return env


def manage(env: dict[str, str], *arguments: str) -> tuple[float, str]:
    """Run a manage.py command; its seconds and output. A failure stops the soak."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started, done.stdout


class Background:
    """A long-running process of the soak (gunicorn, the queue worker), logging to a file."""

    def __init__(self, arguments: list[str], env: dict[str, str], log: Path):
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            arguments, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                # gunicorn gives its workers 30 s to finish the requests they serve.
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def gunicorn_start(env: dict[str, str], workers: int, port: int, log: Path) -> Background:
    server = Background(
        [str(BIN / "gunicorn"), "portal.wsgi", f"--workers={workers}"]
        + [f"--bind=127.0.0.1:{port}", "--timeout=120", "--keep-alive=30"],
        env,
        log,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/en/", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.stop()
    raise SystemExit(f"gunicorn did not answer; see {log}")


def queue_worker_start(env: dict[str, str], log: Path) -> Background:
    return Background([PYTHON, "manage.py", "process_search_queue", "--watch"], env, log)
