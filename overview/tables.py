"""The overview's tables: counted values as rows and cells, each cell with the address of
the search filtered to it. The page draws its charts from them and the CSV exports write
them, so both say the same.

Each figure is counted as the search's facets are: with every filter but those of the
figure's own facets (the countries chart with a country selected still shows every
country, the selected one marked), so that following a link selects the bar's value
instead and the search finds exactly the number the bar shows."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from search.api import CrossCounts, FacetCounts, SearchQuery
from vocabulary.facets import FACETS_BY_NAME, Kind


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


def search_url(params: list[tuple[str, str]], **selected: list[str]) -> str:
    """The search with the overview's filters, the given parameters' values replaced."""
    kept = [(key, value) for key, value in params if key not in selected]
    chosen = [(key, value) for key, values in selected.items() for value in values]
    query = urlencode(kept + chosen)
    return f"{reverse('search')}?{query}" if query else reverse("search")


def facet_table(slug: str, title, facet: str, counts: FacetCounts, params) -> Table:
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


def cross_table(
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


def rows_by_total(cells: dict[str, dict[str, int]], labels: dict[str, str]) -> list[str]:
    """Row values, those holding most entries first."""
    return sorted(cells, key=lambda row: (-sum(cells[row].values()), labels[row].casefold()))


def columns_by_total(counts: CrossCounts) -> list[str]:
    totals: dict[str, int] = {}
    for row in counts.cells.values():
        for column, n in row.items():
            totals[column] = totals.get(column, 0) + n
    return sorted(totals, key=lambda c: (-totals[c], counts.column_labels[c].casefold()))


def years_table(counts: CrossCounts, params: list[tuple[str, str]]) -> Table:
    """Entries by the year they started, practices and lessons apart, each count linking to
    the search for those entries."""
    kinds = [kind for kind in Kind.values if any(kind in row for row in counts.cells.values())]
    rows = tuple(
        Row(
            code=year,
            label=year,
            cells=tuple(
                Cell(
                    counts.cells[year].get(kind, 0),
                    search_url(params, started=[year], kind=[kind]),
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


def _cell_html(cell: Cell) -> SafeString:
    if cell.count:
        return format_html('<td><a href="{}">{}</a></td>', cell.url, cell.count)
    return format_html("<td>{}</td>", 0)


def table_rows_html(table: Table) -> SafeString:
    """The table's body rows, a row heading and a linked count per cell (written here, every
    value escaped: a template loop over a page's thousand cells costs several times more)."""
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th>{}</tr>\n        ',
        (
            (row.label, format_html_join("", "{}", ((_cell_html(cell),) for cell in row.cells)))
            for row in table.rows
        ),
    )
