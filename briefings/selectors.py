"""Reads of briefings and comparisons: the entries a reader picked (or a search found), and
what a briefing or a comparison shows of them. Entries come through entries.selectors (the
visibility rule), search results and their counts through search.api."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from entries.models import EntryPage, Visibility
from entries.selectors import ID_RE, entries_visible
from entries.visibility import Reader, withheld_fields
from search.api import YEAR_FILTERS, SearchQuery, search_entries
from vocabulary.facets import FACETS, FACETS_BY_NAME, TERM_FACETS, Assessment
from vocabulary.selectors import country_name

# A briefing is read, printed and sent: beyond this it is a report, not a briefing.
MAX_BRIEFING_ENTRIES = 50
MIN_COMPARED, MAX_COMPARED = 2, 4
# Term facets a briefing counts, besides the assessment.
BRIEFING_FIGURES = ("formats",)
# The rows of a comparison after the entry's own values: vocabulary facets, and whether
# clients choose their counsellor, in the order they are compared.
COMPARED_TERMS = (
    "formats",
    "approaches",
    "target_groups",
    "counsellor_profiles",
    "counsellor_choice",
    "platforms",
    "ideologies",
)
_TERM_FACETS = {facet.name: facet for facet in TERM_FACETS}
_PREFETCHED = ("metrics", "recommendations", *(facet.name for facet in TERM_FACETS))


def selection_keys(values: list[str]) -> list[str]:
    """The `e` values of a URL ("<organisation>/<id>"), each once, in the order given."""
    return list(dict.fromkeys(value.strip() for value in values if value.strip()))


@dataclass(frozen=True)
class Selection:
    entries: list[EntryPage]
    # Keys naming no entry the reader may see: missing and hidden entries alike, so that
    # a reader cannot tell one from the other.
    unknown: list[str]


def entry_key(entry: EntryPage) -> str:
    """An entry's name in a selection and in a URL's `e`: "<organisation>/<id>"."""
    return f"{entry.organisation.slug}/{entry.slug}"


def key_valid(key: str) -> bool:
    organisation_id, _slash, entry_id = key.partition("/")
    return bool(ID_RE.fullmatch(organisation_id) and ID_RE.fullmatch(entry_id))


def entries_by_key(
    *, reader: Reader, keys: list[str], prefetch: tuple[str, ...] = ()
) -> dict[str, EntryPage]:
    """The entries the keys name that the reader may see, by key, in one query (and one per
    prefetched relation); keys naming nothing visible are left out."""
    pairs = {key: tuple(key.split("/")) for key in keys if key_valid(key)}
    if not pairs:
        return {}
    wanted = Q(pk__in=[])
    for organisation_id, entry_id in pairs.values():
        wanted |= Q(organisation__slug=organisation_id, slug=entry_id)
    found = {
        (entry.organisation.slug, entry.slug): entry
        for entry in entries_visible(reader=reader)
        .filter(wanted)
        .select_related("organisation")
        .prefetch_related(*prefetch)
    }
    return {key: found[pair] for key, pair in pairs.items() if pair in found}


def entries_selected(*, reader: Reader, keys: list[str]) -> Selection:
    """The entries the keys name that the reader may see, in the keys' order, with what a
    briefing or a comparison shows of them."""
    found = entries_by_key(reader=reader, keys=keys, prefetch=_PREFETCHED)
    return Selection(
        entries=[found[key] for key in keys if key in found],
        unknown=[key for key in keys if key not in found],
    )


# The reader's comparison selection lives in their session between pages (written by
# briefings.services): a list of keys, oldest first.
SELECTION_SESSION_KEY = "comparison"


def selection_stored(*, session) -> list[str]:
    """The keys of the session's selection, as stored (some may name entries the reader can
    no longer see)."""
    if session is None:
        return []
    return [key for key in session.get(SELECTION_SESSION_KEY, []) if isinstance(key, str)]


@dataclass(frozen=True)
class SelectionShown:
    entries: list[EntryPage]

    @property
    def query(self) -> str:
        """The entries as a URL's query (e=...&e=...), for a briefing of them."""
        return urlencode([("e", entry_key(entry)) for entry in self.entries])


def selection_shown(*, reader: Reader, session) -> SelectionShown:
    """The selected entries the reader may see, oldest first. The others are left out
    without a word: an entry unpublished since, or made members-only, has no title to show."""
    keys = selection_stored(session=session)
    found = entries_by_key(reader=reader, keys=keys)
    return SelectionShown(entries=[found[key] for key in keys if key in found])


@dataclass(frozen=True)
class Figure:
    heading: str
    values: list[tuple[str, int]]


@dataclass(frozen=True)
class Briefing:
    entries: list[EntryPage]
    # How many entries the search found (or were picked and found): more than `entries`
    # when the briefing stops at MAX_BRIEFING_ENTRIES.
    total: int
    figures: list[Figure]
    # The search's words and filters, as (heading, value) pairs (a heading may be empty);
    # none for a selection.
    filters: list[tuple[str, str]]
    unknown: list[str] = dataclasses.field(default_factory=list)
    from_search: bool = True

    @property
    def truncated(self) -> bool:
        return self.total > len(self.entries)

    @property
    def not_public(self) -> int:
        """How many of its entries not everyone may read: the briefing says so, as a
        briefing is what a reader passes on."""
        return sum(entry.visibility != Visibility.PUBLIC for entry in self.entries)


