from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from organisations.models import Membership, OrganisationIndexPage, OrganisationPage, Role
from organisations.permissions import organisation_roles_ensure, user_groups_sync


class NoOrganisationIndexError(RuntimeError):
    pass


def organisation_index() -> OrganisationIndexPage:
    """/organisations/, the parent of every organisation page. Migrating the database
    creates it (the portal app does, after every migrate and flush)."""
    index = OrganisationIndexPage.objects.first()
    if index is None:
        raise NoOrganisationIndexError(
            "The portal has no /organisations/ page to put organisations under: "
            "run `manage.py migrate`, which creates it."
        )
    return index


def organisation_get_or_create(
    *, id: str, name: str, country: str = "", url: str = ""
) -> OrganisationPage:
    """The organisation with this id, created from these details if the portal has none."""
    organisation = OrganisationPage.objects.filter(slug=id).first()
    return organisation or organisation_upsert(id=id, name=name, country=country, url=url)


def organisation_upsert(
    *, id: str, name: str, country: str = "", url: str = ""
) -> OrganisationPage:
    """Create the organisation an entry names, or bring its name, country and site up to
    date. Only for callers who may edit the organisation page (see entries_import)."""
    organisation = OrganisationPage.objects.filter(slug=id).first()
    if organisation is None:
        organisation = organisation_index().add_child(
            instance=OrganisationPage(title=name, slug=id, country=country, website=url)
        )
        return organisation_roles_ensure(organisation)
    changes = organisation_changes(organisation, name=name, country=country, url=url)
    if changes:
        for field, value in changes.items():
            setattr(organisation, field, value)
        organisation.save_revision().publish()
    return organisation


def organisation_profile_fill(
    *, id: str, description: str = "", languages: str = ""
) -> OrganisationPage | None:
    """Give the organisation page a description and its languages where it has none (what
    an editor wrote stays), as the demo content does; None if there is no such page."""
    organisation = OrganisationPage.objects.filter(slug=id).first()
    if organisation is None:
        return None
    wanted = {"description": description, "languages": languages}
    changes = {
        field: value
        for field, value in wanted.items()
        if value and not getattr(organisation, field)
    }
    if changes:
        for field, value in changes.items():
            setattr(organisation, field, value)
        organisation.full_clean()
        organisation.save_revision().publish()
    return organisation


def organisation_changes(
    organisation: OrganisationPage, *, name: str, country: str = "", url: str = ""
) -> dict[str, str]:
    """The fields of the organisation page these details would change (page field ->
    new value). A missing country or url leaves what the portal knows in place."""
    wanted = {
        "title": name,
        "country": country or organisation.country,
        "website": url or organisation.website,
    }
    return {
        field: value for field, value in wanted.items() if getattr(organisation, field) != value
    }


@transaction.atomic
def membership_set(
    *, username: str, organisation_id: str, role: str, email: str = ""
) -> Membership:
    """Create or update a user of a member organisation with a role; the organisation is
    created if missing. A new user has no password until they accept an invitation or an
    administrator sets one."""
    if role not in Role.values:
        raise ValueError(
            gettext("The role must be one of %(roles)s, not “%(role)s”.")
            % {"roles": ", ".join(Role.values), "role": role}
        )
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif email and user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    organisation = OrganisationPage.objects.filter(slug=organisation_id).first()
    if organisation is None:
        organisation = organisation_upsert(id=organisation_id, name=organisation_id)
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    user_groups_sync(user)
    return membership


class LastModeratorError(ValueError):
    pass


def _keeps_a_moderator(membership: Membership, new_role: str | None) -> bool:
    if membership.role != Role.MODERATOR or new_role == Role.MODERATOR:
        return True
    others = Membership.objects.filter(
        organisation=membership.organisation, role=Role.MODERATOR
    ).exclude(pk=membership.pk)
    return others.exists()


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; an organisation never loses its last moderator."""
    if role not in Role.values:
        raise ValueError(
            gettext("The role must be one of %(roles)s, not “%(role)s”.")
            % {"roles": ", ".join(Role.values), "role": role}
        )
    if not _keeps_a_moderator(membership, role):
        raise LastModeratorError(
            gettext(
                "%(organisation)s needs at least one moderator; make someone else moderator first."
            )
            % {"organisation": membership.organisation.title}
        )
    membership.role = role
    membership.save(update_fields=["role"])
    user_groups_sync(membership.user)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """End a membership; the user keeps their account but loses that organisation's rights."""
    if not _keeps_a_moderator(membership, None):
        raise LastModeratorError(
            gettext(
                "%(organisation)s needs at least one moderator; make someone else moderator first."
            )
            % {"organisation": membership.organisation.title}
        )
    user = membership.user
    membership.delete()
    user_groups_sync(user)
