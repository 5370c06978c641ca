"""Indexing throughput: the real index_rebuild, timed, with the time spent in bulk calls."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class IndexingResult:
    count: int
    seconds: float
    bulk_seconds: float

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
        started = time.perf_counter()
        report = index_rebuild()
        seconds = time.perf_counter() - started
    finally:
        del engine.bulk
    return IndexingResult(report.count, seconds, spent[0])
