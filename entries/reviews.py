"""Peer review: a reviewer from another member organisation, or network staff, marks an
entry as reviewed, with a short verdict."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from entries.models import EntryPage, PeerReview
from organisations.models import Membership, OrganisationPage
from organisations.selectors import user_is_network_staff

AS_NETWORK_STAFF = "network-staff"


def peer_review_voices(*, user, entry: EntryPage) -> dict[str, OrganisationPage | None]:
    """In whose name this user may review the entry, keyed by a form value: each of their
    organisations other than the publisher and its partners, and network staff."""
    if not user.is_authenticated:
        return {}
    # A preview's entry comes from a revision, whose partners are an in-memory list, not a
    # queryset: read them as objects.
    excluded = {entry.organisation_id, *(partner.pk for partner in entry.partners.all())}
    voices: dict[str, OrganisationPage | None] = {
        membership.organisation.slug: membership.organisation
        for membership in Membership.objects.filter(user=user).select_related("organisation")
        if membership.organisation_id not in excluded
    }
    if user_is_network_staff(user=user):
        voices[AS_NETWORK_STAFF] = None
    return voices


def peer_review_of(*, user, entry: EntryPage) -> PeerReview | None:
    """The review this user gave the entry, if any: one per person and entry. A new entry
    in preview, not saved yet, has none."""
    if not user.is_authenticated or entry.pk is None:
        return None
    return PeerReview.objects.filter(entry=entry, reviewer=user).first()


def peer_review_record(*, user, entry: EntryPage, voice: str, verdict: str) -> PeerReview:
    """Record the user's review of the entry, or change the one they gave before."""
    voices = peer_review_voices(user=user, entry=entry)
    if voice not in voices:
        raise PermissionDenied(
            gettext(
                "Peer reviews come from another organisation than the publisher, or network staff."
            )
        )
    verdict = verdict.strip()
    if not 3 <= len(verdict) <= 1000:
        raise ValidationError({"verdict": gettext("Give a short verdict of 3 to 1000 characters.")})
    review, _ = PeerReview.objects.update_or_create(
        entry=entry,
        reviewer=user,
        defaults={"reviewer_organisation": voices[voice], "verdict": verdict},
    )
    return review
