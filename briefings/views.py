"""Briefings (HTML to read and print, PDF to send), the side-by-side comparison, and the
forms that change the reader's comparison selection: thin views over briefings.selectors
and briefings.services."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST
from weasyprint import CSS, HTML

from briefings.selectors import (
    MAX_BRIEFING_ENTRIES,
    MAX_COMPARED,
    MIN_COMPARED,
    briefing_of_search,
    briefing_of_selection,
    comparison_rows,
    entries_selected,
    entry_key,
    safety_withheld,
    selection_keys,
    selection_shown,
)
from briefings.services import (
    SelectionError,
    selection_add,
    selection_clear,
    selection_remove,
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
    if not keys and not params:
        # An address naming nothing briefs on the reader's selection, as the comparison
        # does; without one, on every entry (the unfiltered search).
        shown = selection_shown(reader=reader, session=request.session)
        keys = [entry_key(entry) for entry in shown.entries]
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


def compare_page(request):
    reader = reader_for(request.user)
    keys = selection_keys(request.GET.getlist("e"))
    # Without entries in its address, the page compares the reader's selection (the one
    # "Add to comparison" fills); with them, it is a link someone shared.
    of_selection = not keys
    if of_selection:
        shown = selection_shown(reader=reader, session=request.session)
        keys = [entry_key(entry) for entry in shown.entries]
    context = {
        "keys": keys,
        # A shared address of another shape (?entries=...) is said to name nothing, rather
        # than shown as an empty comparison without a word.
        "ignored": sorted({name[:40] for name in request.GET if name != "e"})[:5],
        "min": MIN_COMPARED,
        "max": MAX_COMPARED,
        "error": None,
        "of_selection": of_selection,
    }
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
        # One entry kept so far is a step on the way, not a bad address.
        return render(
            request, "briefings/compare.html", context, status=200 if of_selection else 400
        )
    rows = comparison_rows(reader=reader, entries=selection.entries, language=get_language())
    context.update(
        # Each column can be dropped: from the selection, or from the shared address.
        columns=[
            (entry, urlencode([("e", key) for key in keys if key != entry_key(entry)]))
            for entry in selection.entries
        ],
        differing=[row for row in rows if not row.agreed],
        agreed=[row for row in rows if row.agreed],
        safety_withheld=safety_withheld(reader=reader, entries=selection.entries),
        selection_query=urlencode([("e", key) for key in keys]),
    )
    return render(request, "briefings/compare.html", context)


def _next_url(request) -> str:
    """Where a change of the selection returns: the page it was made on, if it is one of
    this site's, else the comparison."""
    url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("compare")


def _card(request) -> str:
    """The entry key of the card whose button was pressed, if the change came from one."""
    return request.POST.get("e", "") if request.POST.get("to_card") else ""


def _changed(request, change, card: str = "") -> HttpResponseRedirect:
    """Make a change of the selection and go back; from a card's button (the page's
    comparison form says `to_card`), to that card unless the address names its own place.
    An error is said at the top of the page, so the return skips the card (the fragment)."""
    next_url = _next_url(request)
    try:
        message = change()
    except SelectionError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(next_url.partition("#")[0])
    messages.success(request, message)
    if card and "#" not in next_url and next_url != reverse("compare"):
        next_url = f"{next_url}#compare-{card}"
    return HttpResponseRedirect(next_url)


@require_POST
def selection_add_view(request):
    def add() -> str:
        entry = selection_add(
            session=request.session,
            reader=reader_for(request.user),
            key=request.POST.get("e", ""),
        )
        return gettext("Added to the comparison: “%(title)s”.") % {"title": entry.title}

    return _changed(request, add, card=_card(request))


@require_POST
def selection_remove_view(request):
    def remove() -> str:
        selection_remove(session=request.session, key=request.POST.get("e", ""))
        return gettext("Removed from the comparison.")

    return _changed(request, remove, card=_card(request))


@require_POST
def selection_clear_view(request):
    def clear() -> str:
        selection_clear(session=request.session)
        return gettext("The comparison is empty again.")

    return _changed(request, clear)
