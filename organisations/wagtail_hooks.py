from django.core.exceptions import PermissionDenied
from wagtail import hooks

from organisations.models import Membership, OrganisationPage, Role


def _moderates(user, organisation: OrganisationPage) -> bool:
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user, organisation=organisation, role=Role.MODERATOR
        ).exists()
    )


@hooks.register("before_edit_page")
def only_moderators_edit_the_organisation(request, page):
    if page.specific_class is OrganisationPage and not _moderates(request.user, page):
        raise PermissionDenied("Only the organisation's moderators edit its details.")
