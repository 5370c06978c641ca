"""The floor of indexing: the same documents the rebuild sends, built beforehand by the
portal's own DocumentBuilder and kept in memory as the bulk request bodies, sent straight
to `_bulk` into an index of the same mapping and bulk-load settings, with the same bulk
size and the same number of requests in flight, then made live and durable as the rebuild
makes its index (live settings, refresh, flush). What the rebuild adds to this is reading
the database, building the documents and serialising them."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from index_timing import ProcessorTime, processor_time


@dataclass
class PreparedBodies:
    bodies: list[bytes]
    count: int
    read_build_seconds: float  # database reads and DocumentBuilder
    serialise_seconds: float  # the bulk bodies as NDJSON


@dataclass
class FloorResult:
    count: int
    seconds: float
    bulk_seconds: float  # from the first bulk request to the last answer
    processor: ProcessorTime

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def bodies_prepare(index: str) -> PreparedBodies:
    """Every live entry's document, built as index_rebuild builds them (same chunks), and
    serialised as the engine adapter serialises a bulk request."""
    from search.engine_adapters import _ndjson
    from search.entry_documents import DocumentBuilder
    from search.indexing import BULK_CHUNK, _bulk_operations, live_entry_chunks

    started = time.perf_counter()
    builder = DocumentBuilder()
    chunks = [_bulk_operations(index, builder, ids) for ids in live_entry_chunks(BULK_CHUNK)]
    built = time.perf_counter()
    bodies = [_ndjson(operations) for operations in chunks]
    serialised = time.perf_counter()
    return PreparedBodies(
        bodies=bodies,
        count=sum(len(operations) // 2 for operations in chunks),
        read_build_seconds=built - started,
        serialise_seconds=serialised - built,
    )


def floor_timed(prepared: PreparedBodies, index: str) -> FloorResult:
    """Create the index, send the prepared bodies, make it live and durable; the index is
    deleted afterwards. Times the whole, as the rebuild is timed."""
    from search.client import engine_get
    from search.documents import index_body
    from search.engine_adapters import BULK_FILTER_PATH, BULK_TIMEOUT_SECONDS
    from search.indexing import BULK_IN_FLIGHT, BULK_LOAD_SETTINGS, LIVE_SETTINGS

    engine = engine_get(even_if_down=True)
    client = engine.client

    def send(body: bytes) -> int:
        answer = client.bulk(
            body=body,
            params={"request_timeout": BULK_TIMEOUT_SECONDS, "filter_path": BULK_FILTER_PATH},
        )
        if answer.get("errors"):
            raise RuntimeError(f"floor bulk refused documents: {json.dumps(answer)[:300]}")
        return len(body)

    body = index_body()
    before = processor_time(client)
    started = time.perf_counter()
    engine.create_index(index, {**body, "settings": {**body["settings"], **BULK_LOAD_SETTINGS}})
    try:
        bulk_started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=BULK_IN_FLIGHT) as sender:
            list(sender.map(send, prepared.bodies))
        bulk_seconds = time.perf_counter() - bulk_started
        engine.put_settings(index, LIVE_SETTINGS)
        engine.refresh(index)
        engine.flush(index)
        seconds = time.perf_counter() - started
        processor = processor_time(client) - before
    finally:
        engine.delete_index(index)
    return FloorResult(prepared.count, seconds, bulk_seconds, processor)
