"""The entries of a database search read once: every entry of its scope (visible, in its
years, matching its words) as the row its hits are ordered from, with its value of each
one-valued facet counted. The hits (the entries holding every selection), their total and
the disjunctive counts all come from this read and from each vocabulary facet's links: the
hits and the counts read the same entries twice before (33 and 31 ms of a 410 ms search
at 10,000 entries on SQLite)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from itertools import starmap

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    TextField,
    Value,
    When,
)

from entries.models import EntryPage
from entries.selectors import selected_terms
from entries.translations import entries_with_group
from search.backends.base import RawCounts
from search.backends.database_order import HitRow
from vocabulary.facets import ABSENT, FACETS, FACETS_BY_NAME, PRESENT, FacetDefinition
from vocabulary.models import Term

# Entries read from the database at a time.
ROWS_READ_AT_ONCE = 2000

# A search's selections: the values chosen in each facet.
Filters = Mapping[str, Collection[str]]


def facet_value(field: str):
    """An entry's value of a field cross counts and facet counts count by: a facet's column,
    the value a derived facet computes, or the start year."""
    facet = FACETS_BY_NAME.get(field)
    if facet is None:
        return F(field)
    if not facet.presence:
        return F(facet.lookup)
    having = EntryPage.objects.filter(pk=OuterRef("pk"), **{f"{facet.lookup}__isnull": False})
    return Case(
        When(Exists(having), then=Value(PRESENT)),
        default=Value(ABSENT),
        output_field=CharField(),
    )


class _EntryIds(Aggregate):
    """The entry ids of a group of rows in one value: an array on PostgreSQL, a JSON array
    (text, decoded by _links) on SQLite."""

    function = "JSON_GROUP_ARRAY"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="ARRAY_AGG", **extra_context)


def _links(facet: FacetDefinition) -> dict[int, list[int]]:
    """The ids of the entries holding each term of a vocabulary facet (term id -> entry
    ids), whatever the entry (the counts keep those of the entries searched), one row a
    term: a row a link took longer to read and its entries could only be matched in
    Python, link by link (picking out the searched entries' links in SQL cost the database
    twice as much as reading them all)."""
    through = getattr(EntryPage, facet.name).through
    rows = (
        through.objects.order_by()
        .values("term_id")
        .annotate(ids=_EntryIds("entrypage_id"))
        .values_list("term_id", "ids")
    )
    return {term: ids if isinstance(ids, list) else json.loads(ids) for term, ids in rows}


class ScopeRead:
    """The entries of a search's scope, read once. `scores`: each entry's score (None
    without words); `chains`: translation_chains(); `facets`: the facets that will be
    counted; `filters`: every set of selections whose hits or counts will be asked."""

    def __init__(
        self,
        scope: QuerySet[EntryPage],
        *,
        scores: dict[int, float] | None,
        chains: dict[int, str],
        facets: Collection[str],
        filters: Iterable[Filters],
    ):
        filters = list(filters)
        chosen = {name for selections in filters for name, values in selections.items() if values}
        self._one_valued = [
            facet
            for facet in FACETS
            if not facet.holds_terms and (facet.name in facets or facet.name in chosen)
        ]
        read = (
            entries_with_group(scope, chains)
            .order_by()
            .annotate(
                **{f"value_{facet.name}": facet_value(facet.name) for facet in self._one_valued}
            )
            .values_list(
                "pk",
                "group",
                "original",
                "slug",
                "language",
                "published_date",
                *(f"value_{facet.name}" for facet in self._one_valued),
            )
        )
        # Turned into columns by zip (in C): kept through the search, a list per entry and a
        # pair per value set off more of the garbage collector's full passes (70 ms each at
        # 10,000 entries).
        rows = list(read.iterator(chunk_size=ROWS_READ_AT_ONCE))
        columns = list(zip(*rows, strict=True)) if rows else [()] * (6 + len(self._one_valued))
        self._ids = columns[0]
        self._id_set = set(self._ids)
        # What makes each entry's hit row (HitRow's fields), made only for the hits.
        self._groups = columns[1]
        self._hit_columns = (
            *columns[:6],
            [None] * len(self._ids) if scores is None else [scores[pk] for pk in self._ids],
        )
        # Each one-valued facet's values, in the order of self._ids.
        self._values = dict(
            zip((facet.name for facet in self._one_valued), columns[6:], strict=True)
        )
        # The links of the vocabulary facets some filters select, kept for their counts.
        self._links = {
            facet.name: _links(facet)
            for facet in FACETS
            if facet.holds_terms and facet.name in chosen
        }
        self._holdings: dict[tuple, dict[str, set[int]]] = {}

    def _members(self, facet: FacetDefinition) -> dict[object, list[int]]:
        """The ids of the entries holding each value of a facet: a one-valued facet's among
        the entries read, a vocabulary facet's (by term id) among every entry."""
        if facet.holds_terms:
            return self._links[facet.name] if facet.name in self._links else _links(facet)
        members = defaultdict(list)
        for pk, value in zip(self._ids, self._values[facet.name], strict=True):
            members[value].append(pk)
        return members

    def _holding(self, filters: Filters) -> dict[str, set[int]]:
        """The ids of the entries holding a value of each facet selected in `filters`
        (kept: the hits and the counts ask for the same)."""
        key = tuple(sorted((name, tuple(values)) for name, values in filters.items() if values))
        if key not in self._holdings:
            terms = selected_terms(filters)
            holding = {}
            for name, values in key:
                facet = FACETS_BY_NAME[name]
                chosen = set(terms.get(name, ())) if facet.holds_terms else set(values)
                members = self._members(facet)
                holding[name] = set().union(
                    *(members[value] for value in chosen if value in members)
                )
            self._holdings[key] = holding
        return self._holdings[key]

    def hits(self, filters: Filters) -> list[HitRow]:
        """The rows of the entries holding a value of every facet selected in `filters`."""
        holding = self._holding(filters)
        rows = zip(*self._hit_columns, strict=True)
        if holding:
            found = set.intersection(self._id_set, *holding.values())
            rows = (row for row in rows if row[0] in found)
        return list(starmap(HitRow, rows))

    def counts(self, filters: Filters, *, grouped: bool, facets: Collection[str]) -> RawCounts:
        """Disjunctive counts: each facet of `facets` counted with every other facet's
        selection in `filters`; of translation groups when `grouped`. Each value's entries
        are matched with those counted by set intersections (in C), and only the entries
        sharing a group with another are named by group: matching and naming every link
        in Python took two thirds of the counts' time."""
        holding = self._holding(filters)
        shared: dict[int, str] = {}
        if grouped:
            sizes = Counter(self._groups)
            shared = {
                pk: group
                for pk, group in zip(self._ids, self._groups, strict=True)
                if sizes[group] > 1
            }
        slugs = (
            dict(Term.objects.values_list("pk", "slug"))
            if any(FACETS_BY_NAME[name].holds_terms for name in facets)
            else {}
        )
        counts: RawCounts = {}
        for facet in FACETS:
            if facet.name not in facets:
                continue
            others = [held for name, held in holding.items() if name != facet.name]
            eligible = set.intersection(self._id_set, *others) if others else self._id_set
            sharing = eligible & shared.keys()
            alone = eligible - sharing if sharing else eligible
            counted = {}
            for value, members in self._members(facet).items():
                if not value:
                    continue
                n = len(alone.intersection(members))
                if sharing:
                    n += len({shared[pk] for pk in sharing.intersection(members)})
                if n:
                    counted[value] = n
            if facet.holds_terms:
                # A term deleted since its links were read is not counted.
                counted = {slugs[value]: n for value, n in counted.items() if value in slugs}
            counts[facet.name] = counted
        return counts
