"""The overview's figures: what search.api counts for a search's filters, as tables whose
every row and cell carries the address of the search filtered to it. The page draws its
charts from these tables and the CSV exports write them, so both say the same.

Each figure is counted as the search's facets are: with every filter but those of the
figure's own facets (the countries chart with a country selected still shows every
country, the selected one marked), so that following a link selects the bar's value
instead and the search finds exactly the number the bar shows."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from entries.models import EntryPage
from entries.selectors import entry_get, entry_related
from entries.visibility import Reader
from search.api import (
    CrossCounts,
    FacetCounts,
    SearchQuery,
    cross_counts,
    facet_counts,
    search_entries,
)
from vocabulary.facets import FACETS_BY_NAME, Assessment, Evaluation, Kind

# The search parameters an overview reads and passes on to the search it links to.
FILTER_PARAMETERS = ("q", "year_from", "year_to", *FACETS_BY_NAME)
# The latest less good entries shown under "What did not work".
SETBACKS_SHOWN = 5

DOMAINS_FORMATS = ("domains", "formats")
YEARS_KINDS = ("started", "kind")
DOMAINS_KINDS = ("domains", "kind")


@dataclass(frozen=True)
class Cell:
    count: int
    url: str


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    cells: tuple[Cell, ...]
    selected: bool = False

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self.cells)


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    row_heading: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    # Which values of the columns are selected, in the columns' order.
    columns_selected: tuple[bool, ...] = ()

    @property
    def maximum(self) -> int:
        return max((cell.count for row in self.rows for cell in row.cells), default=0)


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
    # Every facet's counts, as the search's sidebar has them (the applied filters' labels).
    counts: FacetCounts


def search_url(params: list[tuple[str, str]], **selected: list[str]) -> str:
    """The search with the overview's filters, the given parameters' values replaced."""
    kept = [(key, value) for key, value in params if key not in selected]
    chosen = [(key, value) for key, values in selected.items() for value in values]
    return f"{reverse('search')}?{urlencode(kept + chosen)}"


def _facet_table(slug: str, title, facet: str, counts: FacetCounts, params) -> Table:
    """One facet's counts, most frequent first: a ranked bar chart."""
    rows = tuple(
        Row(
            code=value.term,
            label=value.label,
            cells=(Cell(value.count, search_url(params, **{facet: [value.term]})),),
            selected=value.selected,
        )
        for value in counts.facets[facet]
        if value.count
    )
    return Table(
        slug=slug,
        title=title,
        row_heading=FACETS_BY_NAME[facet].heading,
        columns=(_("Entries"),),
        rows=rows,
    )


def _cross_table(
    slug: str,
    title,
    pair: tuple[str, str],
    counts: CrossCounts,
    query: SearchQuery,
    params: list[tuple[str, str]],
    *,
    rows_order: list[str],
    columns_order: list[str],
    column_headings: list[str] | None = None,
) -> Table:
    rows_field, columns_field = pair
    rows = []
    for row in rows_order:
        cells = tuple(
            Cell(
                counts.cells.get(row, {}).get(column, 0),
                search_url(params, **{rows_field: [row], columns_field: [column]}),
            )
            for column in columns_order
        )
        rows.append(
            Row(
                code=row,
                label=counts.row_labels[row],
                cells=cells,
                selected=row in query.selected(rows_field),
            )
        )
    return Table(
        slug=slug,
        title=title,
        row_heading=FACETS_BY_NAME[rows_field].heading,
        columns=tuple(column_headings or [counts.column_labels[c] for c in columns_order]),
        rows=tuple(rows),
        columns_selected=tuple(column in query.selected(columns_field) for column in columns_order),
    )


def _by_total(cells: dict[str, dict[str, int]], labels: dict[str, str]) -> list[str]:
    """Row values, those holding most entries first."""
    return sorted(cells, key=lambda row: (-sum(cells[row].values()), labels[row].casefold()))


def _columns_by_total(counts: CrossCounts) -> list[str]:
    totals: dict[str, int] = {}
    for row in counts.cells.values():
        for column, n in row.items():
            totals[column] = totals.get(column, 0) + n
    return sorted(totals, key=lambda c: (-totals[c], counts.column_labels[c].casefold()))


def _years_table(counts: CrossCounts, params: list[tuple[str, str]]) -> Table:
    """Entries by the year they started, practices and lessons apart. The search filters
    by the years an entry is active, so a year's link finds the entries active that year
    (those that started in it among them)."""
    kinds = [kind for kind in Kind.values if any(kind in row for row in counts.cells.values())]
    rows = tuple(
        Row(
            code=year,
            label=year,
            cells=tuple(
                Cell(
                    counts.cells[year].get(kind, 0),
                    search_url(params, year_from=[year], year_to=[year], kind=[kind]),
                )
                for kind in kinds
            ),
        )
        for year in sorted(counts.cells, key=int)
    )
    return Table(
        slug="years",
        title=_("Entries by year started"),
        row_heading=pgettext_lazy("a calendar year", "Year"),
        columns=tuple(str(Kind(kind).label) for kind in kinds),
        rows=rows,
    )


def _setbacks(reader: Reader, query: SearchQuery) -> tuple[Setback, ...]:
    """The latest less good entries matching the other filters, with what did not work,
    their recommendations and related lessons, read as the reader may read them."""
    asked = SearchQuery(
        text=query.text,
        filters={**query.filters, "assessment": (Assessment.LESS_GOOD,)},
        page_size=SETBACKS_SHOWN,
        sort="newest",
        year_from=query.year_from,
        year_to=query.year_to,
        language=query.language,
    )
    setbacks = []
    for hit in search_entries(reader=reader, query=asked, grouped=True).results:
        entry = entry_get(reader=reader, organisation_id=hit.organisation, entry_id=hit.id)
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


def overview_get(*, reader: Reader, query: SearchQuery, params: list[tuple[str, str]]) -> Overview:
    """Every figure of the overview for the reader and the search's filters: one count of
    the facets, one of the pairs, one search for the latest less good practices."""
    counts = facet_counts(reader=reader, query=query)
    crossed = cross_counts(
        reader=reader, query=query, pairs=[DOMAINS_FORMATS, YEARS_KINDS, DOMAINS_KINDS]
    )
    heat = crossed[DOMAINS_FORMATS]
    lessons = crossed[DOMAINS_KINDS]
    lesson_domains = [row for row, kinds in lessons.cells.items() if kinds.get(Kind.LESSON)]
    tables = (
        _cross_table(
            "domains-formats",
            _("Entries by domain and format"),
            DOMAINS_FORMATS,
            heat,
            query,
            params,
            rows_order=_by_total(heat.cells, heat.row_labels),
            columns_order=_columns_by_total(heat),
        ),
        _facet_table("countries", _("Entries by country"), "countries", counts, params),
        _facet_table(
            "assessment",
            _("Entries by assessment"),
            "assessment",
            counts,
            params,
        ),
        _facet_table(
            "evaluation",
            _("Entries by evaluation"),
            "evaluation",
            counts,
            params,
        ),
        _years_table(crossed[YEARS_KINDS], params),
        _cross_table(
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
        setbacks=_setbacks(reader, query),
        setbacks_url=search_url(params, assessment=[Assessment.LESS_GOOD], sort=["newest"]),
        counts=counts,
    )
