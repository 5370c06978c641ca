"""Writes of saved searches: save, change, delete, unsubscribe, and send the digests."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from entries.visibility import reader_for
from follow.digests import digest_message
from follow.models import MAX_NAME_LENGTH, Frequency, SavedSearch
from follow.params import params_clean
from follow.selectors import member_language, saved_search_news, saved_searches_due
from search.api import SearchParameterError

logger = logging.getLogger(__name__)

# Saved searches one member may keep: enough to follow every facet of interest, few enough
# that the digests stay readable and cheap to compute.
MAX_SAVED_SEARCHES = 50
# Entries published less than this before a digest wait for the next one: the search index
# may not have them yet, and a digest would then pass them by.
INDEX_SETTLE = timedelta(minutes=5)


def _name_clean(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the search a name."), code="required")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("The name is too long: at most %(most)d characters, not %(given)d.")
            % {"most": MAX_NAME_LENGTH, "given": len(name)},
            code="max_length",
        )
    return name


def _frequency_clean(frequency: str) -> str:
    if frequency not in Frequency.values:
        raise ValidationError(
            _("The digest must be one of %(values)s.") % {"values": ", ".join(Frequency.values)},
            code="invalid_choice",
        )
    return frequency


def _name_taken() -> ValidationError:
    return ValidationError(
        _("You already have a saved search of that name: choose another."), code="unique"
    )


@transaction.atomic
def saved_search_create(
    *, user, name: str, search: str, frequency: str, language: str
) -> SavedSearch:
    """Save a search (its address or its parameters) under a name, with a digest."""
    cleaned, errors = {}, {}
    for field, clean, value in (
        ("name", _name_clean, name),
        ("search", params_clean, search),
        ("frequency", _frequency_clean, frequency),
    ):
        try:
            cleaned[field] = clean(value)
        except ValidationError as error:
            errors[field] = error
    if errors:
        raise ValidationError(errors)
    # Locks the member's row, so that two saves at once cannot pass the limit together.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            _("You have %(most)d saved searches, the most one member may keep: delete one first.")
            % {"most": MAX_SAVED_SEARCHES},
            code="limit",
        )
    if SavedSearch.objects.filter(user=user, name=cleaned["name"]).exists():
        raise ValidationError({"name": _name_taken()})
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(
                user=user,
                name=cleaned["name"],
                params=cleaned["search"],
                frequency=cleaned["frequency"],
                language=language,
            )
    except IntegrityError as error:
        raise ValidationError({"name": _name_taken()}) from error


@transaction.atomic
def saved_search_update(*, saved_search: SavedSearch, name: str, frequency: str) -> SavedSearch:
    """Rename a saved search or change its digest. A digest switched on again tells what is
    new from now on, not everything since it was switched off."""
    errors = {}
    try:
        name = _name_clean(name)
    except ValidationError as error:
        errors["name"] = error
    try:
        frequency = _frequency_clean(frequency)
    except ValidationError as error:
        errors["frequency"] = error
    if not errors and (
        SavedSearch.objects.filter(user_id=saved_search.user_id, name=name)
        .exclude(pk=saved_search.pk)
        .exists()
    ):
        errors["name"] = _name_taken()
    if errors:
        raise ValidationError(errors)
    if saved_search.frequency == Frequency.NONE and frequency != Frequency.NONE:
        saved_search.checked_until = timezone.now()
    saved_search.name = name
    saved_search.frequency = frequency
    try:
        with transaction.atomic():
            saved_search.save(update_fields=["name", "frequency", "checked_until"])
    except IntegrityError as error:
        raise ValidationError({"name": _name_taken()}) from error
    return saved_search


def saved_search_delete(*, saved_search: SavedSearch) -> None:
    saved_search.delete()


def saved_search_unsubscribe(*, saved_search: SavedSearch) -> None:
    """No more digests of this search; the search stays saved."""
    SavedSearch.objects.filter(pk=saved_search.pk).update(frequency=Frequency.NONE)


@dataclass
class DigestReport:
    checked: int = 0
    sent: int = 0
    failed: int = 0

    def summary(self) -> str:
        return (
            f"Checked {self.checked} saved searches due; sent {self.sent} digests"
            f"{f', {self.failed} failed' if self.failed else ''}."
        )


def digests_send(*, now: datetime | None = None, frequency: str | None = None) -> DigestReport:
    """E-mail each saved search due a digest what is new in it since its last one: only what
    its owner may read now, in their language; nothing for a search with no news. Each
    search is claimed before it is sent (its checked_until moved on, if no other process
    moved it first), so that two runs at once send it once; a failed e-mail gives it back."""
    now = now or timezone.now()
    until = now - INDEX_SETTLE
    report = DigestReport()
    for saved_search in saved_searches_due(now=now, frequency=frequency):
        since = saved_search.checked_until
        if since >= until:
            continue
        claimed = SavedSearch.objects.filter(pk=saved_search.pk, checked_until=since).update(
            checked_until=until
        )
        if not claimed:
            continue
        report.checked += 1
        try:
            sent = _digest_send(saved_search=saved_search, since=since, until=until)
        except Exception:
            logger.exception("digest of saved search %s failed", saved_search.pk)
            SavedSearch.objects.filter(pk=saved_search.pk, checked_until=until).update(
                checked_until=since
            )
            report.failed += 1
            continue
        report.sent += sent
    return report


def _digest_send(*, saved_search: SavedSearch, since: datetime, until: datetime) -> int:
    """Send one saved search's digest if it has news; how many e-mails went (0 or 1)."""
    user = saved_search.user
    if not user.email:
        return 0
    language = member_language(user=user, fallback=saved_search.language)
    try:
        # Entry addresses carry the language they are built in.
        with translation.override(language):
            news = saved_search_news(
                saved_search=saved_search,
                reader=reader_for(user),
                since=since,
                until=until,
                language=language,
            )
    except SearchParameterError:
        # A search saved before its parameters changed meaning: it finds nothing.
        logger.warning("saved search %s no longer runs", saved_search.pk)
        return 0
    if not news.count:
        return 0
    digest_message(saved_search=saved_search, news=news, language=language).send()
    SavedSearch.objects.filter(pk=saved_search.pk).update(last_sent_at=timezone.now())
    return 1
