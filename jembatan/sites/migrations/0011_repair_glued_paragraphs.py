"""Split the paragraphs that the old sanitiser glued together in stored posts.

The editor's <div> lines were unwrapped, so "...200 bibit pohon.<div>Kegiatan ini...</div>"
was stored as "...200 bibit pohon.Kegiatan ini...". richtext.repair_stored_html splits
such bare text again (and normalises any other stored div soup). Rows it does not change
are left alone; the reverse is a no-op (the glued text is not worth restoring).
"""

from django.db import migrations

from jembatan.core.richtext import repair_stored_html


def repair_bodies(model, field: str = "body") -> int:
    changed = 0
    for pk, body in model.objects.values_list("pk", field).iterator(chunk_size=500):
        repaired = repair_stored_html(body or "")
        if repaired and repaired != body:
            model.objects.filter(pk=pk).update(**{field: repaired})
            changed += 1
    return changed


def repair_posts(apps, schema_editor):
    repair_bodies(apps.get_model("kimsites", "Post"))


class Migration(migrations.Migration):
    dependencies = [
        ("kimsites", "0010_post_source_withdrawn"),
    ]

    operations = [
        migrations.RunPython(repair_posts, migrations.RunPython.noop, elidable=True),
    ]
