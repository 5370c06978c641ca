"""A process cache of what every search reads and rarely changes: the facet labels and the
vocabulary. Each process keeps them, forgets them when a term or an organisation is saved or
deleted in this process (receivers connected in search/signals.py), and reloads them after
CACHE_SECONDS in any case (for changes made by other processes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

CACHE_SECONDS = 60.0

T = TypeVar("T")
_cache: dict[str, tuple[float, object]] = {}
_cache_lock = threading.Lock()


def process_cached(name: str, build: Callable[[], T]) -> T:
    """What build() returns, kept in this process until the vocabulary or an organisation
    changes, or CACHE_SECONDS have passed."""
    now = time.monotonic()
    kept = _cache.get(name)
    if kept is not None and now - kept[0] < CACHE_SECONDS:
        return kept[1]  # type: ignore[return-value]
    value = build()
    with _cache_lock:
        _cache[name] = (now, value)
    return value


def process_cache_clear(**_kwargs) -> None:
    with _cache_lock:
        _cache.clear()
