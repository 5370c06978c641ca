"""The database search's text scan: which entries hold which of a query's needles in which
column, found in one pass over the entries' text by one automaton holding every needle
(pyahocorasick's Aho-Corasick). SQL's LIKE looked for each needle in each column in turn,
once to find the matching entries and once more per flag of each of them: a question's
190 flags took 2.4 s at 10,000 entries on SQLite, the pass 0.3 s. Letters' case is
ignored in every alphabet on both databases, as PostgreSQL's ILIKE did and SQLite's LIKE
(ASCII only) did not."""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick
from django.db.models import QuerySet

from entries.models import EntryPage, EntryTag, Visibility
from entries.selectors import entries_holding_terms
from entries.visibility import MEMBERS_ONLY_FIELDS
from search.matching import TAGS_COLUMN, TEXT_COLUMNS, Condition, Contains, HoldsTerms, TextMatch

# Entries read from the database at a time: the text of one chunk is held at once.
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Scanned:
    """The entries matching a TextMatch, in the order of their ids, their languages, and
    per flag of the match whether each of them has it; `read`: how many entries were looked
    at (what a word's rarity is counted against)."""

    pks: list[int]
    languages: list[str]
    flags: list[list[bool]]
    read: int


class _Needles:
    """Every needle of a match, one bit per column and needle in an entry's mask of what
    it holds."""

    def __init__(self, conditions: list[Condition]):
        needles = sorted(
            {
                condition.needle.lower()
                for condition in conditions
                if isinstance(condition, Contains)
            }
        )
        self.place = {needle: at for at, needle in enumerate(needles)}
        self.automaton = ahocorasick.Automaton()
        for needle, at in self.place.items():
            self.automaton.add_word(needle, at)
        if needles:
            self.automaton.make_automaton()
        self.bits = {
            column: [1 << (offset * len(needles) + at) for at in range(len(needles))]
            for offset, column in enumerate(TEXT_COLUMNS)
        }

    def held(self, column: str, text: str) -> int:
        """The mask of the needles the column's text holds."""
        if not self.place:
            return 0
        bits = self.bits[column]
        mask = 0
        for _end, at in self.automaton.iter(text.lower()):
            mask |= bits[at]
        return mask

    def mask(self, condition: Contains) -> int:
        at = self.place[condition.needle.lower()]
        mask = 0
        for column in condition.columns:
            mask |= self.bits[column][at]
        return mask


def _masks(
    entries: QuerySet[EntryPage], needles: _Needles
) -> tuple[dict[int, int], dict[int, str]]:
    """Each entry's mask of the needles its columns hold, and its language."""
    masks: dict[int, int] = {}
    languages: dict[int, str] = {}
    columns = [column for column in TEXT_COLUMNS if column != TAGS_COLUMN]
    rows = entries.order_by().values_list("pk", "language", "visibility", *columns)
    for pk, language, visibility, *texts in rows.iterator(chunk_size=CHUNK_SIZE):
        mask = 0
        for column, text in zip(columns, texts, strict=True):
            # As in the index: a public entry's members-only fields are not searched.
            if text and not (visibility == Visibility.PUBLIC and column in MEMBERS_ONLY_FIELDS):
                mask |= needles.held(column, text)
        masks[pk] = mask
        languages[pk] = language
    tags = EntryTag.objects.filter(content_object__in=entries.values("pk")).values_list(
        "content_object_id", "tag__name"
    )
    for pk, name in tags.iterator(chunk_size=CHUNK_SIZE):
        masks[pk] |= needles.held(TAGS_COLUMN, name)
    return masks, languages


def _holders(conditions: list[Condition]) -> dict[int, set[int]]:
    """The entries holding each term the conditions name: one read per facet."""
    by_facet: dict[str, set[int]] = {}
    for condition in conditions:
        if isinstance(condition, HoldsTerms):
            for facet, term_ids in condition.by_facet:
                by_facet.setdefault(facet, set()).update(term_ids)
    holders: dict[int, set[int]] = {}
    for facet, term_ids in by_facet.items():
        links = entries_holding_terms(facet, term_ids).values_list("term_id", "entrypage_id")
        for term_id, pk in links:
            holders.setdefault(term_id, set()).add(pk)
    return holders


def text_scanned(entries: QuerySet[EntryPage], match: TextMatch) -> Scanned:
    """The entries among `entries` that match, and the flags of each."""
    conditions = [*match.matches, *match.flags]
    needles = _Needles(conditions)
    masks, languages = _masks(entries, needles)
    holders = _holders(conditions)

    def held(condition: HoldsTerms) -> set[int]:
        return set().union(
            *(holders.get(term_id, ()) for _facet, ids in condition.by_facet for term_id in ids)
        )

    required = 0
    required_terms: set[int] = set()
    for condition in match.matches:
        if isinstance(condition, Contains):
            required |= needles.mask(condition)
        else:
            required_terms |= held(condition)
    pks = sorted(pk for pk, mask in masks.items() if mask & required or pk in required_terms)
    entry_masks = [masks[pk] for pk in pks]
    entry_languages = [languages[pk] for pk in pks]
    # What some entry holds: a flag of a needle no entry holds in its columns is read
    # without a look at each entry (many of a question's translations and stems).
    held_by_any = 0
    for mask in entry_masks:
        held_by_any |= mask

    def column(condition: Condition) -> list[bool]:
        if isinstance(condition, HoldsTerms):
            terms = held(condition)
            return [pk in terms for pk in pks]
        mask = needles.mask(condition)
        if not held_by_any & mask:
            return [False] * len(pks)
        if condition.other_language:
            return [
                bool(entry & mask) and language != condition.other_language
                for entry, language in zip(entry_masks, entry_languages, strict=True)
            ]
        return [bool(entry & mask) for entry in entry_masks]

    return Scanned(
        pks=pks,
        languages=entry_languages,
        flags=[column(flag) for flag in match.flags],
        read=len(masks),
    )
