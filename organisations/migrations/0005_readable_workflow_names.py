"""The review workflows and approval tasks made before they had readable names
("org-a: review", "Approval by org-a moderators") get the English ones new organisations
get (organisations/permissions.py); a name changed by hand is left alone."""

from django.db import migrations

OLD_WORKFLOW, NEW_WORKFLOW = "{slug}: review", "Review by the moderators of {title}"
OLD_TASK, NEW_TASK = "Approval by {slug} moderators", "Approval by the moderators of {title}"


def _rename(apps, workflow_names, task_names):
    OrganisationPage = apps.get_model("organisations", "OrganisationPage")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for organisation in OrganisationPage.objects.all():
        names = {"slug": organisation.slug, "title": organisation.title}
        old, new = (name.format(**names) for name in workflow_names)
        Workflow.objects.filter(name=old, workflow_pages__page=organisation.pk).update(name=new)
        old, new = (name.format(**names) for name in task_names)
        Task.objects.filter(name=old, workflow_tasks__workflow__workflow_pages__page=organisation.pk).update(name=new)


def forwards(apps, schema_editor):
    _rename(apps, (OLD_WORKFLOW, NEW_WORKFLOW), (OLD_TASK, NEW_TASK))


def backwards(apps, schema_editor):
    _rename(apps, (NEW_WORKFLOW, OLD_WORKFLOW), (NEW_TASK, OLD_TASK))


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0004_verbose_names"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
