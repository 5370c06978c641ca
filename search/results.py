"""What a search answers: plain dataclasses, the same whichever engine answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import get_language

from entries.models import Visibility


def url_in_reader_language(url: str) -> str:
    """An entry's address as the index keeps it, without a language (one document serves
    every reader), under the prefix of the language the reader is served in."""
    if not url:
        return url
    parts = urlsplit(url)
    language = get_language() or settings.LANGUAGE_CODE
    return urlunsplit(parts._replace(path=f"/{language}{parts.path}"))


@dataclass(frozen=True)
class FacetValue:
    term: str
    label: str
    count: int
    selected: bool

    def as_contract(self) -> dict:
        # Written out: dataclasses.asdict deep-copies, and a search lists hundreds of these.
        return {
            "term": self.term,
            "label": self.label,
            "count": self.count,
            "selected": self.selected,
        }


@dataclass(frozen=True)
class FacetCounts:
    """How many entries match a search, and the counts of every facet: a search without
    its hits (the policymakers' overview). Each translation group counts once."""

    count: int
    facets: dict[str, list[FacetValue]]
    engine: str  # as SearchResults.engine
    engine_down: bool = False  # as SearchResults.engine_down


@dataclass(frozen=True)
class CrossCounts:
    """How many entries hold each value of one field (rows) and each of another (columns),
    each translation group once; the values' labels, in the interface language."""

    cells: dict[str, dict[str, int]]
    row_labels: dict[str, str]
    column_labels: dict[str, str]


@dataclass(frozen=True)
class Figures:
    """What the overview shows, asked at once: the facet counts of a search, its cross
    counts, and the first hits of a second search on the same words and years."""

    counts: FacetCounts
    crossed: dict[tuple[str, str], CrossCounts]
    hits: list[SearchHit]


@dataclass(frozen=True)
class EntryVersion:
    """Another version of a hit's translation group that the reader may see."""

    language: str
    title: str
    url: str


@dataclass(frozen=True)
class SearchHit:
    organisation: str
    id: str
    kind: str
    language: str
    title: str
    summary: str
    url: str
    organisation_name: str = ""
    assessment: str = ""
    published: str | None = None
    highlight: dict[str, list[str]] = field(default_factory=dict)
    score: float | None = None
    # The translation group ("<organisation>/<id of the original>").
    group: str = ""
    # Who may read the entry: a result card says so when not everyone may, so that a member
    # does not pass on what is not public.
    visibility: str = Visibility.PUBLIC
    # In a search that shows each group once: its other versions the reader may see.
    other_versions: tuple[EntryVersion, ...] = ()

    def as_contract(self) -> dict:
        return {
            "organisation": self.organisation,
            "id": self.id,
            "kind": self.kind,
            "language": self.language,
            "title": self.title,
            "summary": self.summary,
            "url": self.url,
            "highlight": self.highlight,
            "group": self.group,
            "visibility": self.visibility,
        }


@dataclass(frozen=True)
class SearchResults:
    count: int
    page: int
    page_size: int
    results: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    engine: str  # "opensearch" | "elasticsearch" | "database"
    did_you_mean: str | None = None
    # An engine is configured and did not answer: the database answered in its stead, less
    # precisely, which pages say. Not so when no engine is configured (search/api.py).
    engine_down: bool = False

    @property
    def page_count(self) -> int:
        return max(1, -(-self.count // self.page_size))

    def as_contract(self) -> dict:
        """The JSON of GET /api/v1/search/ (docs/interchange/README.md)."""
        data = {
            "count": self.count,
            "page": self.page,
            "page_size": self.page_size,
            "results": [hit.as_contract() for hit in self.results],
            "facets": {
                name: [value.as_contract() for value in values]
                for name, values in self.facets.items()
            },
            "engine": self.engine,
        }
        if self.did_you_mean:
            data["did_you_mean"] = self.did_you_mean
        return data


@dataclass(frozen=True)
class Completion:
    """An autocomplete suggestion: an entry title (with its url) or a vocabulary term."""

    text: str
    kind: str  # "entry" | "term"
    url: str = ""
    facet: str = ""
    term: str = ""
