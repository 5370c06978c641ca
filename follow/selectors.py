"""Reads of saved searches: a member's list, the searches due a digest, what is new in one,
and the saved search an unsubscribe link names."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from wagtail.users.models import UserProfile

from entries.selectors import entries_visible
from entries.visibility import Reader
from follow.models import Frequency, SavedSearch
from follow.params import saved_query
from search.api import MAX_PAGE_IDS, SearchHit, search_entries

DIGEST_INTERVALS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
# A scheduler that runs a little early one day must not skip that day's digest.
DIGEST_SLACK = timedelta(hours=1)
# Entries listed in one digest; the rest are counted, with a link to the search.
DIGEST_ENTRIES_SHOWN = 20
UNSUBSCRIBE_SALT = "follow.unsubscribe"


@dataclass(frozen=True)
class News:
    """What changed in a saved search: how many entries, and the first of them."""

    count: int
    hits: list[SearchHit]


def saved_searches_of(*, user) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user)


def saved_searches_due(*, now: datetime, frequency: str | None = None) -> QuerySet[SavedSearch]:
    """The saved searches whose digest is due at `now`, of one frequency or of every one."""
    due = SavedSearch.objects.none()
    for each, interval in DIGEST_INTERVALS.items():
        if frequency in (None, each):
            due |= SavedSearch.objects.filter(
                frequency=each, checked_until__lte=now - interval + DIGEST_SLACK
            )
    return due.filter(user__is_active=True).select_related("user").order_by("pk")


def member_language(*, user, fallback: str) -> str:
    """The language of the member's profile (the admin's and the site's), else `fallback`."""
    codes = [code for code, _name in settings.LANGUAGES]
    chosen = (
        UserProfile.objects.filter(user=user).values_list("preferred_language", flat=True).first()
    )
    if chosen in codes:
        return chosen
    return fallback if fallback in codes else settings.LANGUAGE_CODE


def saved_search_news(
    *, saved_search: SavedSearch, reader: Reader, since: datetime, until: datetime, language: str
) -> News:
    """The entries the reader may read, published or updated after `since` and up to
    `until`, that match the saved search; newest first. Which entries changed is asked
    of the database, whether they match of the search (either backend)."""
    changed = list(
        entries_visible(reader=reader)
        .filter(
            last_published_at__gt=since,
            last_published_at__lte=until,
        )
        .order_by("-last_published_at")
        .values_list("pk", flat=True)
    )
    query = dataclasses.replace(
        saved_query(saved_search.params, language=language),
        sort="newest",
        page=1,
        page_size=DIGEST_ENTRIES_SHOWN,
    )
    count, hits = 0, []
    for start in range(0, len(changed), MAX_PAGE_IDS):
        page_ids = tuple(changed[start : start + MAX_PAGE_IDS])
        results = search_entries(reader=reader, query=dataclasses.replace(query, page_ids=page_ids))
        count += results.count
        hits += results.results[: DIGEST_ENTRIES_SHOWN - len(hits)]
    return News(count=count, hits=hits)


def unsubscribe_token(*, saved_search: SavedSearch) -> str:
    """A token for the saved search's unsubscribe link, signed with SECRET_KEY: it works
    without signing in, for this saved search only."""
    return signing.dumps([saved_search.pk, saved_search.user_id], salt=UNSUBSCRIBE_SALT)


def saved_search_for_token(*, token: str) -> SavedSearch | None:
    """The saved search an unsubscribe token names; None for a token that was tampered
    with or names a search deleted since."""
    try:
        pk, user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return SavedSearch.objects.filter(pk=pk, user_id=user_id).first()
