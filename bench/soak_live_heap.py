"""The live set of the engine's JVM: the heap right after a full collection.

The floor of a G1 heap's samples follows its old generation, which fills between
concurrent cycles: it moves by hundreds of MB without a leak. So at the start of the load,
every LIVE_EVERY seconds (bench/soak_memory.py) and at its end, the JVM is made to run a
full collection by taking its class histogram (`jcmd <pid> GC.class_histogram`, with the
jcmd of the JDK it runs on) and its heap is read right after: what is still live, which a
leak raises whatever G1 does between cycles, and which classes hold it. Those collections
stop the engine: their pauses are recorded and reported.

Part of the live set is the engine's own bounded caches and indexing buffers, which fill
toward limits set as shares of the heap and which its node stats account for: each sample
records them, and the trend is judged on the live set less them. After the last sample the
caches are cleared and the live set read once more, to show what they held."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from soak_memory import MB, slope_per_minute


@dataclass(frozen=True)
class LiveSample:
    """The JVM's heap at a forced full collection (bytes): what is still live, as the
    class histogram taken with it counts it."""

    at: float
    heap_used: int
    # The live bytes the class histogram counted (it counts reachable objects only).
    live: int
    # The stop-the-world time the forced collection took (the old collector's time).
    pause_ms: int
    # What the engine's stats account to its bounded caches and buffers (ENGINE_BOUNDED).
    bounded: int = 0
    segments: int = 0
    # Live bytes per class, from the collection's class histogram.
    classes: dict[str, int] = field(default_factory=dict)

    @property
    def unbounded(self) -> int:
        """The live set less the engine's bounded caches and buffers: what a leak raises."""
        return self.live - self.bounded


# The engine's caches and indexing buffers, each bounded by a setting (a share of the heap:
# indices.queries.cache.size 10 %, indices.requests.cache.size 1 %, the fielddata breaker,
# indices.memory.index_buffer_size 10 %) and accounted in its node stats: filling them
# is no leak. (section of the node stats' "indices", field)
ENGINE_BOUNDED = (
    ("query_cache", "memory_size_in_bytes"),
    ("request_cache", "memory_size_in_bytes"),
    ("fielddata", "memory_size_in_bytes"),
    ("segments", "index_writer_memory_in_bytes"),
    ("segments", "version_map_memory_in_bytes"),
)


def bounded_bytes(indices: dict) -> int:
    """The bytes of ENGINE_BOUNDED in a node stats' "indices" object."""
    return sum(indices[section][name] for section, name in ENGINE_BOUNDED)


# A line of `jcmd <pid> GC.class_histogram`: rank, instances, bytes, class (module); and
# its last line, the totals.
HISTOGRAM_LINE = re.compile(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)")
HISTOGRAM_TOTAL = re.compile(r"^Total\s+(\d+)\s+(\d+)\s*$", re.MULTILINE)
# OpenSearch serves its JVM stats from a cache refreshed every second
# (monitor.jvm.refresh_interval): read sooner after a collection, they predate it.
JVM_STATS_REFRESH = 1.5


def histogram_bytes(text: str) -> dict[str, int]:
    """Bytes per class of a class histogram."""
    return {
        found[3]: int(found[2]) for found in map(HISTOGRAM_LINE.match, text.splitlines()) if found
    }


def histogram_total(text: str) -> int:
    """The live bytes of a class histogram, all classes together."""
    found = HISTOGRAM_TOTAL.search(text)
    if found is None:
        raise ValueError("a class histogram without its Total line")
    return int(found[2])


def histogram_growth(
    before: dict[str, int], after: dict[str, int], count: int = 10
) -> list[tuple[str, int, int]]:
    """The classes whose bytes grew most between two histograms: (class, before, after)."""
    grown = sorted(after, key=lambda name: before.get(name, 0) - after[name])
    return [
        (name, before.get(name, 0), after[name])
        for name in grown[:count]
        if after[name] > before.get(name, 0)
    ]


