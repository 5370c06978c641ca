"""gunicorn serving the portal on a free port of 127.0.0.1, started and stopped by the
bench: with the engine, or without (the database fallback)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from portal_setup import ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Portal:
    """gunicorn serving the portal on 127.0.0.1, started and stopped by the bench."""

    def __init__(
        self,
        database: Path,
        engine_url: str | None,
        workers: int,
        log: Path,
        index_prefix: str,
    ):
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "SEARCH_INDEX_PREFIX": index_prefix,
        }
        env.pop("SEARCH_URL", None)
        if engine_url:
            env["SEARCH_URL"] = engine_url
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "portal.wsgi",
                f"--workers={workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--timeout=120",
                "--keep-alive=30",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        # The first answer loads every app: minutes on a busy shared machine.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                connection.request("GET", "/api/v1/search/?q=warmup")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not answer; see {log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
