"""Indexing throughput: the real index_rebuild, timed, with the time spent in bulk calls
and the processor time it took of this process and of the engine."""

from __future__ import annotations

import time
from dataclasses import dataclass

# The engine's node statistics are refreshed once a second: asked again every tenth of a
# second, for at most a few (an engine whose clock runs behind this machine's would
# otherwise never seem to have refreshed them).
STATISTICS_POLL_SECONDS = 0.1
STATISTICS_WAIT_SECONDS = 3.0


@dataclass(frozen=True)
class ProcessorTime:
    """Processor seconds (user and system, every thread) spent so far by this Python
    process and by the engine's nodes; the difference of two is what happened between."""

    python: float
    engine: float

    def __sub__(self, earlier: ProcessorTime) -> ProcessorTime:
        return ProcessorTime(self.python - earlier.python, self.engine - earlier.engine)


def processor_time(client) -> ProcessorTime:
    """Read from the engine's node statistics, so that it holds for an engine on another
    machine too (on this one both share the same cores); asked again until they were taken
    after this call."""
    python = time.process_time()
    asked = time.time() * 1000
    deadline = time.monotonic() + STATISTICS_WAIT_SECONDS
    while True:
        nodes = list(client.nodes.stats(metric="process")["nodes"].values())
        fresh = all(node["process"]["timestamp"] >= asked for node in nodes)
        if fresh or time.monotonic() > deadline:
            break
        time.sleep(STATISTICS_POLL_SECONDS)
    engine_millis = sum(node["process"]["cpu"]["total_in_millis"] for node in nodes)
    return ProcessorTime(python=python, engine=engine_millis / 1000)


@dataclass
class IndexingResult:
    count: int
    seconds: float
    bulk_seconds: float
    processor: ProcessorTime

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def index_timed() -> IndexingResult:
    from search import client
    from search.indexing import index_rebuild

    engine = client.engine_get(even_if_down=True)
    spent = [0.0]
    original = engine.bulk

    def timed_bulk(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    engine.bulk = timed_bulk
    try:
        before = processor_time(engine.client)
        started = time.perf_counter()
        report = index_rebuild()
        seconds = time.perf_counter() - started
        processor = processor_time(engine.client) - before
    finally:
        del engine.bulk
    return IndexingResult(report.count, seconds, spent[0], processor)
