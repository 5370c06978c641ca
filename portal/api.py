"""The API of the public contract (docs/interchange/README.md), under /api/v1/.

A request reads with the rights of the user its `Authorization: Bearer` token belongs to,
or of the signed-in session, or as an anonymous visitor; never more.
"""

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, JsonResponse, StreamingHttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError

from accounts.selectors import user_for_bearer
from entries.imports import entries_import
from entries.interchange import dumps, entry_to_interchange
from entries.lines import InterchangeFileError, read_lines
from entries.selectors import (
    FILTER_NAMES,
    MAX_FILTER_VALUES,
    FilterError,
    entries_for_export,
    entry_get,
    filters_from_params,
)
from entries.visibility import Reader, reader_for, redacted
from organisations.selectors import organisations_writable_by
from search.api import (
    DEFAULT_PAGE_SIZE,
    ENGINE_NAMES,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    MAX_YEAR,
    MIN_YEAR,
    SORTS,
    SearchParameterError,
    search_entries,
    search_query_from_params,
)
from vocabulary.facets import FACET_NAMES

BEARER = "bearerToken"


class PortalAPI(NinjaAPI):
    """Declares the bearer scheme, which the portal checks itself (a token is optional on
    reads, where it widens what the caller sees) rather than through Ninja's auth."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"]["securitySchemes"] = {
            BEARER: {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token (`manage.py issue_api_token USERNAME`).",
            }
        }
        return schema


api = PortalAPI(
    title="Online exit work practices",
    version="1",
    description=(
        "Entries in the interchange format. The format is described by "
        "[entry.schema.json](/api/v1/schema/entry.schema.json) and its controlled terms by "
        "[vocabulary.json](/api/v1/vocabulary.json). Members' systems authenticate with "
        "`Authorization: Bearer <token>` (`manage.py issue_api_token USERNAME`); a token "
        "carries its user's rights."
    ),
    docs_url=None,
    urls_namespace="api-v1",
)

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _caller(request: HttpRequest):
    """The user a request speaks for: its bearer token's, else its session's. A token that
    is wrong or revoked is an error, not a quiet fall back to anonymous."""
    if request.headers.get("Authorization"):
        user = user_for_bearer(request)
        if user is None:
            raise HttpError(401, "The API token is unknown, revoked or malformed.")
        return user
    return request.user


def _query_parameter(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _facet_parameters(names) -> list[dict]:
    """A facet parameter repeats for several values (?formats=chat&formats=video)."""
    return [
        {
            **_query_parameter(
                name,
                f"Term ids of `{name}` (vocabulary.json); several values are OR-ed, "
                f"different facets AND-ed; at most {MAX_FILTER_VALUES} values in all.",
                {"type": "array", "items": {"type": "string"}, "maxItems": MAX_FILTER_VALUES},
            ),
            "style": "form",
            "explode": True,
        }
        for name in names
    ]


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"detail": {"type": "string"}, "parameter": {"type": "string"}},
                    "required": ["detail"],
                }
            }
        },
    }


UNAUTHORISED = _error_response("The bearer token is unknown, revoked or malformed.")
# Reads are open to anonymous callers; a token shows what its user may read.
READ_SECURITY = [{}, {BEARER: []}]
_FACET_VALUE = {
    "type": "object",
    "properties": {
        "term": {"type": "string"},
        "label": {"type": "string"},
        "count": {"type": "integer", "minimum": 0},
        "selected": {"type": "boolean"},
    },
    "required": ["term", "label", "count", "selected"],
}
_HIT = {
    "type": "object",
    "properties": {
        **{
            name: {"type": "string"}
            for name in ("organisation", "id", "kind", "language", "title", "summary", "url")
        },
        "highlight": {
            "type": "object",
            "description": "Fragments of the matching fields, the matches in <mark>.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["organisation", "id", "kind", "language", "title", "summary", "url"],
}
SEARCH_OPENAPI = {
    "security": READ_SECURITY,
    "parameters": [
        _query_parameter(
            "q", "The words to search for.", {"type": "string", "maxLength": MAX_QUERY_LENGTH}
        ),
        _query_parameter(
            "page",
            f"Page number; `page` × `page_size` may not pass {MAX_RESULT_WINDOW} (narrow the "
            "search to go further).",
            {"type": "integer", "minimum": 1, "maximum": MAX_RESULT_WINDOW, "default": 1},
        ),
        _query_parameter(
            "page_size",
            "Results per page.",
            {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PAGE_SIZE,
                "default": DEFAULT_PAGE_SIZE,
            },
        ),
        _query_parameter(
            "sort",
            "Order of the results.",
            {"type": "string", "enum": list(SORTS), "default": SORTS[0]},
        ),
        _query_parameter(
            "year_from",
            "Entries active in this year or later.",
            {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
        ),
        _query_parameter(
            "year_to",
            "Entries started in this year or earlier.",
            {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
        ),
        *_facet_parameters(FACET_NAMES),
    ],
    "responses": {
        200: {
            "description": "One page of results and the counts of every facet.",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "count": {"type": "integer", "minimum": 0},
                            "page": {"type": "integer", "minimum": 1},
                            "page_size": {"type": "integer", "minimum": 1},
                            "results": {"type": "array", "items": _HIT},
                            "facets": {
                                "type": "object",
                                "properties": {
                                    name: {"type": "array", "items": _FACET_VALUE}
                                    for name in FACET_NAMES
                                },
                            },
                            "engine": {
                                "type": "string",
                                "enum": list(ENGINE_NAMES),
                            },
                            "did_you_mean": {
                                "type": "string",
                                "description": "Only when nothing matched and other words would.",
                            },
                        },
                        "required": ["count", "page", "page_size", "results", "facets", "engine"],
                    }
                }
            },
        },
        400: _error_response("A parameter is invalid; `parameter` names it."),
        401: UNAUTHORISED,
    },
}


SEARCH_DESCRIPTION = (
    f"Parameters: q, page, page_size (1-{MAX_PAGE_SIZE}), sort ({' or '.join(SORTS)}), "
    f"year_from, year_to, and the facets {', '.join(FACET_NAMES)} (repeat a facet for several "
    "values: OR within a facet, AND across facets). Facet counts are disjunctive. The answer "
    f"says which engine answered: {', '.join(ENGINE_NAMES[:-1])}, or {ENGINE_NAMES[-1]}."
)


def _reader(request: HttpRequest) -> Reader:
    return reader_for(_caller(request))


@api.get(
    "/entries/{organisation}/{entry_id}/",
    summary="One entry in the interchange form",
    description="404 when the entry does not exist or the caller may not see it, alike.",
    openapi_extra={
        "security": READ_SECURITY,
        "responses": {
            200: {
                "description": "The entry in the interchange form (entry.schema.json), "
                "without the fields the caller may not read.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            401: UNAUTHORISED,
            404: _error_response("No such entry, or not one the caller may read."),
        },
    },
)
def entry_detail(request, organisation: str, entry_id: str):
    reader = _reader(request)
    entry = entry_get(reader=reader, organisation_id=organisation, entry_id=entry_id)
    if entry is None:
        raise HttpError(404, "Not found.")
    return redacted(reader, entry_to_interchange(entry))


@api.get(
    "/entries.jsonl",
    summary="Export: every entry the caller may see, as JSON Lines",
    description="Takes the facet parameters of the search API, repeated for several values.",
    openapi_extra={
        "security": READ_SECURITY,
        "parameters": [
            *_facet_parameters(name for name in FILTER_NAMES if name != "peer_reviewed"),
            _query_parameter(
                "peer_reviewed",
                "`yes`: only entries that another organisation has peer-reviewed; "
                "any other value: only those that none has.",
                {"type": "string"},
            ),
        ],
        "responses": {
            200: {
                "description": "One entry of the interchange format per line.",
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            },
            400: _error_response("A filter is invalid; `parameter` names it."),
            401: UNAUTHORISED,
        },
    },
)
def entry_export(request):
    reader = _reader(request)
    try:
        filters = filters_from_params(request.GET)
    except FilterError as error:
        return JsonResponse({"detail": str(error), "parameter": error.parameter}, status=400)
    entries = entries_for_export(reader=reader, filters=filters)
    lines = (
        dumps(redacted(reader, entry_to_interchange(entry.specific))) + "\n"
        for entry in entries.iterator()
    )
    return StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")


LINE_MESSAGES = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"line": {"type": "integer"}, "message": {"type": "string"}},
        "required": ["line", "message"],
    },
}
IMPORT_REPORT = {
    "description": "What was imported: the entries created, updated and sent for "
    "review, every rejected line and every notice.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "written": {"type": "boolean"},
                    "created": {"type": "array", "items": {"type": "string"}},
                    "updated": {"type": "array", "items": {"type": "string"}},
                    "awaiting_approval": {"type": "array", "items": {"type": "string"}},
                    "errors": LINE_MESSAGES,
                    "notices": {
                        **LINE_MESSAGES,
                        "description": "What was taken differently from the line: "
                        "organisation details the caller may not change, partners kept as "
                        "names.",
                    },
                    "detail": {"type": "string"},
                },
            }
        }
    },
}


@api.post(
    "/entries.jsonl",
    summary="Import entries of your organisation (JSON Lines)",
    description=(
        "The body is a JSON Lines file in the interchange format. Only entries of "
        "organisations in which the token's user is editor or moderator are accepted; a "
        "line of another organisation is rejected with its number. With any rejected line "
        "nothing is written, unless `partial=true`; `dry_run=true` checks and writes "
        "nothing. A moderator's entries are published; an editor's are saved as drafts and "
        "submitted to the organisation's moderators."
    ),
    openapi_extra={
        "security": [{BEARER: []}],
        "requestBody": {
            "required": True,
            "description": f"JSON Lines in the interchange format, at most "
            f"{MAX_IMPORT_BYTES // 2**20} MiB.",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        },
        "responses": {
            200: IMPORT_REPORT,
            400: {
                **IMPORT_REPORT,
                "description": "Nothing was written: every rejected "
                "line is named by number in `errors` (or `detail` says why).",
            },
            401: UNAUTHORISED,
            403: _error_response("The token's user edits no organisation."),
            413: _error_response("The body is larger than the limit."),
            422: {
                "description": "`dry_run` or `partial` is not a boolean.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
        },
    },
)
def entry_import(request, dry_run: bool = False, partial: bool = False):
    if not request.headers.get("Authorization"):
        raise HttpError(401, "Importing needs an API token: Authorization: Bearer <token>.")
    user = _caller(request)
    writable = organisations_writable_by(user=user)
    if not writable:
        raise HttpError(403, "The token's user is not an editor or moderator of any organisation.")
    # Read as a stream, line by line: request.body would stop at Django's 2.5 MB limit on
    # bodies held in memory, and read a too large body whole before refusing it.
    try:
        lines = read_lines(request, max_bytes=MAX_IMPORT_BYTES)
    except InterchangeFileError as error:
        if error.too_large:
            message = f"The file is larger than {MAX_IMPORT_BYTES // 2**20} MiB."
            raise HttpError(413, message) from error
        raise HttpError(400, f"The body's {error}.") from error
    report = entries_import(
        lines,
        partial=partial,
        dry_run=dry_run,
        allowed_organisations=set(writable),
        publish_organisations={slug for slug, role in writable.items() if role == "moderator"},
        user=user,
    )
    body = {
        "written": report.written,
        "created": report.created,
        "updated": report.updated,
        "awaiting_approval": report.awaiting_approval,
        "notices": [{"line": notice.line, "message": notice.message} for notice in report.notices],
        "errors": [{"line": error.line, "message": error.message} for error in report.errors],
    }
    return JsonResponse(body, status=400 if report.errors and not report.written else 200)


@api.get(
    "/search/",
    summary="Faceted search",
    description=SEARCH_DESCRIPTION,
    openapi_extra=SEARCH_OPENAPI,
)
def search(request):
    reader = _reader(request)
    try:
        query = search_query_from_params(dict(request.GET.lists()))
    except SearchParameterError as error:
        return JsonResponse({"detail": str(error), "parameter": error.parameter}, status=400)
    return search_entries(reader=reader, query=query).as_contract()


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
