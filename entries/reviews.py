"""Peer review: a reviewer from another member organisation, or network staff, marks an
entry as reviewed, with a short verdict."""

from django.core.exceptions import PermissionDenied, ValidationError

from entries.models import EntryPage, PeerReview
from entries.visibility import NETWORK_STAFF_GROUP
from organisations.models import Membership, OrganisationPage

AS_NETWORK_STAFF = "network-staff"


def peer_review_voices(*, user, entry: EntryPage) -> dict[str, OrganisationPage | None]:
    """In whose name this user may review the entry, keyed by a form value: each of their
    organisations other than the publisher and its partners, and network staff."""
    if not user.is_authenticated:
        return {}
    excluded = {entry.organisation_id, *entry.partners.values_list("pk", flat=True)}
    voices: dict[str, OrganisationPage | None] = {
        membership.organisation.slug: membership.organisation
        for membership in Membership.objects.filter(user=user).select_related("organisation")
        if membership.organisation_id not in excluded
    }
    if user.groups.filter(name=NETWORK_STAFF_GROUP).exists():
        voices[AS_NETWORK_STAFF] = None
    return voices


def peer_review_record(*, user, entry: EntryPage, voice: str, verdict: str) -> PeerReview:
    voices = peer_review_voices(user=user, entry=entry)
    if voice not in voices:
        raise PermissionDenied(
            "Peer reviews come from another organisation than the publisher, or network staff."
        )
    verdict = verdict.strip()
    if not 3 <= len(verdict) <= 1000:
        raise ValidationError({"verdict": "Give a short verdict of 3 to 1000 characters."})
    return PeerReview.objects.create(
        entry=entry, reviewer=user, reviewer_organisation=voices[voice], verdict=verdict
    )
