from django.db import migrations, models


def keep_each_reviewers_latest_review(apps, schema_editor):
    """Before the constraint: where a reviewer posted the same entry's review several times,
    the latest verdict stands."""
    PeerReview = apps.get_model("entries", "PeerReview")
    seen = set()
    for review in PeerReview.objects.exclude(reviewer=None).order_by("-created_at", "-pk"):
        key = (review.entry_id, review.reviewer_id)
        if key in seen:
            review.delete()
        else:
            seen.add(key)


class Migration(migrations.Migration):
    dependencies = [("entries", "0003_peer_review")]

    operations = [
        migrations.RunPython(keep_each_reviewers_latest_review, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="peerreview",
            constraint=models.UniqueConstraint(
                fields=("entry", "reviewer"), name="one_review_per_reviewer"
            ),
        ),
    ]