def briefing_of_search(*, reader: Reader, query: SearchQuery) -> Briefing:
    """The first MAX_BRIEFING_ENTRIES entries of a search (each translation group once, as
    the search page shows them), with the search's counts by assessment and format."""
    query = dataclasses.replace(query, page=1, page_size=MAX_BRIEFING_ENTRIES)
    results = search_entries(reader=reader, query=query, grouped=True)
    keys = [f"{hit.organisation}/{hit.id}" for hit in results.results]
    figures = [
        Figure(
            heading=str(facet.heading),
            values=[
                (value.label, value.count)
                for value in results.facets.get(facet.name, [])
                if value.count
            ],
        )
        for facet in FACETS
        if facet.name == "assessment" or facet.name in BRIEFING_FIGURES
    ]
    filters = [(gettext("Search words"), query.text)] if query.text else []
    filters += [
        (str(facet.heading), value.label)
        for facet in FACETS
        for value in results.facets.get(facet.name, [])
        if value.selected
    ]
    filters += [
        ("", label % {"year": getattr(query, name)})
        for name, label in YEAR_FILTERS.items()
        if getattr(query, name)
    ]
    return Briefing(
        entries=entries_selected(reader=reader, keys=keys).entries,
        total=results.count,
        figures=[figure for figure in figures if figure.values],
        filters=filters,
    )


def briefing_of_selection(*, reader: Reader, keys: list[str]) -> Briefing:
    """A briefing of hand-picked entries, the first MAX_BRIEFING_ENTRIES of them (only those
    are looked up: a URL may carry thousands), counted from the entries themselves (a
    selection is not a search)."""
    selection = entries_selected(reader=reader, keys=keys[:MAX_BRIEFING_ENTRIES])
    entries = selection.entries
    assessments = Counter(entry.assessment for entry in entries if entry.assessment)
    formats = Counter(term.label for entry in entries for term in entry.formats.all())
    figures = [
        Figure(
            heading=str(FACETS_BY_NAME["assessment"].heading),
            values=[
                (label, assessments[value])
                for value, label in Assessment.choices
                if assessments[value]
            ],
        ),
        Figure(heading=str(_TERM_FACETS["formats"].heading), values=formats.most_common()),
    ]
    return Briefing(
        entries=entries,
        total=len(keys) - len(selection.unknown),
        figures=[figure for figure in figures if figure.values],
        filters=[],
        unknown=selection.unknown,
        from_search=False,
    )


@dataclass(frozen=True)
class Cell:
    text: str = ""
    items: tuple[str, ...] = ()
    # The entry's language, for text written in it (outcomes, safety).
    lang: str = ""


@dataclass(frozen=True)
class Row:
    heading: str
    cells: list[Cell]

    @property
    def agreed(self) -> bool:
        """Every entry says the same, or none says anything: the row can be folded."""
        return len(set(self.cells)) == 1


def _years(entry: EntryPage) -> str:
    if entry.started and entry.ended:
        return f"{entry.started}–{entry.ended}"
    if entry.started:
        return gettext("since %(year)s") % {"year": entry.started}
    return ""


def _choice(value: bool | None) -> str:
    if value is None:
        return ""
    return gettext("Yes") if value else gettext("No")


def comparison_rows(*, reader: Reader, entries: list[EntryPage], language: str) -> list[Row]:
    """The rows of a comparison, one cell per entry; safety only for readers who may read
    it (withheld_fields)."""

    def row(heading, cell) -> Row:
        return Row(heading=str(heading), cells=[cell(entry) for entry in entries])

    rows = [
        row(_("Kind"), lambda e: Cell(text=e.get_kind_display())),
        row(
            _("Organisation"),
            lambda e: Cell(
                text=e.organisation.title,
                items=(country_name(e.organisation.country, language),)
                if e.organisation.country
                else (),
            ),
        ),
        row(_("Assessment"), lambda e: Cell(text=e.get_assessment_display())),
        row(_("Evaluation"), lambda e: Cell(text=e.get_evaluation_display())),
        row(
            _("Status and years"),
            lambda e: Cell(text=" · ".join(filter(None, [e.get_status_display(), _years(e)]))),
        ),
    ]
    for name in COMPARED_TERMS:
        if name == "counsellor_choice":
            rows.append(
                row(
                    _("Clients choose their counsellor"),
                    lambda e: Cell(text=_choice(e.counsellor_choice)),
                )
            )
            continue
        rows.append(
            row(
                _TERM_FACETS[name].heading,
                lambda e, name=name: Cell(
                    items=tuple(
                        term.label
                        for term in sorted(getattr(e, name).all(), key=lambda t: t.sort_order)
                    )
                ),
            )
        )
    rows.append(
        row(
            _("Outcomes and metrics"),
            lambda e: Cell(
                text=e.outcomes,
                items=tuple(
                    f"{metric.name}: {metric.display_value}"
                    + (f" {metric.unit}" if metric.unit else "")
                    for metric in e.metrics.all()
                ),
                lang=e.language,
            ),
        )
    )
    # Safety is shown when someone wrote it and this reader may read every entry's.
    if any(entry.safety for entry in entries) and not safety_withheld(
        reader=reader, entries=entries
    ):
        rows.append(
            row(_("Safety and data protection"), lambda e: Cell(text=e.safety, lang=e.language))
        )
    return rows


def safety_withheld(*, reader: Reader, entries: list[EntryPage]) -> bool:
    """Some compared entry has safety measures that only members may read."""
    return any(withheld_fields(reader, {"safety": entry.safety}) for entry in entries)
