"""Load generation: bounded request loops over keep-alive connections, timed."""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Request:
    kind: str
    method: str
    path: str
    # Engine requests: (path, body) pairs sent in turn (a search, then maybe "did you mean").
    bodies: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Measured:
    timings: list[float]  # milliseconds, one per logical request
    kinds: list[str]
    took: list[int]  # engine-reported milliseconds (direct requests only)
    seconds: float
    errors: int

    def percentile(self, share: float, kind: str | None = None) -> float:
        values = sorted(
            t for t, k in zip(self.timings, self.kinds, strict=True) if kind in (None, k)
        )
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def request_send(connection: http.client.HTTPConnection, request: Request) -> list[int]:
    """One logical request over a keep-alive connection; the engine's `took` of each of
    its engine bodies. RuntimeError on an answer other than 200."""
    took = []
    for path, body in request.bodies or [(request.path, None)]:
        headers = {}
        if body:
            ndjson = path.endswith("_msearch")
            headers["Content-Type"] = "application/x-ndjson" if ndjson else "application/json"
        connection.request(request.method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {payload[:200]!r}")
        if body:
            took.append(json.loads(payload)["took"])
    return took


def load(host: str, port: int, requests: list[Request], concurrency: int, total: int) -> Measured:
    """`total` requests over `concurrency` keep-alive connections, each walking the mix
    from its own starting point."""
    per_thread = max(1, total // concurrency)
    timings: list[float] = []
    kinds: list[str] = []
    took: list[int] = []
    errors = [0]
    lock = threading.Lock()

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=120)
        mine, my_kinds, my_took = [], [], []
        for step in range(per_thread):
            request = requests[(offset + step) % len(requests)]
            started = time.perf_counter()
            try:
                my_took.extend(request_send(connection, request))
            except (OSError, RuntimeError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=120)
                continue
            mine.append((time.perf_counter() - started) * 1000)
            my_kinds.append(request.kind)
        connection.close()
        with lock:
            timings.extend(mine)
            kinds.extend(my_kinds)
            took.extend(my_took)

    threads = [
        threading.Thread(target=worker, args=(index * len(requests) // concurrency,))
        for index in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Measured(timings, kinds, took, time.perf_counter() - started, errors[0])
