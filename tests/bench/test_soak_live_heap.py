"""The soak judges the engine JVM's heap by its live set, the heap after a forced full
collection, less the engine's bounded caches and buffers: a rising live set is flagged; a
flat one is not, however G1's sawtooth between collections moves the floor of the heap in
use, nor is one that rises only as the engine's caches fill (issue #15, item 4)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from soak_live_heap import (  # noqa: E402
    LiveSample,
    LiveTrend,
    histogram_bytes,
    histogram_growth,
    histogram_total,
)
from soak_memory import MB, Series, trend  # noqa: E402
from soak_report import Checks, JvmLive, Row, Stage, report_text  # noqa: E402

HEAP_MAX = 2048 * MB


def live_set(megabytes: list[float], caches: list[float] | None = None) -> LiveTrend:
    """A forced collection every five minutes, the live set at each, of which
    `caches` MB are the engine's bounded caches and buffers; the class histograms of the
    first and the last collections."""
    caches = caches or [0.0] * len(megabytes)
    last = len(megabytes) - 1
    return LiveTrend(
        [
            LiveSample(
                at=300 * index,
                heap_used=int(size * MB) + 2 * MB,
                live=int(size * MB),
                pause_ms=400,
                bounded=int(cached * MB),
                segments=30,
                classes=histogram_bytes(HISTOGRAM_END if index == last else HISTOGRAM_START),
            )
            for index, (size, cached) in enumerate(zip(megabytes, caches, strict=True))
        ],
        HEAP_MAX,
    )


def sawtooth_heap() -> Series:
    """Heap in use every 10 s for 30 minutes: filled by 40 MB a minute, collected back to
    a floor that rises 258 → 290 MB in the second half (G1's old generation between
    concurrent cycles, as in the 11:26 run)."""
    series = Series("OpenSearch JVM heap in use", 0, collected=True)
    for step in range(181):
        at = step * 10.0
        floor = 258 + max(0.0, at - 900) / 900 * 32
        series.points.append((at, int((floor + (step % 6) * 40) * MB)))
    return series


def report(live: LiveTrend) -> str:
    stage = Stage(users=1, seconds=1800, load_before="1.00", load_after="1.00")
    stage.rows.append(
        Row("Aggregated", requests=900, failures=0, per_second=0.5, p50="90", p95="200")
    )
    return report_text(
        facts={
            "entries_wanted": 100,
            "machine": [],
            "commands": [],
            "data": [],
            "load": [],
        },
        stages=[stage],
        trends=[trend(sawtooth_heap())],
        live=JvmLive(live),
        checks=Checks(
            entries=100,
            queued_updates=0,
            drift_exit=0,
            drift_output="",
            published_entries=0,
            revisions=0,
            server_errors=[],
        ),
    )


def memory_verdict(text: str) -> str:
    return next(line for line in text.splitlines() if "no growth trend" in line)


def test_a_rising_live_set_is_flagged_with_a_day_at_its_rate():
    rising = live_set([250, 254, 257, 262, 266, 269, 274])  # +24 MB in 30 minutes
    assert rising.grows
    assert 45 < rising.per_hour_mb < 50
    assert 1100 < rising.day_mb < 1200

    text = report(rising)
    assert memory_verdict(text).startswith(
        "| no growth trend in any process's memory | NO | growing: OpenSearch JVM live set"
    )
    assert "**GROWS**" in text
    # What grew over the second half, from the class histograms of its first and last
    # collections.
    assert "| `[B` | 9,766 | 29,297 |" in text


def test_a_live_set_that_falls_after_the_rebuild_then_rises_is_flagged():
    # The 100,000-entry run of 14:07: the rebuild's buffers freed in the first minutes,
    # then a rise through the second half that a slope over the whole run would hide.
    after_rebuild = live_set([247, 132, 137, 161, 148, 193, 212])
    assert after_rebuild.grows
    assert after_rebuild.first_mb == 161
    assert memory_verdict(report(after_rebuild)).startswith(
        "| no growth trend in any process's memory | NO | growing: OpenSearch JVM live set"
    )


def test_a_flat_live_set_passes_though_the_sawtooth_floor_rises():
    flat = live_set([251, 256, 249, 253, 250, 255, 252])  # noise of a few MB, no trend
    sawtooth = trend(sawtooth_heap())
    assert sawtooth.grows  # its floor rose more than 10 MB and 5 % in the second half
    assert not flat.grows

    text = report(flat)
    assert memory_verdict(text).startswith(
        "| no growth trend in any process's memory | yes | every process flat; the JVM's live set"
    )
    # The floor stays in the table, as information.
    assert "| OpenSearch JVM heap in use | 6 |" in text
    assert "floor rises (information: the live set is judged)" in text
    assert "pauses 400–400 ms (2800 ms in all)" in text


def test_too_few_forced_collections_leave_the_memory_promise_unkept():
    text = report(live_set([250, 251]))
    assert memory_verdict(text).startswith(
        "| no growth trend in any process's memory | NO | every process flat; "
        "the JVM's live set not measured"
    )


def test_a_live_set_that_rises_as_the_engine_caches_fill_passes():
    # +24 MB in 30 minutes, all of it in the request and query caches (bounded shares of
    # the heap, accounted in the node stats); the whole live set's slope is still shown.
    filling = live_set([250, 254, 257, 262, 266, 269, 274], caches=[2, 6, 9, 14, 18, 21, 26])
    assert not filling.grows
    assert filling.whole_per_hour_mb > 40

    text = report(filling)
    assert memory_verdict(text).startswith(
        "| no growth trend in any process's memory | yes | every process flat; the JVM's live set"
    )
    assert "| 30.0 | 276 | 274.0 | 26.0 | 248.0 | 28.6 | 30 | 400 |" in text
    assert "caches and buffers included: +" in text


def test_the_histograms_name_the_classes_that_grew():
    assert histogram_growth(histogram_bytes(HISTOGRAM_START), histogram_bytes(HISTOGRAM_END)) == [
        ("[B", 10_000_000, 30_000_000),
        ("org.opensearch.Leaky", 0, 1_000),
    ]


HISTOGRAM_START = """31054:
 num     #instances         #bytes  class name (module)
-------------------------------------------------------
   1:        104795       10000000  [B (java.base@25.0.3)
   2:        107415        3437280  java.util.HashMap$Node (java.base@25.0.3)
Total       212210       13437280
"""
HISTOGRAM_END = """31054:
 num     #instances         #bytes  class name (module)
-------------------------------------------------------
   1:        304795       30000000  [B (java.base@25.0.3)
   2:        100415        3000000  java.util.HashMap$Node (java.base@25.0.3)
   3:            10           1000  org.opensearch.Leaky
Total       405220       33001000
"""


def test_the_live_set_is_the_histograms_total():
    # The histogram counts reachable objects only: its total is the live set, read even
    # when the node stats' cached heap figures still predate the collection.
    assert histogram_total(HISTOGRAM_END) == 33_001_000
    with pytest.raises(ValueError, match="Total"):
        histogram_total(HISTOGRAM_END.rsplit("Total", 1)[0])


def test_file_backed_memory_is_judged_against_the_files_mapped_at_the_end():
    # Pages of segments merged away since, left with their files: a peak above what is
    # mapped at the end is no growth; ending above it is.
    series = Series("OpenSearch JVM, file-backed", 0, mapped_bound=257 * MB)
    series.points = [
        (10.0 * step, (49 + (293 if step == 100 else step // 4)) * MB) for step in range(200)
    ]
    assert not trend(series).grows
    series.points.append((2000.0, 300 * MB))
    assert trend(series).grows