class LiveHeap:
    """Forces a full collection in the engine's JVM by taking its class histogram (kept in
    `folder`), with the jcmd of the JDK it runs on, and reads its heap and its bounded
    caches right after from the node's stats (`node_stats`: the node stats' object, with
    "jvm" and "indices"). `clear_caches` empties the engine's caches, for the last reading."""

    def __init__(
        self,
        pid: Callable[[], int | None],
        node_stats: Callable[[], dict | None],
        clear_caches: Callable[[], None],
        folder: Path,
    ):
        self.pid, self.node_stats, self.clear_caches = pid, node_stats, clear_caches
        self.folder = folder
        self.samples: list[LiveSample] = []
        # The live set read once more after the caches were cleared, at the end.
        self.cleared: LiveSample | None = None
        self.heap_max = 0
        self.failures: list[str] = []

    def _jcmd(self, pid: int, command: str) -> str:
        jcmd = Path(psutil.Process(pid).exe()).with_name("jcmd")
        return subprocess.run(  # noqa: S603
            [str(jcmd), str(pid), command], capture_output=True, text=True, check=True, timeout=120
        ).stdout

    def _sample(self, at: float, name: str) -> LiveSample | None:
        pid, before = self.pid(), self.node_stats()
        if pid is None or before is None:
            self.failures.append(f"{at / 60:.1f} min: the engine's JVM did not answer")
            return None
        try:
            histogram = self._jcmd(pid, "GC.class_histogram")
        except (psutil.Error, OSError, subprocess.SubprocessError) as error:
            self.failures.append(f"{at / 60:.1f} min: {error}")
            return None
        (self.folder / f"jvm-histogram-{name}.log").write_text(histogram, "utf-8")
        time.sleep(JVM_STATS_REFRESH)
        after = self.node_stats()
        if after is None:
            self.failures.append(f"{at / 60:.1f} min: no node stats after the collection")
            return None
        old_time = [
            stats["jvm"]["gc"]["collectors"]["old"]["collection_time_in_millis"]
            for stats in (before, after)
        ]
        memory = after["jvm"]["mem"]
        self.heap_max = memory["heap_max_in_bytes"]
        return LiveSample(
            at=at,
            heap_used=memory["heap_used_in_bytes"],
            live=histogram_total(histogram),
            pause_ms=old_time[1] - old_time[0],
            bounded=bounded_bytes(after["indices"]),
            segments=after["indices"]["segments"]["count"],
            classes=histogram_bytes(histogram),
        )

    def collect(self, at: float) -> None:
        if sample := self._sample(at, f"{at / 60:05.1f}min"):
            self.samples.append(sample)

    def collect_cleared(self, at: float) -> None:
        """The live set once the engine's caches are emptied (after the last sample)."""
        try:
            self.clear_caches()
        except OSError as error:
            self.failures.append(f"{at / 60:.1f} min: clearing the caches: {error}")
            return
        self.cleared = self._sample(at, "caches-cleared")

    def trend(self) -> LiveTrend:
        return LiveTrend(self.samples, self.heap_max)


# The live set grows when, over the run, it rose by more than both of these.
LIVE_TOLERANCE_MB = 10.0
LIVE_TOLERANCE_SHARE = 0.05


@dataclass(frozen=True)
class LiveTrend:
    """The trend of the live set (what a forced full collection leaves) less
    the engine's bounded caches and buffers, judged over the second half of the run: the
    first samples follow the restore's index rebuild, whose buffers are still being
    released (a 100,000-entry run fell 247 -> 132 MB in its first five minutes), which a
    slope over the whole run would take for a shrinking heap. Its least-squares slope
    there, and the growth at that rate over the whole run and over a day; the whole live
    set's slope beside it, for information."""

    samples: list[LiveSample]
    heap_max: int

    @property
    def judged_samples(self) -> list[LiveSample]:
        middle = (self.samples[0].at + self.samples[-1].at) / 2
        return [sample for sample in self.samples if sample.at >= middle]

    @property
    def minutes(self) -> float:
        """The whole run's (the growth is judged over the run, at the second half's rate)."""
        return (self.samples[-1].at - self.samples[0].at) / 60

    @property
    def first_mb(self) -> float:
        return self.judged_samples[0].unbounded / MB

    @property
    def last_mb(self) -> float:
        return self.judged_samples[-1].unbounded / MB

    def _per_hour(self, size: Callable[[LiveSample], int]) -> float:
        return 60 * slope_per_minute([(sample.at, size(sample)) for sample in self.judged_samples])

    @property
    def per_hour_mb(self) -> float:
        return self._per_hour(lambda sample: sample.unbounded)

    @property
    def whole_per_hour_mb(self) -> float:
        """The whole live set's, caches and buffers included."""
        return self._per_hour(lambda sample: sample.live)

    @property
    def growth_mb(self) -> float:
        return self.per_hour_mb * self.minutes / 60

    @property
    def day_mb(self) -> float:
        return 24 * self.per_hour_mb

    @property
    def tolerance_mb(self) -> float:
        return max(LIVE_TOLERANCE_MB, LIVE_TOLERANCE_SHARE * self.first_mb)

    @property
    def judged(self) -> bool:
        """Three samples at least in the second half (a run of ten minutes or more)."""
        return len(self.samples) >= 3 and len(self.judged_samples) >= 3

    @property
    def grows(self) -> bool:
        return self.judged and self.growth_mb > self.tolerance_mb

    def grown_classes(self) -> list[tuple[str, int, int]]:
        """The classes that grew most over the judged half, from its first histogram to
        the last."""
        return histogram_growth(self.judged_samples[0].classes, self.samples[-1].classes)
