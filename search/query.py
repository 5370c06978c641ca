"""What a caller asks of the search, validated: the parameters of the public contract
(GET /api/v1/search/ and /search/) turned into a SearchQuery, or a SearchParameterError
that names the parameter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from search.documents import FACET_FIELDS

SORTS = ("relevance", "newest")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_QUERY_LENGTH = 500
# Deep pages cost the engine more than they help anyone.
MAX_RESULT_WINDOW = 10_000


class SearchParameterError(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: str = "relevance"
    year_from: int | None = None
    year_to: int | None = None
    # Language of facet labels (the interface language), not a filter.
    language: str = "en"

    def __post_init__(self):
        _check(self)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def selected(self, facet: str) -> tuple[str, ...]:
        return self.filters.get(facet, ())


def _check(query: SearchQuery) -> None:
    if len(query.text) > MAX_QUERY_LENGTH:
        raise SearchParameterError("q", f"must be at most {MAX_QUERY_LENGTH} characters")
    if query.page < 1:
        raise SearchParameterError("page", "must be a positive integer")
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise SearchParameterError("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")
    if query.page * query.page_size > MAX_RESULT_WINDOW:
        raise SearchParameterError(
            "page", f"goes beyond the first {MAX_RESULT_WINDOW} results; narrow the search"
        )
    if query.sort not in SORTS:
        raise SearchParameterError("sort", f"must be one of {', '.join(SORTS)}")
    unknown = set(query.filters) - set(FACET_FIELDS)
    if unknown:
        raise SearchParameterError(sorted(unknown)[0], "is not a facet")
    if query.year_from and query.year_to and query.year_from > query.year_to:
        raise SearchParameterError("year_from", "comes after year_to")


def _integer(params: Mapping[str, list[str]], name: str, default: int | None) -> int | None:
    values = [value for value in params.get(name, []) if value.strip()]
    if not values:
        return default
    if len(values) > 1:
        raise SearchParameterError(name, "may be given once")
    try:
        return int(values[0])
    except ValueError:
        raise SearchParameterError(name, f"must be an integer, not {values[0]!r}") from None


def _one(params: Mapping[str, list[str]], name: str, default: str) -> str:
    values = [value for value in params.get(name, []) if value.strip()]
    if len(values) > 1:
        raise SearchParameterError(name, "may be given once")
    return values[0].strip() if values else default


def search_query_from_params(
    params: Mapping[str, list[str]], *, language: str = "en"
) -> SearchQuery:
    """Read the contract's parameters from a mapping of lists (request.GET.lists(), or a
    dict). A facet may repeat; unknown values of a known facet simply match nothing."""
    page = _integer(params, "page", 1)
    page_size = _integer(params, "page_size", DEFAULT_PAGE_SIZE)
    filters = {}
    for facet in FACET_FIELDS:
        values = tuple(dict.fromkeys(v.strip() for v in params.get(facet, []) if v.strip()))
        if values:
            filters[facet] = values
    text = " ".join(_one(params, "q", "").split())
    return SearchQuery(
        # Punctuation alone is no word to look for, whichever engine answers.
        text=text if any(character.isalnum() for character in text) else "",
        filters=filters,
        page=page,
        page_size=page_size,
        sort=_one(params, "sort", "relevance"),
        year_from=_integer(params, "year_from", None),
        year_to=_integer(params, "year_to", None),
        language=language,
    )
