from django.db.models import QuerySet

from organisations.models import NETWORK_STAFF_GROUP, Membership, OrganisationPage, Role


def user_is_network_staff(*, user) -> bool:
    return user.groups.filter(name=NETWORK_STAFF_GROUP).exists()


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
