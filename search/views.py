"""The search page, its Atom feed and the autocomplete endpoint: thin views over search.api."""

from datetime import UTC, date, datetime, time
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from entries.visibility import reader_for
from search.api import (
    PARAMETERS,
    RETRY_BUSY_SECONDS,
    YEAR_FILTERS,
    SearchBusy,
    SearchParameterError,
    autocomplete,
    clean_text,
    query_recognised,
    search_entries,
    search_query_from_params,
)
from vocabulary.facets import FACETS_BY_NAME, SIDEBAR

YEARS_HEADING = _("Years")
# What a search keeps when its filters are cleared: the words, the order, the page size.
NOT_FILTERS = ("q", "sort", "page_size")
# How many of the filters a search did not recognise its notice names.
UNRECOGNISED_SHOWN = 3
# Selected filters shown as chips; the others are unticked under Filters.
CHIPS_SHOWN = 12


def _url(params: list[tuple[str, str]], *, drop=lambda key, value: False) -> str:
    """The search's query string without what `drop` says, and always from page 1."""
    kept = [(key, value) for key, value in params if key != "page" and not drop(key, value)]
    return "?" + urlencode(kept)


def _chips(params, query, results) -> tuple[list[dict], int]:
    """The first CHIPS_SHOWN selected filters, each with the URL of this search without it,
    and how many are selected: each URL carries the whole search, so that chips for every
    value would grow with the square of their number."""
    selected = [
        (value.label, facet.heading, lambda k, v, n=facet.name, t=value.term: (k, v) == (n, t))
        for facet in SIDEBAR
        for value in results.facets.get(facet.name, [])
        if value.selected
    ]
    for name, label in YEAR_FILTERS.items():
        year = getattr(query, name)
        if year:
            selected.append((label % {"year": year}, YEARS_HEADING, lambda k, v, n=name: k == n))
    chips = [
        {"label": label, "heading": heading, "remove_url": _url(params, drop=drop)}
        for label, heading, drop in selected[:CHIPS_SHOWN]
    ]
    return chips, len(selected)


def _unrecognised(pairs: list[tuple[str, str]]) -> dict | None:
    """One notice for the filter values that name nothing, naming a few of them."""
    if not pairs:
        return None
    shown = [
        # Translators: a filter value the search did not recognise, after its facet's heading.
        gettext("%(facet)s “%(value)s”")
        % {
            "facet": FACETS_BY_NAME[name].heading,
            "value": value if len(value) <= 40 else value[:40] + "…",
        }
        for name, value in pairs[:UNRECOGNISED_SHOWN]
    ]
    if len(pairs) > UNRECOGNISED_SHOWN:
        shown.append("…")
    return {"count": len(pairs), "names": ", ".join(shown)}


def search_page(request):
    # Links and forms carry the search's own parameters, nothing else of the URL.
    params = [
        (key, value) for key, values in request.GET.lists() if key in PARAMETERS for value in values
    ]
    context = {"query": None, "results": None, "error": None, "params": params}
    try:
        query = search_query_from_params(dict(request.GET.lists()), language=get_language())
    except SearchParameterError as error:
        # The form of the error page carries the rest of the search, not what was wrong,
        # cleaned as the search reads it (no control characters, no empty values).
        kept = [(key, clean_text(value).strip()) for key, value in params]
        kept = [(key, value) for key, value in kept if value and key != error.parameter]
        context.update(
            error=error,
            params=kept,
            # The box keeps the words, so that correcting the search is not typing it again.
            text=next((value for key, value in kept if key == "q"), ""),
            retry_url=reverse("search") + _url(kept),
        )
        return render(request, "search/search.html", context, status=400)
    # A value that names nothing would empty the page: it is left out, and said so once.
    query, unrecognised = query_recognised(query)
    # The search as read, not as sent: every link of the page carries it, and a padded q
    # or a value of control characters would be copied into each.
    params = query.as_params()
    try:
        results = search_entries(reader=reader_for(request.user), query=query, grouped=True)
    except SearchBusy:
        # The form keeps the words and the filters: trying again is one click.
        context.update(query=query, params=params, busy=True)
        response = render(request, "search/search.html", context, status=503)
        response["Retry-After"] = str(RETRY_BUSY_SECONDS)
        return response
    facets = [
        {
            "name": facet.name,
            "heading": facet.heading,
            "values": results.facets.get(facet.name, []),
            "open": bool(query.selected(facet.name)) or facet.open,
        }
        for facet in SIDEBAR
        if results.facets.get(facet.name)
    ]
    page_url = _url(params)
    chips, selected_count = _chips(params, query, results)
    context.update(
        params=params,
        unrecognised=_unrecognised(unrecognised),
        query=query,
        results=results,
        facets=facets,
        chips=chips,
        selected_count=selected_count,
        chips_hidden=selected_count - len(chips),
        clear_url=_url(params, drop=lambda key, value: key not in NOT_FILTERS),
        page_url=page_url + ("&" if page_url != "?" else ""),
        feed_url=reverse("search_feed") + page_url,
        api_url="/api/v1/search/?" + urlencode(params),
        # The words that would find something, with the same filters.
        did_you_mean_url=_url(
            [("q", results.did_you_mean), *((k, v) for k, v in params if k != "q")]
        )
        if results.did_you_mean
        else "",
        past_the_end=results.count > 0 and query.page > results.page_count,
    )
    return render(request, "search/search.html", context)


