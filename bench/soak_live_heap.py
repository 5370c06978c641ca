"""The live set of the engine's JVM: the heap right after a full collection.

The floor of a G1 heap's samples follows its old generation, which fills between
concurrent cycles: it moves by hundreds of MB without a leak. So at the start of the load,
every LIVE_EVERY seconds (bench/soak_memory.py) and at its end, the JVM is made to run a
full collection (`jcmd <pid> GC.run`, with the jcmd of the JDK it runs on) and its heap is
read right after: what is still live, which a leak raises whatever G1 does between cycles.
Those collections stop the engine: their pauses are recorded and reported."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil
from soak_memory import MB, slope_per_minute


@dataclass(frozen=True)
class LiveSample:
    """The JVM's heap right after a forced full collection (bytes): what is still live.
    After a full collection of G1 every live object is in the old generation."""

    at: float
    heap_used: int
    old_used: int
    # The stop-the-world time the forced collection took (the old collector's time).
    pause_ms: int


# A line of `jcmd <pid> GC.class_histogram`: rank, instances, bytes, class (module).
HISTOGRAM_LINE = re.compile(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)")


def histogram_bytes(text: str) -> dict[str, int]:
    """Bytes per class of a class histogram."""
    return {
        found[3]: int(found[2]) for found in map(HISTOGRAM_LINE.match, text.splitlines()) if found
    }


def histogram_growth(start: str, end: str, count: int = 10) -> list[tuple[str, int, int]]:
    """The classes whose bytes grew most between two histograms: (class, start, end)."""
    before, after = histogram_bytes(start), histogram_bytes(end)
    grown = sorted(after, key=lambda name: before.get(name, 0) - after[name])
    return [
        (name, before.get(name, 0), after[name])
        for name in grown[:count]
        if after[name] > before.get(name, 0)
    ]


class LiveHeap:
    """Forces a full collection in the engine's JVM with the jcmd of the JDK it runs on,
    and reads its heap right after from the node's stats (`jvm_stats`: the node stats'
    "jvm" object). At the start and the end it also writes the class histogram (which
    collects once more) to `folder`, to tell what grew."""

    def __init__(
        self, pid: Callable[[], int | None], jvm_stats: Callable[[], dict | None], folder: Path
    ):
        self.pid, self.jvm_stats, self.folder = pid, jvm_stats, folder
        self.samples: list[LiveSample] = []
        self.heap_max = 0
        self.histograms: dict[str, str] = {}
        self.failures: list[str] = []

    def _jcmd(self, pid: int, command: str) -> str:
        jcmd = Path(psutil.Process(pid).exe()).with_name("jcmd")
        return subprocess.run(  # noqa: S603
            [str(jcmd), str(pid), command], capture_output=True, text=True, check=True, timeout=120
        ).stdout

    def collect(self, at: float, histogram: str = "") -> None:
        pid, before = self.pid(), self.jvm_stats()
        if pid is None or before is None:
            self.failures.append(f"{at / 60:.1f} min: the engine's JVM did not answer")
            return
        try:
            self._jcmd(pid, "GC.run")
            after = self.jvm_stats()
            if histogram:
                text = self._jcmd(pid, "GC.class_histogram")
                self.histograms[histogram] = text
                (self.folder / f"jvm-histogram-{histogram}.log").write_text(text, "utf-8")
        except (psutil.Error, OSError, subprocess.SubprocessError) as error:
            self.failures.append(f"{at / 60:.1f} min: {error}")
            return
        # The pauses include the histogram's own collection: every pause the soak caused.
        finished = self.jvm_stats() if histogram else after
        if after is None or finished is None:
            self.failures.append(f"{at / 60:.1f} min: no node stats after the collection")
            return
        old_time = [
            stats["gc"]["collectors"]["old"]["collection_time_in_millis"]
            for stats in (before, finished)
        ]
        self.heap_max = after["mem"]["heap_max_in_bytes"]
        self.samples.append(
            LiveSample(
                at=at,
                heap_used=after["mem"]["heap_used_in_bytes"],
                old_used=after["mem"]["pools"]["old"]["used_in_bytes"],
                pause_ms=old_time[1] - old_time[0],
            )
        )

    def trend(self) -> LiveTrend:
        return LiveTrend(self.samples, self.heap_max)


# The live set grows when, over the run, it rose by more than both of these.
LIVE_TOLERANCE_MB = 10.0
LIVE_TOLERANCE_SHARE = 0.05


@dataclass(frozen=True)
class LiveTrend:
    """The trend of the live set (the old generation after a forced full collection),
    judged over the second half of the run: the first samples follow the restore's index
    rebuild, whose buffers are still being released (a 100,000-entry run fell 247 -> 132 MB
    in its first five minutes), which a slope over the whole run would take for a shrinking
    heap. Its least-squares slope there, and the
    growth at that rate over the whole run and over a day."""

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
        return self.judged_samples[0].old_used / MB

    @property
    def last_mb(self) -> float:
        return self.judged_samples[-1].old_used / MB

    @property
    def per_hour_mb(self) -> float:
        return 60 * slope_per_minute(
            [(sample.at, sample.old_used) for sample in self.judged_samples]
        )

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
