from django.db import migrations, models

# The kind each page type is (practices.PracticePage.entry_kind, lessons.LessonPage...).
KIND_OF_PAGE_TYPE = {("practices", "practicepage"): "practice", ("lessons", "lessonpage"): "lesson"}


def kind_from_page_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    EntryPage = apps.get_model("entries", "EntryPage")
    for (app_label, model), kind in KIND_OF_PAGE_TYPE.items():
        page_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        if page_type is not None:
            EntryPage.objects.filter(content_type=page_type).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("entries", "0005_partner_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="entrypage",
            name="kind",
            field=models.CharField(
                choices=[("practice", "Practice"), ("lesson", "Lesson learned")],
                db_index=True,
                default="",
                editable=False,
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(kind_from_page_type, migrations.RunPython.noop),
    ]