def _heading(facet: str) -> str:
    """A completion's facet heading; none for an entry title."""
    return str(FACETS_BY_NAME[facet].heading) if facet in FACETS_BY_NAME else ""


def _hint(completion) -> str:
    """What the box says beside a suggestion: an entry's title, or a filter of a facet."""
    if completion.kind == "entry":
        return gettext("entry")
    return gettext("filter: %(facet)s") % {"facet": _heading(completion.facet)}


def _busy_text() -> str:
    return gettext("The search is busy. Please try again in a minute.")


def search_autocomplete(request):
    try:
        completions = autocomplete(
            reader=reader_for(request.user),
            prefix=request.GET.get("q", ""),
            language=get_language(),
        )
    except SearchBusy:
        # search.js shows no suggestions on an error; the search itself may still answer.
        return JsonResponse(
            {"detail": _busy_text()}, status=503, headers={"Retry-After": str(RETRY_BUSY_SECONDS)}
        )
    count = len(completions)
    return JsonResponse(
        {
            "suggestions": [
                {
                    **completion.__dict__,
                    "facet_label": _heading(completion.facet),
                    "hint": _hint(completion),
                }
                for completion in completions
            ],
            # Read out by screen readers when the list opens.
            "status": ngettext(
                "%(count)d suggestion, arrow keys to choose",
                "%(count)d suggestions, arrow keys to choose",
                count,
            )
            % {"count": count},
        },
        headers={"Cache-Control": "private, max-age=60"},
    )


def _published_at(hit) -> datetime:
    """A hit's publication day as the time Atom wants (every entry must say when it last
    changed); the day's start, in UTC."""
    day = date.fromisoformat(hit.published) if hit.published else timezone.now().date()
    return datetime.combine(day, time.min, tzinfo=UTC)


def _feed_query(request):
    params = dict(request.GET.lists())
    params["sort"] = ["newest"]
    params.pop("page", None)
    return search_query_from_params(params, language=get_language())


class SearchFeed(Feed):
    """The newest entries matching any search URL, as Atom."""

    feed_type = Atom1Feed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        # A feed reader shows no error page: a bad parameter is a plain 400 that names it,
        # never a feed of something else than what was asked.
        try:
            _feed_query(request)
        except SearchParameterError as error:
            return HttpResponseBadRequest(
                gettext("Invalid search parameter %(parameter)s: %(message)s")
                % {"parameter": error.parameter, "message": error.message},
                content_type="text/plain; charset=utf-8",
            )
        try:
            return super().__call__(request, *args, **kwargs)
        except SearchBusy:
            # Feed readers honour Retry-After and keep the entries they already have.
            return HttpResponse(
                _busy_text(),
                status=503,
                content_type="text/plain; charset=utf-8",
                headers={"Retry-After": str(RETRY_BUSY_SECONDS)},
            )

    def get_object(self, request):
        query = _feed_query(request)
        self.request = request
        results = search_entries(reader=reader_for(request.user), query=query, grouped=True)
        return results, query

    def title(self, obj):
        results, query = obj
        return gettext("Online exit work practices: %(search)s") % {
            "search": query.text or gettext("newest entries")
        }

    def link(self, obj):
        _results, query = obj
        return reverse("search") + _url(query.as_params())

    def feed_url(self, obj):
        # rel="self": this feed's own address, its search included.
        _results, query = obj
        return reverse("search_feed") + _url(query.as_params())

    def subtitle(self, obj):
        return gettext("Practices and lessons learned shared by member organisations.")

    def items(self, obj):
        return obj[0].results

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_author_name(self, item):
        return item.organisation_name or item.organisation

    def item_guid(self, item):
        # Atom ids are IRIs: the entry's address, which stays as long as the entry does.
        return self.request.build_absolute_uri(item.url)

    def item_updateddate(self, item):
        return _published_at(item)

    def item_pubdate(self, item):
        return _published_at(item)
