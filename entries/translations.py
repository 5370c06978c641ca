"""Translation groups: an entry and the entries of the same organisation whose
translation_of names it are one group, named "<organisation>/<id of the original>". An
import may make a chain (C translates B, which translates A): the chain is followed to its
start, so that C is in A's group; in a loop, the smallest id is the original. Lists,
searches and counts show and count each group once (entries.selectors, search/), in the
reader's language where the reader may see that version."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Case, CharField, F, QuerySet, Value, When, Window
from django.db.models.functions import Concat, RowNumber
from django.utils.translation import get_language

from entries.models import EntryPage


def reader_language() -> str:
    """The reader's language (django.utils.translation.get_language()) as an entry's
    language code: one of settings.LANGUAGES, else the default."""
    code = (get_language() or "").split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def translation_group_name(*, organisation: str, original: str) -> str:
    return f"{organisation}/{original}"


def _chain_end(slug: str, target: str, translation_of: Callable[[str], str | None]) -> str:
    """The original an entry reaches from its translation_of (`target`), following each
    entry's own translation_of (`translation_of`: of an entry's slug, None or "" when it
    translates nothing or is not there)."""
    seen = [slug]
    original = target
    while original not in seen and (following := translation_of(original)):
        seen.append(original)
        original = following
    if original in seen:
        # A loop: every member of it names the same original.
        original = min(seen[seen.index(original) :])
    return original


# The entries that translate another: translation_of is never null, so a non-empty one is
# one greater than "", which the index on translation_of finds without reading every entry
# (a "not empty" condition reads them all; so does the pages' default order by path, which
# their readers clear).
TRANSLATING = {"translation_of__gt": ""}


def translation_chains() -> dict[int, str]:
    """The id of the original of each entry whose translation_of names an entry that itself
    translates another (page id -> id): every other entry's original is its translation_of,
    else itself. One query over the translations only."""
    rows = list(
        EntryPage.objects.filter(**TRANSLATING)
        .order_by()
        .values_list("pk", "organisation_id", "slug", "translation_of")
    )
    translates = {(organisation, slug): target for _pk, organisation, slug, target in rows}
    originals = {}
    for pk, organisation, slug, target in rows:
        original = _chain_end(slug, target, lambda id_, o=organisation: translates.get((o, id_)))
        if original != target:
            originals[pk] = original
    return originals


def translated_originals(chains: dict[int, str] | None = None) -> set[tuple[int, str]]:
    """(organisation id, id) of every entry some entry translates, directly or through a
    chain: the originals of groups that may hold more than one version."""
    chains = translation_chains() if chains is None else chains
    return {
        (organisation, chains.get(pk, target))
        for pk, organisation, target in EntryPage.objects.filter(**TRANSLATING)
        .order_by()
        .values_list("pk", "organisation_id", "translation_of")
    }


def translation_original_expression(prefix: str = "", chains: dict[int, str] | None = None):
    """The id of an entry's original as a database expression (on a model that reaches the
    entry through `prefix`, e.g. "entrypage__")."""
    chains = translation_chains() if chains is None else chains
    return Case(
        *(When(**{f"{prefix}pk": pk}, then=Value(original)) for pk, original in chains.items()),
        When(**{f"{prefix}translation_of": ""}, then=F(f"{prefix}slug")),
        default=F(f"{prefix}translation_of"),
        output_field=CharField(),
    )


def translation_group_expression(prefix: str = "", chains: dict[int, str] | None = None):
    """An entry's translation group (translation_group_name) as a database expression."""
    return Concat(
        F(f"{prefix}organisation__slug"),
        Value("/"),
        translation_original_expression(prefix, chains),
        output_field=CharField(),
    )


def group_member_ids(groups: Iterable[str], chains: dict[int, str]) -> set[int]:
    """The ids of every entry of these groups, whatever its state (an entry is the original,
    translates it, or leads to it through a chain of translations), found by their ids and
    their translation_of through indexes: the database narrows to these before it computes
    each entry's group, instead of computing it for every entry."""
    wanted = {tuple(group.partition("/")[::2]) for group in groups}
    originals = {original for _organisation, original in wanted}
    found = {pk for pk, original in chains.items() if original in originals}
    for lookup in ("slug", "translation_of"):
        rows = (
            EntryPage.objects.filter(**{f"{lookup}__in": originals})
            .order_by()
            .values_list("pk", "organisation__slug", lookup)
        )
        found |= {pk for pk, organisation, original in rows if (organisation, original) in wanted}
    return found


def entries_with_group(
    entries: QuerySet[EntryPage], chains: dict[int, str] | None = None
) -> QuerySet[EntryPage]:
    """The entries annotated with `group` and `original` (the id naming their group)."""
    chains = translation_chains() if chains is None else chains
    return entries.annotate(
        original=translation_original_expression(chains=chains),
        group=translation_group_expression(chains=chains),
    )


def entries_translating(entry: EntryPage) -> list[int]:
    """The ids of the entries whose group goes through this one: its translations, theirs,
    and so on (their group changes when its translation_of does)."""
    found: list[int] = []
    slugs = {entry.slug}
    while slugs:
        rows = list(
            EntryPage.objects.filter(
                organisation_id=entry.organisation_id, translation_of__in=slugs
            )
            .exclude(pk__in=[entry.pk, *found])
            .values_list("pk", "slug")
        )
        found += [pk for pk, _slug in rows]
        slugs = {slug for _pk, slug in rows}
    return found


def entry_original(entry: EntryPage) -> str:
    """The id of one entry's original, as translation_chains finds it, following this
    entry's chain only: a query a link (usually one), not a read of every translation."""
    if not entry.translation_of:
        return entry.slug
    return _chain_end(
        entry.slug,
        entry.translation_of,
        lambda id_: (
            EntryPage.objects.filter(organisation_id=entry.organisation_id, slug=id_)
            .values_list("translation_of", flat=True)
            .first()
        ),
    )


def entry_original_pk(entry: EntryPage) -> int | None:
    """The page id of the original this entry translates (at the end of its chain), if it
    translates one that is there."""
    if not entry.translation_of:
        return None
    return (
        EntryPage.objects.filter(organisation_id=entry.organisation_id, slug=entry_original(entry))
        .exclude(pk=entry.pk)
        .values_list("pk", flat=True)
        .first()
    )


def entry_group(entry: EntryPage) -> str:
    """The translation group of one entry."""
    return translation_group_name(
        organisation=entry.organisation.slug, original=entry_original(entry)
    )


def version_preference(language: str) -> list:
    """Which version of a group to show first: the one in `language`, else the original,
    else by language code."""
    return [
        Case(When(language=language, then=Value(0)), default=Value(1)).asc(),
        Case(When(slug=F("original"), then=Value(0)), default=Value(1)).asc(),
        F("language").asc(),
        F("pk").asc(),
    ]


def entries_one_per_group(
    entries: QuerySet[EntryPage], *, language: str | None = None
) -> QuerySet[EntryPage]:
    """One version of each translation group among these entries: the one in the reader's
    language (reader_language()) when there is one, else the original, else the first by
    language. Filters added later still apply before the choice: a version that does not
    match them is not chosen."""
    language = language or reader_language()
    return (
        entries_with_group(entries)
        .annotate(
            version_rank=Window(
                RowNumber(), partition_by=[F("group")], order_by=version_preference(language)
            )
        )
        .filter(version_rank=1)
    )
