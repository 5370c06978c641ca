"""The engine's faceted search: the visibility rule and the selections as engine filters,
the aggregations that count every facet of the registry (vocabulary/facets.py), and the
counts read back from the answer (labelled by search/labels.py, as the database's are).

A selected value filters the hits and the counts of every other facet, not its own: the
counts of a facet say what widening the selection would give.

Counts of translation groups (a search that shows each group once), the total's and each
value's, are the entries that are their group's one version plus the distinct groups of
the others (a cardinality of the group field). The engine counts distinct values exactly
up to its precision threshold, which is set to its maximum (GROUP_PRECISION, 40,000 groups
of several versions: beyond any network's catalogue; above it a count may be off by a few
percent).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from elasticsearch.dsl import A, Q
from elasticsearch.dsl.query import Query

from entries.models import Visibility
from entries.visibility import Reader
from search.documents import (
    FACETS_FIELD,
    GROUP_FIELD,
    SHARED_GROUP_FIELD,
    facet_value_from_key,
)
from search.query import SearchQuery
from vocabulary.facets import FACET_NAMES

# Enough buckets for every vocabulary term and every member organisation.
FACET_SIZE = 300
# The aggregation that counts every facet nobody selected, and whose doc_count is the
# number of hits.
MATCHING = "matching"
# The sub-aggregations counting the translation groups of a bucket, when groups are
# counted: its entries whose group may hold other versions, and their distinct groups.
SHARED = "shared"
GROUPS = "groups"
# The engine's highest precision threshold of a cardinality: exact below it.
GROUP_PRECISION = 40_000


def visibility_filter(reader: Reader) -> Query | None:
    """entries.visibility.visible_q as an engine filter: the same rule, inside the query,
    so results, counts, suggestions and related entries never reveal what is hidden."""
    if reader.sees_everything:
        return None
    allowed = Q("terms", visibility=[str(value) for value in reader.visibilities])
    if reader.organisation_ids:
        own = Q(
            "bool",
            filter=[
                Q("term", visibility=str(Visibility.ORGANISATION)),
                Q("terms", organisation=sorted(reader.organisation_ids)),
            ],
        )
        return Q("bool", should=[allowed, own], minimum_should_match=1)
    return allowed


def year_filters(query: SearchQuery) -> list[Query]:
    """Entries active at some point of [year_from, year_to]: started by its end, and not
    ended before its start; and those that started in `started`. Entries without a start
    year are left out of a year search."""
    filters = []
    if query.started:
        filters.append(Q("term", started=query.started))
    if query.year_from or query.year_to:
        filters.append(Q("exists", field="started"))
    if query.year_to:
        filters.append(Q("range", started={"lte": query.year_to}))
    if query.year_from:
        filters.append(
            Q(
                "bool",
                should=[
                    Q("range", ended={"gte": query.year_from}),
                    Q("bool", must_not=[Q("exists", field="ended")]),
                ],
                minimum_should_match=1,
            )
        )
    return filters


def selection_filter(facet: str, values: Iterable[str]) -> Query:
    return Q("terms", **{facet: list(values)})


def selection_filters(query: SearchQuery, *, leave_out: str | Iterable[str] = ()) -> list[Query]:
    """The selections of every facet (OR within, AND across), except those of `leave_out`
    (a facet, or several)."""
    left_out = {leave_out} if isinstance(leave_out, str) else set(leave_out)
    return [
        selection_filter(facet, values)
        for facet, values in query.filters.items()
        if values and facet not in left_out
    ]


def _groups_counted(aggregation: A) -> None:
    """Each bucket of the aggregation counts its translation groups too: its entries that
    are their group's one version (SHARED_GROUP_FIELD false), and the distinct groups of
    the others. A cardinality of every bucket's groups cost more than the rest of a search
    at 100,000 entries; the entries of groups of several versions are few."""
    shared = aggregation.bucket(SHARED, "filter", filter=Q("term", **{SHARED_GROUP_FIELD: True}))
    shared.metric(GROUPS, "cardinality", field=GROUP_FIELD, precision_threshold=GROUP_PRECISION)


def facet_aggregations(
    query: SearchQuery, *, grouped: bool = False, facets: Collection[str] = FACET_NAMES
) -> dict[str, A]:
    """The counts of every facet (of `facets`), in as few aggregations as the selections
    allow.

    Facets without a selection are counted together, over the entries that match every
    selection, by one aggregation of FACETS_FIELD: one pass over the hits instead of one
    per facet. A facet with selected values is counted over the entries that match the
    other facets' selections, by an aggregation of its own. `grouped`: each bucket counts
    its distinct translation groups too.
    """
    everything = selection_filters(query)
    aggs = {MATCHING: A("filter", filter=_all_of(everything))}
    # Values of the other facets are not collected (nor their groups counted).
    only = {} if set(FACET_NAMES) <= set(facets) else {"include": f"({'|'.join(facets)}):.*"}
    values = aggs[MATCHING].bucket(
        "values", "terms", field=FACETS_FIELD, size=FACET_SIZE * len(facets), **only
    )
    counted = [aggs[MATCHING], values]
    for facet, selected in query.filters.items():
        if selected and facet in facets:
            aggs[facet] = A("filter", filter=_all_of(selection_filters(query, leave_out=facet)))
            counted.append(aggs[facet].bucket("values", "terms", field=facet, size=FACET_SIZE))
    if grouped:
        for aggregation in counted:
            _groups_counted(aggregation)
    return aggs


def counted_filter(query: SearchQuery, pairs: Iterable[tuple[str, str]] = ()) -> Query | None:
    """What an entry must match to be counted at all: every selection but at most one
    facet's (or, for the cross counts of `pairs`, but a pair's two fields'). The counts do
    not change; the engine skips the entries no count includes."""
    selected = [facet for facet, values in query.filters.items() if values]
    if not selected:
        return None
    left_outs = [(facet,) for facet in selected]
    for pair in pairs:
        left_out = tuple(field for field in pair if field in selected)
        if len(left_out) == 2:  # one field of a pair is already a facet's left-out
            left_outs.append(left_out)
    return Q(
        "bool",
        should=[_all_of(selection_filters(query, leave_out=left_out)) for left_out in left_outs],
        minimum_should_match=1,
    )


def _all_of(filters: list[Query]) -> Query:
    return Q("bool", filter=filters) if filters else Q("match_all")


def facet_counts_from_aggregations(
    aggregations: dict, query: SearchQuery
) -> tuple[int, dict[str, dict[str, int]]]:
    """The number of hits and the counts of each facet's values, read from the answer to
    facet_aggregations() (of translation groups when it counted them)."""
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACET_NAMES}
    for bucket in aggregations[MATCHING]["values"]["buckets"]:
        facet, value = facet_value_from_key(bucket["key"])
        if facet in counts and not query.selected(facet):
            counts[facet][value] = _count(bucket)
    for facet in FACET_NAMES:
        if query.selected(facet) and facet in aggregations:  # a facet not asked: no count
            buckets = aggregations[facet]["values"]["buckets"]
            counts[facet] = {bucket["key"]: _count(bucket) for bucket in buckets}
    return _count(aggregations[MATCHING]), counts


def _count(bucket: dict) -> int:
    """A bucket's entries, or its groups when they were counted (_groups_counted)."""
    if SHARED not in bucket:
        return bucket["doc_count"]
    shared = bucket[SHARED]
    return bucket["doc_count"] - shared["doc_count"] + shared[GROUPS]["value"]


# Besides the facets, cross counts may count entries by the year they started.
CROSS_FIELDS = (*FACET_NAMES, "started")


def cross_aggregations(query: SearchQuery, pairs: Iterable[tuple[str, str]]) -> dict[str, A]:
    """For each pair of fields (rows, columns), the entries holding each row value and each
    column value, of translation groups; counted, as a facet is, with every selection but
    those of its own two fields."""
    aggs = {}
    for rows, columns in pairs:
        selections = selection_filters(query, leave_out=(rows, columns))
        pair = aggs[f"{rows}|{columns}"] = A("filter", filter=_all_of(selections))
        row_values = pair.bucket("values", "terms", field=rows, size=FACET_SIZE)
        column_values = row_values.bucket("values", "terms", field=columns, size=FACET_SIZE)
        _groups_counted(column_values)
    return aggs


def cross_counts_from_aggregations(
    aggregations: dict, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, dict[str, int]]]:
    """What cross_aggregations() counted: per pair, row value -> column value -> groups."""
    return {
        (rows, columns): {
            str(row["key"]): {
                str(column["key"]): _count(column) for column in row["values"]["buckets"]
            }
            for row in aggregations[f"{rows}|{columns}"]["values"]["buckets"]
        }
        for rows, columns in pairs
    }
