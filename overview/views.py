"""The overview in figures and its CSV exports: thin views over overview.selectors, with the
search's parameters (search.api.search_query_from_params) as their filters."""

import csv
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext

from entries.visibility import reader_for
from overview.charts import bar_chart, chart_svg, heat_map
from overview.selectors import FILTER_PARAMETERS, Overview, overview_get
from overview.tables import table_rows_html
from search.api import (
    YEAR_FILTERS,
    SearchParameterError,
    query_recognised,
    search_query_from_params,
)
from vocabulary.facets import SIDEBAR

# Spreadsheets run a cell that starts so as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _BadFilters(Exception):
    def __init__(self, error: SearchParameterError, params: list[tuple[str, str]]):
        self.error = error
        self.params = params


def _overview(request, *, with_setbacks: bool) -> tuple[Overview, list[tuple[str, str]]]:
    """The figures for the request's filters, and those filters as parameters (the values
    that name nothing left out, as the search leaves them out); _BadFilters when a
    parameter is invalid."""
    params = [
        (key, value)
        for key, values in request.GET.lists()
        if key in FILTER_PARAMETERS
        for value in values
    ]
    try:
        query = search_query_from_params(dict(request.GET.lists()), language=get_language())
    except SearchParameterError as error:
        raise _BadFilters(error, [(k, v) for k, v in params if k != error.parameter]) from error
    query, unrecognised = query_recognised(query)
    dropped = set(unrecognised)
    params = [(key, value) for key, value in params if (key, value.strip()) not in dropped]
    params = [(key, value) for key, value in params if key != "q"]
    if query.text:
        params.insert(0, ("q", query.text))
    overview = overview_get(
        reader=reader_for(request.user), query=query, params=params, with_setbacks=with_setbacks
    )
    return overview, params


def _without(params: list[tuple[str, str]], key: str, value: str | None = None) -> str:
    kept = [(k, v) for k, v in params if not (k == key and (value is None or v == value))]
    return "?" + urlencode(kept)


def _chips(overview: Overview, params: list[tuple[str, str]]) -> list[dict]:
    """The applied filters, each with the address of this overview without it."""
    chips = []
    if any(key == "q" for key, _value in params):
        words = next(value for key, value in params if key == "q")
        chips.append({"heading": gettext("Words"), "label": words, "url": _without(params, "q")})
    for facet in SIDEBAR:
        for value in overview.counts.facets.get(facet.name, []):
            if value.selected:
                chips.append(
                    {
                        "heading": facet.heading,
                        "label": value.label,
                        "url": _without(params, facet.name, value.term),
                    }
                )
    for name, label in YEAR_FILTERS.items():
        for key, value in params:
            if key == name:
                chips.append(
                    {
                        "heading": gettext("Years"),
                        "label": label % {"year": value},
                        "url": _without(params, name),
                    }
                )
    return chips


def overview_page(request):
    try:
        overview, params = _overview(request, with_setbacks=True)
    except _BadFilters as bad:
        context = {"error": bad.error, "start_url": reverse("overview:overview")}
        return render(request, "overview/overview.html", context, status=400)
    query_string = urlencode(params)
    sections = []
    for table in overview.tables:
        chart = heat_map(table) if table.slug == "domains-formats" else bar_chart(table)
        sections.append(
            {
                "table": table,
                "chart": chart,
                "svg": chart_svg(chart, table.slug),
                "rows": table_rows_html(table),
                "csv_url": reverse("overview:overview_csv", args=[table.slug])
                + (f"?{query_string}" if query_string else ""),
            }
        )
    context = {
        "overview": overview,
        "sections": sections,
        "chips": _chips(overview, params),
        "clear_url": reverse("overview:overview"),
        "search_url": overview.count_url,
    }
    return render(request, "overview/overview.html", context)


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def overview_csv(request, table: str):
    try:
        overview, _params = _overview(request, with_setbacks=False)
    except _BadFilters as bad:
        return HttpResponse(
            f"{bad.error.parameter}: {bad.error.message}\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    found = next((each for each in overview.tables if each.slug == table), None)
    if found is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="overview-{found.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow([_cell(str(found.row_heading)), *(_cell(str(c)) for c in found.columns)])
    for row in found.rows:
        writer.writerow([_cell(row.label), *(cell.count for cell in row.cells)])
    return response
