"""The one rule for who may read which entry.

Every read path (pages, listings, API, exports, feeds, search) asks this module, either for
a queryset filter or, for the search engine, for the same rule as plain data.
"""

from dataclasses import dataclass

from django.db.models import Q

from entries.models import Visibility
from organisations.selectors import user_is_network_staff


@dataclass(frozen=True)
class Reader:
    """What one caller may read: a value object that the search filter is built from too."""

    sees_everything: bool = False
    is_member: bool = False
    organisation_ids: frozenset[str] = frozenset()

    @property
    def visibilities(self) -> list[str]:
        return [Visibility.PUBLIC, Visibility.MEMBERS] if self.is_member else [Visibility.PUBLIC]


ANONYMOUS = Reader()
# Server-side operations (the export command, the search index) read every entry.
EVERYTHING = Reader(sees_everything=True, is_member=True)


def reader_for(user) -> Reader:
    """The reader a user is: members of any organisation read members entries, and each
    organisation's own, and so do network staff; superusers, who run the portal, read
    everything."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_portal_reader", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        reader = EVERYTHING
    else:
        organisations = frozenset(user.memberships.values_list("organisation__slug", flat=True))
        reader = (
            Reader(is_member=True, organisation_ids=organisations)
            if organisations or user_is_network_staff(user=user)
            else ANONYMOUS
        )
    user._portal_reader = reader
    return reader


def visible_q(reader: Reader) -> Q:
    if reader.sees_everything:
        return Q()
    rule = Q(visibility__in=reader.visibilities)
    if reader.organisation_ids:
        rule |= Q(
            visibility=Visibility.ORGANISATION, organisation__slug__in=reader.organisation_ids
        )
    return rule


# Fields that stay with members even on a public entry: how practitioners protect
# themselves and their clients is operational knowledge that could be turned against them.
MEMBERS_ONLY_FIELDS = ("safety",)


def withheld_fields(reader: Reader, values: dict) -> list[str]:
    """The members-only fields that have a value this reader may not see."""
    if reader.is_member:
        return []
    return [name for name in MEMBERS_ONLY_FIELDS if values.get(name)]


def redacted(reader: Reader, data: dict) -> dict:
    """An interchange dict without what the reader may not see of it."""
    withheld = withheld_fields(reader, data)
    return {key: value for key, value in data.items() if key not in withheld}
