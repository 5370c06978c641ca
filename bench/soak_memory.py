"""The memory of each process of the soak, sampled every 10 s, and its trend: a
least-squares slope per minute, over the whole run and over its second half (the first
minutes fill caches and the JVM's heap; a leak keeps growing).

Resident set size (psutil) for each process; for PostgreSQL's processes their unique set
size, summed: the RSS of a backend counts every page of the shared buffers it has touched,
which grows for minutes without anything leaking. Heaps (the JVM's heap in use, from the
engine's node stats) come from `heaps`; a garbage-collected heap rises and falls by design
(a sawtooth), so its trend is that of its floor: the lowest sample of each sixth of the run
(at least a minute), shown for information (see the live set below).

A process in `split` (the JVM) is sampled as two series, from /proc/<pid>/status: its
anonymous memory (heap, pre-touched at start, and native memory: what a leak grows) and its
file-backed memory (pages of mapped files, the index's segments: page cache the kernel may
drop, which fills toward the mapped files' size and cannot pass it). The second is judged
against that bound, read when sampling stops.

The JVM's live set, the judge of its heap, is sampled by bench/soak_live_heap.py."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

if TYPE_CHECKING:
    from soak_live_heap import LiveHeap

MB = 2**20
# A forced full collection every five minutes: rare enough to leave the latencies mostly
# unperturbed, often enough for a trend over half an hour.
LIVE_EVERY = 300.0


@dataclass
class Series:
    """One process's samples: (seconds since the start, RSS in bytes)."""

    role: str
    pid: int
    points: list[tuple[float, int]] = field(default_factory=list)
    # A garbage-collected heap: shown by its floor.
    collected: bool = False
    # File-backed pages: judged against the size of the files mapped (bytes), not a trend.
    mapped_bound: int | None = None


def processes_with_children(
    role: str, pid: int | None, child_role: str = ""
) -> list[tuple[str, psutil.Process]]:
    """The process and its children (gunicorn's workers, PostgreSQL's backends)."""
    if pid is None:
        return []
    try:
        parent = psutil.Process(pid)
        children = parent.children() if child_role else []
        return [(role, parent)] + [(child_role, child) for child in children]
    except psutil.NoSuchProcess:
        return []


def resident_split(pid: int) -> tuple[int, int]:
    """Anonymous and file-backed resident bytes of a process (Linux)."""
    kilobytes = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("RssAnon", "RssFile", "RssShmem"):
            kilobytes[name] = int(value.split()[0])
    return kilobytes["RssAnon"] * 1024, (kilobytes["RssFile"] + kilobytes["RssShmem"]) * 1024


def mapped_files_size(process: psutil.Process) -> int:
    """The summed size of the distinct files a process maps: the most its file-backed
    resident memory can reach."""
    paths = {region.path for region in process.memory_maps() if region.path.startswith("/")}
    return sum(os.path.getsize(path) for path in paths if os.path.isfile(path))


