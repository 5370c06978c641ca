"""What a caller asks of the search, validated: the parameters of the public contract
(GET /api/v1/search/ and /search/) turned into a SearchQuery, or a SearchParameterError
that names the parameter."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entries.selectors import MAX_FILTER_VALUES
from search.words import STOP_WORDS, fold
from vocabulary.facets import FACET_NAMES

SORTS = ("relevance", "newest")
# Every parameter a search reads; anything else in a URL is ignored.
PARAMETERS = ("q", "page", "page_size", "sort", "year_from", "year_to", "started", *FACET_NAMES)
# The filters by year, and how a chip or a briefing names each (with the year).
YEAR_FILTERS = {
    "year_from": gettext_lazy("Active from %(year)s"),
    "year_to": gettext_lazy("Active until %(year)s"),
    "started": gettext_lazy("Started in %(year)s"),
}
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_QUERY_LENGTH = 500
# Years an entry can be active in: four digits, and numbers every database stores.
MIN_YEAR, MAX_YEAR = 1000, 9999
# Distinct words of one query looked for: a policymaker's question has a dozen once stop
# words are gone. Each costs the database a few needles in its pass over every entry's text
# and the engine some fifty clauses (three languages, synonyms, typos) of the 1,024 it
# accepts in one query.
MAX_QUERY_WORDS = 16
# Deep pages cost the engine more than they help anyone.
MAX_RESULT_WINDOW = 10_000
# Entries one search may be narrowed to (SearchQuery.page_ids): a terms filter of the engine.
MAX_PAGE_IDS = 1000


def words_kept(words: list[str], known: Collection[str], limit: int = MAX_QUERY_WORDS) -> set[str]:
    """Of distinct folded words, the `limit` that tell entries apart best: stop words last,
    then words that name vocabulary concepts (`known`) first, then the longest (a long
    word is a rare one), then the first typed."""
    if len(words) <= limit:
        return set(words)
    ranked = sorted(
        range(len(words)),
        key=lambda at: (words[at] in STOP_WORDS, words[at] not in known, -len(words[at]), at),
    )
    return {words[at] for at in ranked[:limit]}


def text_bounded(text: str, known: Collection[str], limit: int = MAX_QUERY_WORDS) -> str:
    """The text as typed when it has at most `limit` distinct words, so that phrases and
    synonyms that repeat a word ("face to face") stay whole; else the words kept
    (words_kept), each once, in the order typed."""
    typed: dict[str, str] = {}
    for raw in re.sub(r"[^\w]+", " ", text.casefold()).split():
        typed.setdefault(fold(raw), raw)
    typed.pop("", None)
    if len(typed) <= limit:
        return text
    kept = words_kept(list(typed), known, limit)
    return " ".join(raw for folded, raw in typed.items() if folded in kept)


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
    # Entries that started in this year (the overview's figures by year started link so).
    started: int | None = None
    # Language of facet labels (the interface language), not a filter.
    language: str = "en"
    # Only these entries (page ids), when given: set by code, never read from a URL (the
    # digests of saved searches ask which of the entries changed lately match a search).
    page_ids: tuple[int, ...] | None = None

    def __post_init__(self):
        _check(self)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def selected(self, facet: str) -> tuple[str, ...]:
        return self.filters.get(facet, ())

    def as_params(self) -> list[tuple[str, str]]:
        """The contract's parameters that ask for this search, as read (words cleaned,
        values stripped, defaults left out): what links to it carry, rather than what was
        sent, which may hold control characters or values that were dropped."""
        params = [("q", self.text)] if self.text else []
        params += [(facet, value) for facet, values in self.filters.items() for value in values]
        params += [
            (name, str(value))
            for name, value, default in (
                ("year_from", self.year_from, None),
                ("year_to", self.year_to, None),
                ("started", self.started, None),
                ("sort", self.sort, "relevance"),
                ("page_size", self.page_size, DEFAULT_PAGE_SIZE),
                ("page", self.page, 1),
            )
            if value != default
        ]
        return params


def _check(query: SearchQuery) -> None:
    if len(query.text) > MAX_QUERY_LENGTH:
        raise SearchParameterError(
            "q", _("must be at most %(most)d characters") % {"most": MAX_QUERY_LENGTH}
        )
    if query.page < 1:
        raise SearchParameterError("page", _("must be a positive integer"))
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise SearchParameterError(
            "page_size", _("must be between 1 and %(most)d") % {"most": MAX_PAGE_SIZE}
        )
    if query.page * query.page_size > MAX_RESULT_WINDOW:
        raise SearchParameterError(
            "page",
            _("goes beyond the first %(most)d results; narrow the search")
            % {"most": MAX_RESULT_WINDOW},
        )
    if query.sort not in SORTS:
        raise SearchParameterError(
            "sort", _("must be one of %(values)s") % {"values": ", ".join(SORTS)}
        )
    unknown = set(query.filters) - set(FACET_NAMES)
    if unknown:
        raise SearchParameterError(sorted(unknown)[0], _("is not a facet"))
    given = sum(len(values) for values in query.filters.values())
    if given > MAX_FILTER_VALUES:
        most = max(query.filters, key=lambda facet: len(query.filters[facet]))
        raise SearchParameterError(
            most,
            _("too many filter values: at most %(most)d in one search, not %(given)d")
            % {"most": MAX_FILTER_VALUES, "given": given},
        )
    for name in YEAR_FILTERS:
        year = getattr(query, name)
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            raise SearchParameterError(
                name,
                _("must be a year from %(first)d to %(last)d")
                % {"first": MIN_YEAR, "last": MAX_YEAR},
            )
    if query.year_from and query.year_to and query.year_from > query.year_to:
        raise SearchParameterError("year_from", _("comes after year_to"))
    if query.page_ids is not None and len(query.page_ids) > MAX_PAGE_IDS:
        raise ValueError(f"at most {MAX_PAGE_IDS} page ids in one search")


def clean_text(value: str) -> str:
    """The value without control characters (NUL, which PostgreSQL refuses; others, which
    XML 1.0 and so the Atom feed cannot carry) and lone surrogates: spaces instead."""
    if value.isprintable():
        return value
    return "".join(" " if unicodedata.category(char) in ("Cc", "Cs") else char for char in value)


def _values(params: Mapping[str, list[str]], name: str) -> list[str]:
    return [cleaned for value in params.get(name, []) if (cleaned := clean_text(value)).strip()]


def _integer(params: Mapping[str, list[str]], name: str, default: int | None) -> int | None:
    values = _values(params, name)
    if not values:
        return default
    if len(values) > 1:
        raise SearchParameterError(name, _("may be given once"))
    # Short: Python refuses integers of more than 4,300 digits, and nobody needs 20.
    if len(values[0].strip()) <= 20:
        try:
            return int(values[0])
        except ValueError:
            pass
    shown = values[0] if len(values[0]) <= 20 else f"{values[0][:20]}…"
    raise SearchParameterError(
        name, _("must be an integer, not %(value)s") % {"value": repr(shown)}
    )


def _one(params: Mapping[str, list[str]], name: str, default: str) -> str:
    values = _values(params, name)
    if len(values) > 1:
        raise SearchParameterError(name, _("may be given once"))
    return values[0].strip() if values else default


def search_query_from_params(
    params: Mapping[str, list[str]], *, language: str = "en"
) -> SearchQuery:
    """Read the contract's parameters from a mapping of lists (request.GET.lists(), or a
    dict). A facet may repeat; unknown values of a known facet simply match nothing."""
    page = _integer(params, "page", 1)
    page_size = _integer(params, "page_size", DEFAULT_PAGE_SIZE)
    filters = {}
    for facet in FACET_NAMES:
        values = tuple(dict.fromkeys(value.strip() for value in _values(params, facet)))
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
        started=_integer(params, "started", None),
        language=language,
    )
