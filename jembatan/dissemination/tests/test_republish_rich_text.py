"""A re-published item keeps its paragraphs and shows its image attachments as images;
the data migration splits stored bodies that the old sanitiser glued together."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from jembatan.accounts.models import Role
from jembatan.dissemination import services
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import InfoItem
from jembatan.sites.models import Post
from jembatan.sites.services import post_create
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db

migration = importlib.import_module("jembatan.sites.migrations.0011_repair_glued_paragraphs")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def admin(two_tenants):
    user = UserFactory(full_name="Petugas Diskominfo")
    MembershipFactory(
        user=user, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07", "Kabupaten Bengkayang")
    )
    return user


def jpeg() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 40, 40)).save(buf, "JPEG")
    return SimpleUploadedFile("kegiatan.jpg", buf.getvalue(), "image/jpeg")


def pdf() -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    return SimpleUploadedFile("jadwal.pdf", buf.getvalue(), "application/pdf")


def test_republished_copy_keeps_paragraphs_and_shows_the_image(
    admin, two_tenants, media, django_capture_on_commit_callbacks
):
    draft = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        # What Chromium's editor sends for two typed lines.
        data={
            "title": "Tanam pohon",
            "summary": "Penanaman bibit.",
            "body": "Warga menanam 200 bibit pohon.<div>Kegiatan ini didukung kelurahan.</div>",
        },
        files=[jpeg(), pdf()],
    )
    with django_capture_on_commit_callbacks(execute=True):
        item = services.item_publish(actor=admin, item=draft)
    assert item.body.count("<p>") == 2

    post = services.delivery_republish(actor=two_tenants.a.owner, kim=two_tenants.a.kim, item=item)
    image = item.attachments.get(kind="image")
    assert post.body.count("<p>") >= 2
    assert "pohon.Kegiatan" not in post.body
    assert re.search(rf'<img src="{re.escape(image.file.url)}"', post.body)
    assert f">{image.name}</a>" not in post.body  # not a bare file-name link
    assert ">jadwal.pdf</a>" in post.body  # documents stay links


def test_migration_repairs_glued_and_div_soup_rows_and_leaves_good_ones(two_tenants):
    a = two_tenants.a
    good = post_create(
        actor=a.owner, kim=a.kim, data={"title": "Baik", "body": "<p>Satu.</p><p>Dua.</p>"}
    )
    glued = post_create(actor=a.owner, kim=a.kim, data={"title": "Rusak", "body": "x"})
    soup = post_create(actor=a.owner, kim=a.kim, data={"title": "Div", "body": "x"})
    # Rows as the old sanitiser or an import left them.
    Post.objects.filter(pk=glued.pk).update(
        body="Kemarin warga menanam 200 bibit pohon.Kegiatan ini didukung kelurahan.<br>Foto: KIM"
    )
    Post.objects.filter(pk=soup.pk).update(body="<div>Satu</div><div><br></div><div>Dua</div>")
    before = Post.objects.get(pk=good.pk).body

    changed = migration.repair_bodies(apps.get_model("kimsites", "Post"))

    assert changed == 2
    assert Post.objects.get(pk=glued.pk).body == (
        "<p>Kemarin warga menanam 200 bibit pohon.</p>"
        "<p>Kegiatan ini didukung kelurahan.</p><p>Foto: KIM</p>"
    )
    assert Post.objects.get(pk=soup.pk).body == "<p>Satu</p><p>Dua</p>"
    assert Post.objects.get(pk=good.pk).body == before
    assert migration.repair_bodies(apps.get_model("kimsites", "Post")) == 0


def test_item_migration_repairs_information_items(admin, two_tenants):
    item = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={"title": "Pasar murah", "summary": "Ringkas", "body": "x"},
    )
    InfoItem.objects.filter(pk=item.pk).update(body="Pasar murah Sabtu.Bawa KTP.")
    items = importlib.import_module(
        "jembatan.dissemination.migrations.0002_repair_glued_paragraphs"
    )
    items.repair_items(apps, None)
    assert InfoItem.objects.get(pk=item.pk).body == "<p>Pasar murah Sabtu.</p><p>Bawa KTP.</p>"
