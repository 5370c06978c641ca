"""The portal against the engine requests it makes, side by side: each connection of a
run alternates a portal request and an engine request (each a query of its own, so that
no cache answers one for the other), so that whatever slows the machine during the run
slows both alike. Measured at a concurrency of 1 and 8 connections per target."""

from __future__ import annotations

import http.client
import threading
import time

from load_generation import Measured, Request, request_send

PORTAL, ENGINE = "portal", "engine"


def _send(connection: http.client.HTTPConnection, request: Request) -> int | None:
    """One logical request; the engine's took, summed, for engine requests."""
    took = request_send(connection, request)
    return sum(took) if took else None


def paired_load(
    targets: dict[str, tuple[str, int, list[Request]]], concurrency: int
) -> dict[str, Measured]:
    """Each of `concurrency` threads walks its share of both request lists, one portal
    request then one engine request, each over its own keep-alive connection."""
    results: dict[str, tuple[list, list, list]] = {name: ([], [], []) for name in targets}
    errors = dict.fromkeys(targets, 0)
    lock = threading.Lock()
    count = min(len(requests) for _, _, requests in targets.values())
    per_thread = max(1, count // concurrency)

    def worker(offset: int) -> None:
        connections = {
            name: http.client.HTTPConnection(host, port, timeout=120)
            for name, (host, port, _) in targets.items()
        }
        mine = {name: ([], [], []) for name in targets}
        for step in range(per_thread):
            for name, (host, port, requests) in targets.items():
                request = requests[offset + step]
                started = time.perf_counter()
                try:
                    took = _send(connections[name], request)
                except (OSError, RuntimeError, http.client.HTTPException):
                    with lock:
                        errors[name] += 1
                    connections[name].close()
                    connections[name] = http.client.HTTPConnection(host, port, timeout=120)
                    continue
                timings, kinds, tooks = mine[name]
                timings.append((time.perf_counter() - started) * 1000)
                kinds.append(request.kind)
                if took is not None:
                    tooks.append(took)
        for connection in connections.values():
            connection.close()
        with lock:
            for name, lists in mine.items():
                for into, values in zip(results[name], lists, strict=True):
                    into.extend(values)

    threads = [
        threading.Thread(target=worker, args=(index * per_thread,)) for index in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {
        name: Measured(timings, kinds, took, seconds, errors[name])
        for name, (timings, kinds, took) in results.items()
    }
