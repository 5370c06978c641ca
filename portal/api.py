"""The API of the public contract (docs/interchange/README.md), under /api/v1/.

A request reads with the rights of the user its `Authorization: Bearer` token belongs to,
or of the signed-in session, or as an anonymous visitor; never more.
"""

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from accounts.selectors import user_for_bearer
from entries.imports import entries_import
from entries.interchange import dumps
from entries.lines import InterchangeFileError, read_lines
from entries.selectors import (
    FilterError,
    entries_for_export,
    entries_interchange,
    entry_get,
    filters_from_params,
)
from entries.visibility import Reader, reader_for
from organisations.selectors import organisations_writable_by
from portal.openapi import (
    ENTRY_DETAIL_OPENAPI,
    ENTRY_EXPORT_OPENAPI,
    SEARCH_DESCRIPTION,
    SEARCH_OPENAPI,
    TOKEN_REFUSED,
    PortalAPI,
    entry_import_openapi,
)
from search.api import (
    RETRY_BUSY_SECONDS,
    SearchBusy,
    SearchParameterError,
    search_entries,
    search_query_from_params,
)

api = PortalAPI(
    title="Online exit work practices",
    version="1",
    description=(
        "Entries in the interchange format. The format is described by "
        "[entry.schema.json](/api/v1/schema/entry.schema.json) and its controlled terms by "
        "[vocabulary.json](/api/v1/vocabulary.json). Member organisations' systems "
        "authenticate with `Authorization: Bearer <token>`: editors and moderators make "
        'tokens under "My API tokens" in the editing area, staff with `manage.py '
        "issue_api_token USERNAME`. A token carries its user's rights."
    ),
    docs_url=None,
    urls_namespace="api-v1",
)


@api.exception_handler(HttpError)
def _http_error(request, error: HttpError):
    """Ninja's answer to an HttpError ({"detail": ...}); a 401 also names the scheme that
    would be accepted, as HTTP asks (WWW-Authenticate)."""
    response = api.create_response(request, {"detail": str(error)}, status=error.status_code)
    if error.status_code == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _caller(request: HttpRequest):
    """The user a request speaks for: its bearer token's, else its session's. A token that
    is wrong or revoked is an error, not a quiet fall back to anonymous."""
    if request.headers.get("Authorization"):
        user = user_for_bearer(request)
        if user is None:
            raise HttpError(401, _(TOKEN_REFUSED))
        return user
    return request.user


def _reader(request: HttpRequest) -> Reader:
    return reader_for(_caller(request))


@api.get(
    "/entries/{organisation}/{entry_id}/",
    summary="One entry in the interchange form",
    description="404 when the entry does not exist or the caller may not see it, alike.",
    openapi_extra=ENTRY_DETAIL_OPENAPI,
)
def entry_detail(request, organisation: str, entry_id: str):
    reader = _reader(request)
    entry = entry_get(reader=reader, organisation_id=organisation, entry_id=entry_id)
    if entry is None:
        raise HttpError(404, _("Not found."))
    return next(entries_interchange(reader=reader, entries=[entry]))


@api.get(
    "/entries.jsonl",
    summary="Export: every entry the caller may see, as JSON Lines",
    description="Takes the facet parameters of the search API, repeated for several values.",
    openapi_extra=ENTRY_EXPORT_OPENAPI,
)
def entry_export(request):
    reader = _reader(request)
    try:
        filters = filters_from_params(request.GET)
    except FilterError as error:
        return JsonResponse({"detail": str(error), "parameter": error.parameter}, status=400)
    entries = entries_for_export(reader=reader, filters=filters)
    lines = (
        dumps(data) + "\n"
        for data in entries_interchange(reader=reader, entries=entries.iterator())
    )
    return StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")


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
    openapi_extra=entry_import_openapi(MAX_IMPORT_BYTES),
)
def entry_import(request, dry_run: bool = False, partial: bool = False):
    if not request.headers.get("Authorization"):
        raise HttpError(401, _("Importing needs an API token: Authorization: Bearer <token>."))
    user = _caller(request)
    writable = organisations_writable_by(user=user)
    if not writable:
        raise HttpError(
            403, _("The token's user is not an editor or moderator of any organisation.")
        )
    # Read as a stream, line by line: request.body would stop at Django's 2.5 MB limit on
    # bodies held in memory, and read a too large body whole before refusing it.
    try:
        lines = read_lines(request, max_bytes=MAX_IMPORT_BYTES)
    except InterchangeFileError as error:
        if error.too_large:
            message = _("The file is larger than %(most)d MiB.") % {
                "most": MAX_IMPORT_BYTES // 2**20
            }
            raise HttpError(413, message) from error
        raise HttpError(400, _("The body's %(error)s.") % {"error": error}) from error
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
        "unchanged": report.unchanged,
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
    try:
        return search_entries(reader=reader, query=query).as_contract()
    except SearchBusy:
        return JsonResponse(
            {"detail": _("The search is busy. Please try again in a minute.")},
            status=503,
            headers={"Retry-After": str(RETRY_BUSY_SECONDS)},
        )


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
