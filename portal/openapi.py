"""The OpenAPI description of the API under /api/v1/ (portal/api.py), beyond what Ninja
reads from the endpoints' signatures: the bearer scheme, who may call each operation, its
answers, and the parameters of the operations that read the query string themselves.
"""

from django.utils.translation import gettext_noop
from ninja import NinjaAPI

from entries.models import Visibility
from entries.selectors import FILTER_NAMES, MAX_FILTER_VALUES
from search.api import (
    DEFAULT_PAGE_SIZE,
    ENGINE_NAMES,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    MAX_YEAR,
    MIN_YEAR,
    SORTS,
)
from vocabulary.facets import FACET_NAMES, FACETS_BY_NAME

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
                "description": (
                    'An API token: editors and moderators make theirs under "My API '
                    'tokens" in the editing area; staff with `manage.py issue_api_token '
                    "USERNAME`."
                ),
            }
        }
        return schema


def _query_parameter(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _facet_values(name: str) -> str:
    choices = FACETS_BY_NAME[name].choices
    if choices is None:
        return f"Term ids of `{name}` (vocabulary.json)"
    return f"Values of `{name}`: {', '.join(f'`{value}`' for value in choices.values)}"


def _facet_parameters(names) -> list[dict]:
    """A facet parameter repeats for several values (?formats=chat&formats=video)."""
    return [
        {
            **_query_parameter(
                name,
                f"{_facet_values(name)}; several values are OR-ed, "
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


# What a request with a token the portal does not accept is told (translated at answer time).
TOKEN_REFUSED = gettext_noop("The API token is unknown, revoked or malformed.")
UNAUTHORISED = _error_response(TOKEN_REFUSED)
# Reads are open to anonymous callers; a token shows what its user may read.
READ_SECURITY = [{}, {BEARER: []}]
ENTRY_DETAIL_OPENAPI = {
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
}
ENTRY_EXPORT_OPENAPI = {
    "security": READ_SECURITY,
    "parameters": [
        *_facet_parameters(FILTER_NAMES),
    ],
    "responses": {
        200: {
            "description": "One entry of the interchange format per line.",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        },
        400: _error_response("A filter is invalid; `parameter` names it."),
        401: UNAUTHORISED,
    },
}
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
                    "unchanged": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Entries the file gave as the portal already has "
                        "them live: nothing was written for them.",
                    },
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


def entry_import_openapi(max_bytes: int) -> dict:
    """The import operation; its body may be `max_bytes` long."""
    return {
        "security": [{BEARER: []}],
        "requestBody": {
            "required": True,
            "description": f"JSON Lines in the interchange format, at most "
            f"{max_bytes // 2**20} MiB.",
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
    }


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
        "group": {
            "type": "string",
            "description": "The entry's translation group, `<organisation>/<id of the "
            "original>` (of the first version by id the caller may see, when the original "
            "is hidden from them): the versions of one entry in several languages share it "
            "(every version is a result of its own).",
        },
        "visibility": {
            "type": "string",
            "enum": list(Visibility.values),
            "description": "Who may read the entry, as in the interchange format: a "
            "system that receives a result that is not public must not publish it.",
        },
    },
    "required": [
        "organisation",
        "id",
        "kind",
        "language",
        "title",
        "summary",
        "url",
        "group",
        "visibility",
    ],
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
        _query_parameter(
            "started",
            "Entries started in this year.",
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
        503: _error_response(
            "The engine did not answer and the database could not answer in time: "
            "try again after Retry-After seconds."
        ),
    },
}


SEARCH_DESCRIPTION = (
    f"Parameters: q, page, page_size (1-{MAX_PAGE_SIZE}), sort ({' or '.join(SORTS)}), "
    f"year_from, year_to, started, and the facets {', '.join(FACET_NAMES)} (repeat a facet "
    "for several values: OR within a facet, AND across facets). Facet counts are disjunctive. "
    f"The answer says which engine answered: {', '.join(ENGINE_NAMES[:-1])}, or {ENGINE_NAMES[-1]}."
)
