from django.db.models import Count, Q, QuerySet

from entries.selectors import entries_visible
from entries.visibility import Reader
from organisations.models import Membership, OrganisationPage, Role


def organisation_list(*, reader: Reader) -> QuerySet[OrganisationPage]:
    """Live organisations with the number of their entries this reader may see."""
    visible = entries_visible(reader=reader).values("pk")
    return (
        OrganisationPage.objects.live()
        .annotate(entry_count=Count("entries", filter=Q(entries__in=visible)))
        .order_by("title")
    )


def organisations_writable_by(*, user) -> dict[str, str]:
    """Organisation id -> role, for the organisations whose entries this user may write."""
    if not user.is_authenticated:
        return {}
    memberships = Membership.objects.filter(
        user=user, role__in=[Role.EDITOR, Role.MODERATOR]
    ).select_related("organisation")
    return {membership.organisation.slug: membership.role for membership in memberships}


def organisations_moderated_by(*, user) -> QuerySet[OrganisationPage]:
    """The organisations whose members this user manages: every one for a superuser."""
    if not user.is_authenticated:
        return OrganisationPage.objects.none()
    if user.is_superuser:
        return OrganisationPage.objects.order_by("title")
    return OrganisationPage.objects.filter(
        memberships__user=user, memberships__role=Role.MODERATOR
    ).order_by("title")


def memberships_managed_by(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation__in=organisations_moderated_by(user=user))
        .select_related("user", "organisation")
        .order_by("organisation__title", "user__username")
    )
