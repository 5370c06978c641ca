"""The connection to the search engine, chosen from settings.

SEARCH_URL unset means no engine: callers answer from the database. SEARCH_ENGINE picks the
adapter of search/engine_adapters.py (opensearch-py or elasticsearch-py).

An engine that fails to answer is marked down for a few seconds, so that a dead node costs
one timeout, not one per request; the database answers meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings

from search.engine_adapters import ElasticsearchEngine, Engine, OpenSearchEngine

logger = logging.getLogger(__name__)

# How long an engine that failed to answer is left alone before it is tried again.
RETRY_AFTER_SECONDS = 5.0

ENGINE_CLASSES: dict[str, type] = {
    "opensearch": OpenSearchEngine,
    "elasticsearch": ElasticsearchEngine,
}
_engines: dict[tuple, Any] = {}
_down_until: dict[tuple, float] = {}
_lock = threading.Lock()


def _key() -> tuple | None:
    if not settings.SEARCH_URL:
        return None
    return (settings.SEARCH_URL, settings.SEARCH_ENGINE, float(settings.SEARCH_TIMEOUT))


def engine_configured() -> bool:
    """Whether an engine is configured: without one, the database search is the portal's
    search by design, not a stand-in."""
    return _key() is not None


def engine_get(*, even_if_down: bool = False) -> Engine | None:
    """The configured engine, or None when there is none or it failed moments ago."""
    key = _key()
    if key is None:
        return None
    if not even_if_down and _down_until.get(key, 0) > time.monotonic():
        return None
    with _lock:
        if key not in _engines:
            url, engine_name, timeout = key
            _engines[key] = ENGINE_CLASSES[engine_name](url, timeout)
        return _engines[key]


def engine_mark_down(error: Exception) -> None:
    key = _key()
    if key is not None:
        logger.warning("search engine unavailable, using the database: %s", error)
        _down_until[key] = time.monotonic() + RETRY_AFTER_SECONDS


def engine_mark_up() -> None:
    key = _key()
    if key is not None:
        _down_until.pop(key, None)


def alias_name() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-entries"
