"""The floor of the engine: each query of the mix sent straight to the engine twice, in
turn on one connection: as the portal's full search (the requests its API sends: hits
with highlights and typo tolerance, the counts of every facet) and as a bare relevance
query on the same words (the top 10 with an exact total, no aggregation, no highlight).
Sent in turn, so that what slows the machine slows both; the order alternates from one
query to the next, so that neither always finds the other's pages in the caches.

Each full search's number of hits (its counts' total) says what share of the collection
a kind of query matches."""

from __future__ import annotations

import http.client
import json
import statistics
import time
from dataclasses import dataclass, field

from queries import engine_bodies, query_of

# What the bare query shows: as many hits as a page of results.
BARE_SIZE = 10


@dataclass
class Floor:
    """Per query: its kind, milliseconds of the full search and of the bare one, and how
    many entries the full search matched; `visible`: how many the caller may see."""

    kinds: list[str] = field(default_factory=list)
    full: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    full_took: list[int] = field(default_factory=list)
    bare_took: list[int] = field(default_factory=list)
    matched: list[int] = field(default_factory=list)
    visible: int = 0

    def median(self, values: list[float], kind: str | None = None) -> float:
        chosen = [v for v, k in zip(values, self.kinds, strict=True) if kind in (None, k)]
        return statistics.median(chosen) if chosen else float("nan")

    def ratio(self, kind: str | None = None) -> float:
        return self.median(self.full, kind) / self.median(self.bare, kind)

    def share_matched(self, kind: str) -> tuple[float, float, float]:
        """The smallest, median and largest share of the visible entries a kind matched."""
        shares = sorted(
            m / self.visible for m, k in zip(self.matched, self.kinds, strict=True) if k == kind
        )
        if not shares:
            return (float("nan"),) * 3
        return shares[0], statistics.median(shares), shares[-1]


def bare_body(params: dict) -> dict:
    """The same words matched in the entry's whole text (one field, the engine's default
    scoring), with the same filters (who may see, the selections), top 10, exact total."""
    from elasticsearch.dsl import Q

    from entries.visibility import ANONYMOUS
    from search.documents import SHARED_FIELD
    from search.facets import selection_filters, visibility_filter, year_filters

    query = query_of(params)
    rule = visibility_filter(ANONYMOUS)
    filters = [*([rule] if rule else []), *year_filters(query), *selection_filters(query)]
    words = Q("match", **{SHARED_FIELD: query.text}) if query.text else Q("match_all")
    return {
        "query": Q("bool", must=[words], filter=filters).to_dict(),
        "size": BARE_SIZE,
        "track_total_hits": True,
    }


def _send(connection, path: str, body: bytes) -> tuple[float, dict]:
    ndjson = path.endswith("_msearch")
    headers = {"Content-Type": "application/x-ndjson" if ndjson else "application/json"}
    started = time.perf_counter()
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"{response.status}: {payload[:300]!r}")
    return elapsed, json.loads(payload)


def _visible(connection, index: str) -> int:
    from entries.visibility import ANONYMOUS
    from search.facets import visibility_filter

    rule = visibility_filter(ANONYMOUS)
    body = {"query": rule.to_dict() if rule else {"match_all": {}}}
    return _send(connection, f"{index}/_count", json.dumps(body).encode())[1]["count"]


def _full(connection, requests: list[tuple[str, bytes]]) -> tuple[float, int, int]:
    """The portal's requests for one query: milliseconds, the engine's took, hits."""
    from search.facets import MATCHING

    elapsed, took, matched = 0.0, 0, 0
    for path, body in requests:
        spent, answer = _send(connection, path, body)
        elapsed += spent
        if path.endswith("_msearch"):
            # With no facet selected the counts ride on the hits body: one answer.
            answers = answer["responses"]
            took += sum(each["took"] for each in answers)
            matched = answers[-1]["aggregations"][MATCHING]["doc_count"]
        else:
            took += answer["took"]
    return elapsed, took, matched


def floor_measure(host: str, port: int, mix: list[tuple[str, dict]]) -> Floor:
    """The full and the bare search of each query of the mix, in turn."""
    from search.client import alias_name

    index = f"/{alias_name()}"
    connection = http.client.HTTPConnection(host, port, timeout=120)
    floor = Floor(visible=_visible(connection, index))
    for number, (kind, params) in enumerate(mix):
        full_requests = engine_bodies(kind, params)
        bare = json.dumps(bare_body(params)).encode()
        if number % 2:
            bare_ms, bare_answer = _send(connection, f"{index}/_search", bare)
            full_ms, full_took, matched = _full(connection, full_requests)
        else:
            full_ms, full_took, matched = _full(connection, full_requests)
            bare_ms, bare_answer = _send(connection, f"{index}/_search", bare)
        floor.kinds.append(kind)
        floor.full.append(full_ms)
        floor.full_took.append(full_took)
        floor.matched.append(matched)
        floor.bare.append(bare_ms)
        floor.bare_took.append(bare_answer["took"])
    connection.close()
    return floor
