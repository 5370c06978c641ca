"""The overview's figures: what search.api counts for a search's filters, as tables
(overview/tables.py), and the latest less good entries with what was learned from them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entries.models import EntryPage
from entries.selectors import entries_visible, entry_related
from entries.visibility import Reader
from overview.tables import (
    Table,
    columns_by_total,
    cross_table,
    facet_table,
    rows_by_total,
    search_url,
    years_table,
)
from search.api import YEAR_FILTERS, FacetCounts, SearchHit, SearchQuery, figures
from vocabulary.facets import FACETS_BY_NAME, Assessment, Evaluation, Kind

# The search parameters an overview reads and passes on to the search it links to.
FILTER_PARAMETERS = ("q", *YEAR_FILTERS, *FACETS_BY_NAME)
# The latest less good entries shown under "What did not work".
SETBACKS_SHOWN = 5

# The facets drawn as a table each (slug, title); the overview counts no other facet.
FACET_TABLES = (
    ("countries", _("Entries by country")),
    ("assessment", _("Entries by assessment")),
    ("evaluation", _("Entries by evaluation")),
)
COUNTED_FACETS = tuple(facet for facet, _title in FACET_TABLES)

DOMAINS_FORMATS = ("domains", "formats")
YEARS_KINDS = ("started", "kind")
DOMAINS_KINDS = ("domains", "kind")


@dataclass(frozen=True)
class Setback:
    """A less good practice (or lesson), what did not work and what was learned from it."""

    title: str
    url: str
    kind: str
    language: str
    organisation_name: str
    published: str | None
    what_did_not_work: str
    recommendations: tuple[str, ...]
    # The lessons related to it (either way) that the reader may see.
    lessons: tuple[EntryPage, ...]


@dataclass(frozen=True)
class Overview:
    count: int
    count_url: str
    evaluated: int
    evaluated_url: str
    engine: str
    tables: tuple[Table, ...]
    setbacks: tuple[Setback, ...]
    setbacks_url: str
    # The counts of COUNTED_FACETS, as the search's sidebar has them; the other facets list
    # their selected values only (the applied filters' labels).
    counts: FacetCounts


def _setbacks_query(query: SearchQuery) -> SearchQuery:
    """The latest less good entries matching the other filters."""
    return SearchQuery(
        text=query.text,
        filters={**query.filters, "assessment": (Assessment.LESS_GOOD,)},
        page_size=SETBACKS_SHOWN,
        sort="newest",
        year_from=query.year_from,
        year_to=query.year_to,
        started=query.started,
        language=query.language,
    )


def _setbacks(reader: Reader, hits: list[SearchHit]) -> tuple[Setback, ...]:
    """The less good entries found, with what did not work, their recommendations and
    related lessons, read as the reader may read them (all in one query, then one for each
    entry's related ones)."""
    named = Q(pk__in=[])
    for hit in hits:
        named |= Q(organisation__slug=hit.organisation, slug=hit.id)
    entries = {
        (entry.organisation.slug, entry.slug): entry
        for entry in entries_visible(reader=reader)
        .filter(named)
        .select_related("organisation")
        .prefetch_related("recommendations", "relations")
    }
    setbacks = []
    for hit in hits:
        entry = entries.get((hit.organisation, hit.id))
        if entry is None:
            continue
        setbacks.append(
            Setback(
                title=hit.title,
                url=hit.url,
                kind=hit.kind,
                language=hit.language,
                organisation_name=hit.organisation_name,
                published=hit.published,
                what_did_not_work=entry.what_did_not_work,
                recommendations=tuple(item.text for item in entry.recommendations.all()),
                lessons=tuple(
                    related
                    for related in entry_related(reader=reader, entry=entry)
                    if related.kind == Kind.LESSON
                ),
            )
        )
    return tuple(setbacks)


def overview_get(
    *,
    reader: Reader,
    query: SearchQuery,
    params: list[tuple[str, str]],
    with_setbacks: bool = True,
) -> Overview:
    """Every figure of the overview for the reader and the search's filters, and (
    `with_setbacks`, what the page shows but no table holds) the latest less good entries:
    the facets, the pairs and those entries asked at once."""
    pairs = [DOMAINS_FORMATS, YEARS_KINDS, DOMAINS_KINDS]
    found = figures(
        reader=reader,
        query=query,
        pairs=pairs,
        facets=COUNTED_FACETS,
        hits_query=_setbacks_query(query) if with_setbacks else None,
    )
    counts, crossed = found.counts, found.crossed
    heat = crossed[DOMAINS_FORMATS]
    lessons = crossed[DOMAINS_KINDS]
    lesson_domains = [row for row, kinds in lessons.cells.items() if kinds.get(Kind.LESSON)]
    tables = (
        cross_table(
            "domains-formats",
            _("Entries by domain and format"),
            DOMAINS_FORMATS,
            heat,
            query,
            params,
            rows_order=rows_by_total(heat.cells, heat.row_labels),
            columns_order=columns_by_total(heat),
        ),
        *(facet_table(facet, title, facet, counts, params) for facet, title in FACET_TABLES),
        years_table(crossed[YEARS_KINDS], params),
        cross_table(
            "lessons-domains",
            _("Lessons learned by domain"),
            DOMAINS_KINDS,
            lessons,
            query,
            params,
            rows_order=sorted(
                lesson_domains,
                key=lambda row: (-lessons.cells[row][Kind.LESSON], lessons.row_labels[row]),
            ),
            columns_order=[Kind.LESSON],
            column_headings=[_("Lessons learned")],
        ),
    )
    evaluation = {value.term: value.count for value in counts.facets["evaluation"]}
    evaluated = [Evaluation.INTERNAL, Evaluation.EXTERNAL]
    return Overview(
        count=counts.count,
        count_url=search_url(params),
        evaluated=sum(evaluation.get(value, 0) for value in evaluated),
        evaluated_url=search_url(params, evaluation=evaluated),
        engine=counts.engine,
        tables=tables,
        setbacks=_setbacks(reader, found.hits),
        setbacks_url=search_url(params, assessment=[Assessment.LESS_GOOD], sort=["newest"]),
        counts=counts,
    )
