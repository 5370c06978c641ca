"""The read API of the public contract (docs/interchange/README.md), under /api/v1/."""

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError

from entries.interchange import dumps, entry_to_interchange
from entries.selectors import FILTER_NAMES, entries_for_export, entry_get

# Until access control lands, the API serves public entries only, whoever asks.
from entries.visibility import ANONYMOUS, redacted
from search.api import SearchParameterError, search_entries, search_query_from_params

api = NinjaAPI(
    title="Online exit work practices",
    version="1",
    description=(
        "Entries in the interchange format. The format is described by "
        "[entry.schema.json](/api/v1/schema/entry.schema.json) and its controlled terms by "
        "[vocabulary.json](/api/v1/vocabulary.json)."
    ),
    docs_url=None,
    urls_namespace="api-v1",
)


@api.get(
    "/entries/{organisation}/{entry_id}/",
    summary="One entry in the interchange form",
    response={200: dict, 404: dict},
)
def entry_detail(request, organisation: str, entry_id: str):
    entry = entry_get(reader=ANONYMOUS, organisation_id=organisation, entry_id=entry_id)
    if entry is None:
        raise HttpError(404, "Not found.")
    return redacted(ANONYMOUS, entry_to_interchange(entry))


@api.get(
    "/entries.jsonl",
    summary="Export: every visible entry as JSON Lines",
    description="Takes the facet parameters of the search API, repeated for several values.",
)
def entry_export(request):
    filters = {name: request.GET.getlist(name) for name in FILTER_NAMES}
    entries = entries_for_export(reader=ANONYMOUS, filters=filters)
    lines = (
        dumps(redacted(ANONYMOUS, entry_to_interchange(entry.specific))) + "\n"
        for entry in entries.iterator()
    )
    return StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")


@api.get(
    "/search/",
    summary="Faceted search",
    description=(
        "Parameters: q, page, page_size (1-100), sort (relevance or newest), year_from, "
        "year_to, and the facets domains, formats, approaches, target_groups, ideologies, "
        "counsellor_profiles, platforms, countries, organisation, kind, language, "
        "assessment, evaluation, status (repeat a facet for several values: OR within a "
        "facet, AND across facets). Facet counts are disjunctive. The answer says which "
        "engine answered: opensearch, elasticsearch, or database."
    ),
    response={200: dict, 400: dict},
)
def search(request):
    try:
        query = search_query_from_params(dict(request.GET.lists()))
    except SearchParameterError as error:
        return JsonResponse({"detail": str(error), "parameter": error.parameter}, status=400)
    return search_entries(reader=ANONYMOUS, query=query).as_contract()


def _contract_file(name: str) -> FileResponse:
    path = settings.INTERCHANGE_DIR / name
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="application/json")


@api.get("/schema/entry.schema.json", summary="The interchange schema (JSON Schema 2020-12)")
def entry_schema(request):
    return _contract_file("entry.schema.json")


@api.get("/vocabulary.json", summary="The controlled vocabulary")
def vocabulary(request):
    return _contract_file("vocabulary.json")
