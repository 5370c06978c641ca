"""The admin side of roles: each organisation has an editors group and a moderators group
with page permissions on its own subtree, and a workflow in which its moderators approve
what its editors submit. Wagtail then keeps editors to their own organisation's pages.

Editors and moderators read the workflow's and its task's names in the admin ("Submit to
…"): they are written in the language active when the organisation gets its workflow (that
of the person who creates it; English from the command line), and found again by what they
are attached to, never by their name."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowTask
from wagtail.models.pages import WorkflowPage

from organisations.models import Membership, OrganisationPage, Role

# Editors write but cannot publish: publishing goes through their moderators' approval.
ROLE_PAGE_PERMISSIONS = {
    Role.EDITOR: ["add_page", "change_page"],
    Role.MODERATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


def _admin_access() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


@transaction.atomic
def organisation_roles_ensure(organisation: OrganisationPage) -> OrganisationPage:
    """Create the organisation's groups, their page permissions and its review workflow;
    idempotent."""
    for role, field in ((Role.EDITOR, "editors_group"), (Role.MODERATOR, "moderators_group")):
        group = getattr(organisation, field)
        if group is None:
            group, _ = Group.objects.get_or_create(name=f"{organisation.slug}: {role}s")
            setattr(organisation, field, group)
            OrganisationPage.objects.filter(pk=organisation.pk).update(**{field: group})
        group.permissions.add(_admin_access())
        for codename in ROLE_PAGE_PERMISSIONS[role]:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=organisation.page_ptr,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )

    names = {"organisation": organisation.title}
    task = GroupApprovalTask.objects.filter(groups=organisation.moderators_group).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=gettext("Approval by the moderators of %(organisation)s") % names
        )
        task.groups.set([organisation.moderators_group])
    workflow = Workflow.objects.filter(workflow_tasks__task=task).first()
    if workflow is None:
        workflow = Workflow.objects.create(
            name=gettext("Review by the moderators of %(organisation)s") % names
        )
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(
        page=organisation.page_ptr, defaults={"workflow": workflow}
    )
    return organisation


def user_groups_sync(user) -> None:
    """Put the user in exactly the role groups their memberships call for."""
    wanted: set[int] = set()
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        organisation = organisation_roles_ensure(membership.organisation)
        if membership.role == Role.EDITOR:
            wanted.add(organisation.editors_group_id)
        elif membership.role == Role.MODERATOR:
            wanted.add(organisation.moderators_group_id)
    role_groups = set(OrganisationPage.objects.values_list("editors_group", flat=True)) | set(
        OrganisationPage.objects.values_list("moderators_group", flat=True)
    )
    role_groups.discard(None)
    current = set(user.groups.filter(pk__in=role_groups).values_list("pk", flat=True))
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))