class Sampler(threading.Thread):
    """Samples the processes named by `watched` (role, process) every `every` seconds.
    Processes of a role in `summed` (PostgreSQL's backends, which come and go with the
    connections) make one series, the sum of their RSS; processes of a role in `split` make
    two, their anonymous and their file-backed memory."""

    def __init__(
        self,
        watched: Callable[[], list[tuple[str, psutil.Process]]],
        summed: tuple[str, ...] = (),
        split: tuple[str, ...] = (),
        heaps: Callable[[], dict[str, int]] = dict,
        live_heap: LiveHeap | None = None,
        every: float = 10.0,
    ):
        super().__init__(daemon=True)
        self.watched, self.summed, self.split = watched, summed, split
        self.heaps, self.every = heaps, every
        self.live_heap, self.next_live = live_heap, 0.0
        self.split_processes: dict[str, psutil.Process] = {}
        self.series: dict[str, Series] = {}
        self.started = time.monotonic()
        self.stopping = threading.Event()

    def sample(self, last: bool = False) -> None:
        at = time.monotonic() - self.started
        totals = dict.fromkeys(self.summed, 0)
        for role, process in self.watched():
            try:
                if role in totals:
                    totals[role] += process.memory_full_info().uss
                    continue
                if role in self.split:
                    anonymous, file_backed = resident_split(process.pid)
                else:
                    rss = process.memory_info().rss
            except (psutil.Error, OSError):  # it ended between listing and reading: no sample
                continue
            name = f"{role} (pid {process.pid})"
            if role in self.split:
                self.split_processes[f"{name}, file-backed"] = process
                for part, size in (("anonymous", anonymous), ("file-backed", file_backed)):
                    series = self.series.setdefault(
                        f"{name}, {part}", Series(f"{name}, {part}", process.pid)
                    )
                    series.points.append((at, size))
                continue
            self.series.setdefault(name, Series(name, process.pid)).points.append((at, rss))
        for role, uss in totals.items():
            name = f"{role}es, summed USS"
            self.series.setdefault(name, Series(name, 0)).points.append((at, uss))
        for name, size in self.heaps().items():
            self.series.setdefault(name, Series(name, 0, collected=True)).points.append((at, size))
        if self.live_heap and (last or at >= self.next_live):
            self.live_heap.collect(at)
            self.next_live = at + LIVE_EVERY
            if last:
                self.live_heap.collect_cleared(at)

    def run(self) -> None:
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(self.every)

    def stop(self) -> None:
        self.stopping.set()
        self.join()
        self.sample(last=True)
        for name, process in self.split_processes.items():
            try:
                self.series[name].mapped_bound = mapped_files_size(process)
            except (psutil.Error, OSError):
                continue


def slope_per_minute(points: list[tuple[float, int]]) -> float:
    """Least-squares slope of RSS, in MB per minute."""
    if len(points) < 2:
        return 0.0
    xs = [at / 60 for at, _ in points]
    ys = [rss / MB for _, rss in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if not spread:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


@dataclass(frozen=True)
class Trend:
    role: str
    samples: int
    first_mb: float
    last_mb: float
    max_mb: float
    slope: float
    second_half_slope: float
    second_half_minutes: float
    bound_mb: float | None = None
    # A heap's floor between collections: shown, not judged (the live set is).
    information: bool = False

    @property
    def grows(self) -> bool:
        """Growth over the second half above both 10 MB and 5 % of the process's size;
        file-backed memory grows only past the files it maps (at the end, when the bound
        is read: pages of segments merged away since left with their files)."""
        if self.bound_mb is not None:
            return self.last_mb > self.bound_mb
        growth = self.second_half_slope * self.second_half_minutes
        return growth > max(10.0, 0.05 * self.last_mb)


# The windows a heap's floor is read in: six make a trend with three in each half.
FLOOR_WINDOWS = 6


def floors(points: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """The lowest sample of each of FLOOR_WINDOWS windows of the run (each at least a
    minute), at its window's start."""
    width = max(60.0, (points[-1][0] - points[0][0]) / FLOOR_WINDOWS)
    lowest: dict[int, int] = {}
    for at, size in points:
        window = min(int((at - points[0][0]) // width), FLOOR_WINDOWS - 1)  # the last sample
        lowest[window] = min(size, lowest.get(window, size))
    return [(points[0][0] + window * width, size) for window, size in sorted(lowest.items())]


def trend(series: Series) -> Trend:
    points = floors(series.points) if series.collected else series.points
    half = points[len(points) // 2 :]
    return Trend(
        role=series.role,
        samples=len(points),
        first_mb=points[0][1] / MB,
        last_mb=points[-1][1] / MB,
        max_mb=max(rss for _, rss in points) / MB,
        slope=slope_per_minute(points),
        second_half_slope=slope_per_minute(half),
        second_half_minutes=(half[-1][0] - half[0][0]) / 60,
        bound_mb=None if series.mapped_bound is None else series.mapped_bound / MB,
        information=series.collected,
    )
