"""A new index's warm-up, before the alias points at it: the portal's own typical requests,
so that the first readers after a rebuild do not pay for cold caches.

A fresh index has no global ordinals for its facet fields (built by the first terms
aggregation over them, per shard, at 100,000 entries seconds), no filter cache, and its
files are not yet in the page cache. The first searches after the soak's rebuild outlasted
SEARCH_TIMEOUT and fell back to a far slower database search. These requests pay that cost
once, inside the rebuild, with the bulk timeout."""

from __future__ import annotations

import logging

from entries.visibility import ANONYMOUS
from search.builders import counts_body, figures_body, search_bodies
from search.engine_adapters import Engine, EngineError, EngineUnavailable
from search.languages import language_boosts
from search.query import SearchQuery
from vocabulary.facets import FACET_NAMES

logger = logging.getLogger(__name__)

# A words search with its facet counts (the search page), the counts alone (home and index
# pages), and the overview's figures: each a kind of request the portal makes most.
WARM_UP_WORDS = "exit chat"
WARM_UP_PAIRS = [("domains", "formats"), ("started", "kind"), ("domains", "kind")]


def warm_up_bodies() -> list[dict]:
    words = SearchQuery(text=WARM_UP_WORDS)
    everything = SearchQuery()
    return [
        *search_bodies(ANONYMOUS, words, grouped=True, boosts=language_boosts(words.text)),
        counts_body(ANONYMOUS, everything, grouped=True),
        figures_body(ANONYMOUS, everything, WARM_UP_PAIRS, FACET_NAMES),
    ]


def index_warm_up(engine: Engine, index: str) -> int:
    """Run the warm-up requests on the index (not yet behind the alias): the number run.
    A failure is logged, not raised: the index is complete and durable, and a cold one is
    better than none."""
    bodies = warm_up_bodies()
    try:
        engine.msearch(index, bodies, patient=True)
    except (EngineError, EngineUnavailable):
        logger.warning("the new search index %s could not be warmed up", index, exc_info=True)
        return 0
    return len(bodies)
