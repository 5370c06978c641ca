"""What an importer may change: entries of the organisations they write for, organisation
pages only when they may edit them (their moderators, superusers, the operator at the
command line), and new organisations only for superusers and the operator. user None is
the operator."""

from organisations.models import OrganisationPage
from organisations.selectors import organisations_moderated_by


def organisation_editable_by(*, user, organisation_id: str) -> bool:
    """The operator (no user) may; anyone else as the organisation page's own rule says."""
    return (
        user is None or organisations_moderated_by(user=user).filter(slug=organisation_id).exists()
    )


def organisations_creatable_by(*, user) -> bool:
    return user is None or user.is_superuser


def organisations_known(*, ids: list[str]) -> dict[str, OrganisationPage]:
    if not ids:
        # Most lines name no partner: building the query that finds nothing costs more.
        return {}
    return {
        organisation.slug: organisation
        for organisation in OrganisationPage.objects.filter(slug__in=ids)
    }
