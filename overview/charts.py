"""The overview's charts as SVG, drawn on the server (they show without JavaScript and
print): ranked bars, stacked bars (one colour per column) and a heat map. bar_chart and
heat_map place the marks (positions, sizes, colours, the words each mark is named by);
chart_svg writes them. A page holds some 2,000 marks: written here with format_html (every
value escaped) they cost a fraction of what a template loop over them costs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from overview.tables import Table

WIDTH = 720
LABEL_WIDTH = 230
BAR_HEIGHT = 20
ROW_HEIGHT = 28
# Room right of the longest bar for its number.
NUMBER_WIDTH = 60
# Characters of a label that fit its column (12px text); longer ones end in an ellipsis.
LABEL_CHARACTERS = 32
COLUMN_LABEL_CHARACTERS = 24
# Series colours (dark enough for white text, and apart for colour-blind readers).
SERIES = ("#1d4e89", "#c75000", "#2e7d32", "#6a1b9a")
# Heat map: light to dark; numbers are written white on the last two.
SCALE = ("#eef3fa", "#c6d7ee", "#8fb1dc", "#4a7fc1", "#1d4e89")
CELL_WIDTH = 44
CELL_HEIGHT = 30
# Room above the cells, and right of them, for the column labels written at 45 degrees.
HEADER_HEIGHT = 150
# Bars shown in a ranked chart; the table below it has every row.
BARS_SHOWN = 20


def _short(label: str, characters: int) -> str:
    return label if len(label) <= characters else label[: characters - 1] + "…"


def entries_named(count: int) -> str:
    return ngettext("%(count)s entry", "%(count)s entries", count) % {"count": count}


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    width: float
    height: float
    colour: str
    url: str
    name: str  # what a screen reader says of the link
    number: str = ""
    number_x: float = 0
    number_colour: str = "#1a1a1a"


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    full: str
    selected: bool = False


@dataclass(frozen=True)
class Chart:
    kind: str  # "bars" or "heatmap"
    width: int
    height: int
    marks: tuple[Mark, ...]
    labels: tuple[Label, ...]
    column_labels: tuple[Label, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()  # (colour, column heading)
    hidden_rows: int = 0


def bar_chart(table: Table) -> Chart:
    """One bar per row, longest first as the table orders them; a row of several columns
    is a stack, one colour per column."""
    rows = table.rows[:BARS_SHOWN]
    longest = max((row.total for row in rows), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - NUMBER_WIDTH) / longest
    marks, labels = [], []
    for at, row in enumerate(rows):
        y = at * ROW_HEIGHT
        labels.append(
            Label(
                x=LABEL_WIDTH - 8,
                y=y + BAR_HEIGHT / 2,
                text=_short(row.label, LABEL_CHARACTERS),
                full=row.label,
                selected=row.selected,
            )
        )
        x = LABEL_WIDTH
        row_marks = []
        for column, cell in enumerate(row.cells):
            if not cell.count:
                continue
            width = cell.count * scale
            name = f"{row.label}: {entries_named(cell.count)}"
            if len(row.cells) > 1:
                name = f"{row.label}, {table.columns[column]}: {entries_named(cell.count)}"
            row_marks.append(
                Mark(
                    x=x,
                    y=y,
                    width=max(width, 2),
                    height=BAR_HEIGHT,
                    colour=SERIES[column % len(SERIES)],
                    url=cell.url,
                    name=name,
                )
            )
            x += width
        if row_marks:
            # The row's total after its bar.
            last = row_marks[-1]
            row_marks[-1] = dataclasses.replace(
                last, number=str(row.total), number_x=last.x + last.width + 6
            )
        marks += row_marks
    legend = ()
    if len(table.columns) > 1:
        legend = tuple(
            (SERIES[at % len(SERIES)], heading) for at, heading in enumerate(table.columns)
        )
    return Chart(
        kind="bars",
        width=WIDTH,
        height=max(len(rows), 1) * ROW_HEIGHT,
        marks=tuple(marks),
        labels=tuple(labels),
        legend=legend,
        hidden_rows=len(table.rows) - len(rows),
    )


def heat_map(table: Table) -> Chart:
    """A cell per row and column, the darker the more entries; empty cells are no link."""
    top = HEADER_HEIGHT
    highest = table.maximum or 1
    marks, labels, column_labels = [], [], []
    for column, heading in enumerate(table.columns):
        column_labels.append(
            Label(
                x=LABEL_WIDTH + column * CELL_WIDTH + CELL_WIDTH / 2,
                y=top - 8,
                text=_short(heading, COLUMN_LABEL_CHARACTERS),
                full=heading,
                selected=bool(table.columns_selected and table.columns_selected[column]),
            )
        )
    for at, row in enumerate(table.rows):
        y = top + at * CELL_HEIGHT
        labels.append(
            Label(
                x=LABEL_WIDTH - 8,
                y=y + CELL_HEIGHT / 2,
                text=_short(row.label, LABEL_CHARACTERS),
                full=row.label,
                selected=row.selected,
            )
        )
        for column, cell in enumerate(row.cells):
            level = 0 if not cell.count else 1 + round((cell.count / highest) * 3)
            marks.append(
                Mark(
                    x=LABEL_WIDTH + column * CELL_WIDTH,
                    y=y,
                    width=CELL_WIDTH - 2,
                    height=CELL_HEIGHT - 2,
                    colour=SCALE[level],
                    url=cell.url if cell.count else "",
                    name=_("%(row)s, %(column)s: %(entries)s")
                    % {
                        "row": row.label,
                        "column": table.columns[column],
                        "entries": entries_named(cell.count),
                    },
                    number=str(cell.count) if cell.count else "",
                    number_x=LABEL_WIDTH + column * CELL_WIDTH + (CELL_WIDTH - 2) / 2,
                    number_colour="#ffffff" if level >= 3 else "#1a1a1a",
                )
            )
    return Chart(
        kind="heatmap",
        width=max(WIDTH, LABEL_WIDTH + len(table.columns) * CELL_WIDTH + HEADER_HEIGHT),
        height=top + max(len(table.rows), 1) * CELL_HEIGHT,
        marks=tuple(marks),
        labels=tuple(labels),
        column_labels=tuple(column_labels),
    )


def _at(value: float) -> str:
    """A coordinate or size as the SVG has it: one decimal."""
    return f"{value:.1f}"


# Attributes written or not as a mark asks: constants, safe as they are.
BOLD = SafeString(' font-weight="bold"')
CELL_BORDER = SafeString(' stroke="#d0d7e2"')
CENTRED = SafeString(' text-anchor="middle"')


def _bold(label: Label) -> str:
    return BOLD if label.selected else ""


def _mark_svg(mark: Mark, heatmap: bool) -> SafeString:
    rect = format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}><title>{}</title></rect>',
        _at(mark.x),
        _at(mark.y),
        _at(mark.width),
        _at(mark.height),
        mark.colour,
        CELL_BORDER if heatmap else "",
        mark.name,
    )
    number = ""
    if mark.number:
        number = format_html(
            '<text x="{}" y="{}" dy="{}"{} fill="{}" aria-hidden="true">{}</text>',
            _at(mark.number_x),
            _at(mark.y),
            "19" if heatmap else "14",
            CENTRED if heatmap else "",
            mark.number_colour,
            mark.number,
        )
    if mark.url:
        return format_html(
            '<a href="{}" aria-label="{}">{}{}</a>', mark.url, mark.name, rect, number
        )
    return format_html("{}{}", rect, number)


def chart_svg(chart: Chart, slug: str) -> SafeString:
    """The chart as a figure holding its SVG (named by the heading `chart-<slug>`) and, for
    stacked bars, the legend."""
    heatmap = chart.kind == "heatmap"
    column_labels = format_html_join(
        "",
        '<text x="{0}" y="{1}" transform="rotate(-45 {0} {1})" fill="#1a1a1a"{2}'
        ' aria-hidden="true"><title>{3}</title>{4}</text>\n',
        (
            (_at(label.x), _at(label.y), _bold(label), label.full, label.text)
            for label in chart.column_labels
        ),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" fill="#1a1a1a"{}'
        ' aria-hidden="true"><title>{}</title>{}</text>\n',
        (
            (_at(label.x), _at(label.y), _bold(label), label.full, label.text)
            for label in chart.labels
        ),
    )
    marks = format_html_join("", "{}\n", ((_mark_svg(mark, heatmap),) for mark in chart.marks))
    legend = ""
    if chart.legend:
        legend = format_html(
            '<figcaption class="chart__legend">{}</figcaption>',
            format_html_join(
                "",
                '<span><svg class="chart__swatch" width="14" height="14" aria-hidden="true">'
                '<rect width="14" height="14" fill="{}"/></svg>{}</span> ',
                chart.legend,
            ),
        )
    return format_html(
        '<figure class="chart chart--{0}">\n<svg xmlns="http://www.w3.org/2000/svg"'
        ' viewBox="0 0 {1} {2}" width="{1}" height="{2}" role="group"'
        ' aria-labelledby="chart-{3}" font-family="system-ui, sans-serif" font-size="12">\n'
        "{4}{5}{6}</svg>\n{7}\n</figure>\n",
        chart.kind,
        chart.width,
        chart.height,
        slug,
        column_labels,
        labels,
        marks,
        legend,
    )
