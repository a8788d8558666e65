"""Split the paragraphs that the old sanitiser glued together in stored information items
(see kimsites 0011: the same repair, for InfoItem.body)."""

import importlib

from django.db import migrations


def repair_items(apps, schema_editor):
    posts = importlib.import_module("jembatan.sites.migrations.0011_repair_glued_paragraphs")
    posts.repair_bodies(apps.get_model("dissemination", "InfoItem"))


class Migration(migrations.Migration):
    dependencies = [
        ("dissemination", "0001_initial"),
        ("kimsites", "0011_repair_glued_paragraphs"),
    ]

    operations = [
        migrations.RunPython(repair_items, migrations.RunPython.noop, elidable=True),
    ]
