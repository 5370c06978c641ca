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
