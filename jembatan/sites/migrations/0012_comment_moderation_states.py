"""Site comments take the one moderation vocabulary (core.moderation.Visibility).

Their own ``status`` (pending, approved, hidden) becomes ``visibility`` (ditahan, tampil,
disembunyikan), with a ``held_reason`` like the dialogue's texts. Every row keeps its
meaning: pending -> ditahan, approved -> tampil, hidden -> disembunyikan; and back.
"""

from django.db import migrations, models

FORWARD = {"pending": "ditahan", "approved": "tampil", "hidden": "disembunyikan"}
BACKWARD = {new: old for old, new in FORWARD.items()}


def status_to_visibility(apps, schema_editor):
    Comment = apps.get_model("kimsites", "Comment")
    for old, new in FORWARD.items():
        Comment.objects.filter(status=old).update(visibility=new)


def visibility_to_status(apps, schema_editor):
    Comment = apps.get_model("kimsites", "Comment")
    for new, old in BACKWARD.items():
        Comment.objects.filter(visibility=new).update(status=old)


class Migration(migrations.Migration):
    dependencies = [
        ("kimsites", "0011_repair_glued_paragraphs"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="comment", name="comment_post_status_idx"),
        migrations.AddField(
            model_name="comment",
            name="visibility",
            field=models.CharField(
                choices=[
                    ("tampil", "Tampil"),
                    ("ditahan", "Ditahan untuk moderasi"),
                    ("disembunyikan", "Disembunyikan moderator"),
                ],
                default="ditahan",
                max_length=14,
                verbose_name="tampilan",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="held_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="alasan ditahan"),
        ),
        migrations.RunPython(status_to_visibility, visibility_to_status),
        migrations.RemoveField(model_name="comment", name="status"),
        migrations.AlterField(
            model_name="comment",
            name="report_count",
            field=models.PositiveIntegerField(default=0, verbose_name="dilaporkan"),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["post", "visibility"], name="comment_post_visibility_idx"),
        ),
    ]
