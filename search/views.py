"""The search page, its Atom feed and the autocomplete endpoint: thin views over search.api."""

from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.feedgenerator import Atom1Feed

from entries.visibility import reader_for
from search.api import SearchParameterError, autocomplete, search_entries, search_query_from_params
from vocabulary.models import Facet

FACET_HEADINGS = {
    **{facet.value: facet.label for facet in Facet},
    "organisation": "Organisation",
    "kind": "Kind",
    "language": "Language",
    "assessment": "Assessment",
    "evaluation": "Evaluation",
    "status": "Status",
}
# The sidebar's order: what practitioners narrow by first.
FACET_ORDER = [
    "kind",
    "formats",
    "domains",
    "approaches",
    "target_groups",
    "counsellor_profiles",
    "ideologies",
    "platforms",
    "assessment",
    "evaluation",
    "status",
    "countries",
    "language",
    "organisation",
]


def _url_without(params: list[tuple[str, str]], drop: tuple[str, str] | None) -> str:
    kept = [(key, value) for key, value in params if (key, value) != drop and key != "page"]
    return "?" + urlencode(kept)


def search_page(request):
    params = [(key, value) for key, values in request.GET.lists() for value in values]
    context = {"query": None, "results": None, "error": None, "params": params}
    try:
        query = search_query_from_params(dict(request.GET.lists()))
    except SearchParameterError as error:
        context["error"] = error
        return render(request, "search/search.html", context, status=400)
    results = search_entries(reader=reader_for(request.user), query=query)
    facets = [
        {
            "name": name,
            "heading": FACET_HEADINGS[name],
            "values": results.facets.get(name, []),
            "open": bool(query.selected(name)) or name in ("kind", "formats", "domains"),
        }
        for name in FACET_ORDER
        if results.facets.get(name)
    ]
    chips = [
        {
            "label": value.label,
            "heading": FACET_HEADINGS[name],
            "remove_url": _url_without(params, (name, value.term)),
        }
        for name in FACET_ORDER
        for value in results.facets.get(name, [])
        if value.selected
    ]
    page_url = _url_without(params, None)
    context.update(
        query=query,
        results=results,
        facets=facets,
        chips=chips,
        clear_url="?" + urlencode({"q": query.text}) if query.text else "?",
        page_url=page_url + ("&" if page_url != "?" else ""),
        feed_url="/search/feed/" + _url_without(params, None),
    )
    return render(request, "search/search.html", context)


def search_autocomplete(request):
    completions = autocomplete(reader=reader_for(request.user), prefix=request.GET.get("q", ""))
    return JsonResponse(
        {"suggestions": [completion.__dict__ for completion in completions]},
        headers={"Cache-Control": "private, max-age=60"},
    )


def _feed_query(request):
    params = dict(request.GET.lists())
    params["sort"] = ["newest"]
    params.pop("page", None)
    return search_query_from_params(params)


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
                f"Invalid search parameter {error.parameter}: {error.message}",
                content_type="text/plain; charset=utf-8",
            )
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        query = _feed_query(request)
        self.request = request
        return search_entries(reader=reader_for(request.user), query=query), query

    def title(self, obj):
        results, query = obj
        return f"Online exit work practices: {query.text or 'newest entries'}"

    def link(self, obj):
        return "/search/?" + self.request.GET.urlencode()

    def subtitle(self, obj):
        return "Practices and lessons learned shared by member organisations."

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
        return f"{item.organisation}/{item.id}"
