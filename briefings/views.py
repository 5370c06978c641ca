"""Briefings (HTML to read and print, PDF to send) and the side-by-side comparison: thin
views over briefings.selectors."""

from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext
from weasyprint import CSS, HTML

from briefings.selectors import (
    MAX_BRIEFING_ENTRIES,
    MAX_COMPARED,
    MIN_COMPARED,
    briefing_of_search,
    briefing_of_selection,
    comparison_rows,
    entries_selected,
    safety_withheld,
    selection_keys,
)
from entries.visibility import reader_for
from search.api import (
    PARAMETERS,
    SearchParameterError,
    query_recognised,
    search_query_from_params,
)

# The PDF's styles, read from the static files on disk: WeasyPrint fetches nothing.
PDF_STYLESHEETS = ("css/portal.css", "briefings/briefing.css")


def _briefing_context(request) -> tuple[dict, int]:
    """The briefing a request asks for, and the status to answer with."""
    reader = reader_for(request.user)
    keys = selection_keys(request.GET.getlist("e"))
    params = [
        (key, value) for key, values in request.GET.lists() if key in PARAMETERS for value in values
    ]
    context = {
        "today": timezone.localdate(),
        "max_entries": MAX_BRIEFING_ENTRIES,
        "error": None,
        "query_string": urlencode([("e", key) for key in keys] if keys else params),
    }
    if keys:
        briefing = briefing_of_selection(reader=reader, keys=keys)
        context["briefing"] = briefing
        return context, 200 if briefing.entries else 404
    try:
        query = search_query_from_params(dict(request.GET.lists()), language=get_language())
    except SearchParameterError as error:
        context["error"] = error
        return context, 400
    query, _unrecognised = query_recognised(query)
    context["briefing"] = briefing_of_search(reader=reader, query=query)
    return context, 200


def _with_addresses(request, context: dict) -> dict:
    """Entry links as full addresses: a briefing is printed and sent."""
    briefing = context.get("briefing")
    if briefing:
        for entry in briefing.entries:
            entry.address = request.build_absolute_uri(entry.get_url(request))
    return context


def briefing_page(request):
    context, status = _briefing_context(request)
    return render(
        request, "briefings/briefing.html", _with_addresses(request, context), status=status
    )


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"a briefing's PDF fetches nothing: {url}")


def briefing_pdf(request):
    context, status = _briefing_context(request)
    context = _with_addresses(request, context)
    if status != 200:
        return render(request, "briefings/briefing.html", context, status=status)
    html = render_to_string("briefings/briefing_pdf.html", context, request=request)
    pdf = HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_no_fetch
    ).write_pdf(stylesheets=[CSS(filename=finders.find(name)) for name in PDF_STYLESHEETS])
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = gettext("briefing") + f"-{context['today']:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _key(entry) -> str:
    return f"{entry.organisation.slug}/{entry.slug}"


def compare_page(request):
    reader = reader_for(request.user)
    keys = selection_keys(request.GET.getlist("e"))
    context = {"keys": keys, "min": MIN_COMPARED, "max": MAX_COMPARED, "error": None}
    if not keys:
        return render(request, "briefings/compare.html", context)
    if len(keys) > MAX_COMPARED:
        context["error"] = "too_many"
        return render(request, "briefings/compare.html", context, status=400)
    selection = entries_selected(reader=reader, keys=keys)
    context.update(entries=selection.entries, unknown=selection.unknown)
    if selection.unknown:
        context["error"] = "unknown"
        return render(request, "briefings/compare.html", context, status=404)
    if len(keys) < MIN_COMPARED:
        context["error"] = "too_few"
        return render(request, "briefings/compare.html", context, status=400)
    rows = comparison_rows(reader=reader, entries=selection.entries, language=get_language())
    context.update(
        # Each column can be dropped from the comparison: its address without that entry.
        columns=[
            (entry, urlencode([("e", key) for key in keys if key != _key(entry)]))
            for entry in selection.entries
        ],
        differing=[row for row in rows if not row.agreed],
        agreed=[row for row in rows if row.agreed],
        safety_withheld=safety_withheld(reader=reader, entries=selection.entries),
        selection_query=urlencode([("e", key) for key in keys]),
    )
    return render(request, "briefings/compare.html", context)
