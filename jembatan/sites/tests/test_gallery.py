"""Galeri albums, the KIM logo and the decree scan, all from the KIM's photo library."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jembatan.sites.models import Album, Photo
from jembatan.sites.photo_services import photo_upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(actor, kim, caption="", purpose=Photo.Purpose.PHOTO):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "#964").save(buffer, "JPEG")
    file = SimpleUploadedFile("f.jpg", buffer.getvalue(), content_type="image/jpeg")
    return photo_upload(actor=actor, kim=kim, file=file, caption=caption, purpose=purpose)


def test_album_with_photos_is_shown_as_a_gallery(client, two_tenants):
    a = two_tenants.a
    photos = [upload(a.member, a.kim, caption=f"Lomba {i}") for i in range(3)]
    client.force_login(a.owner)
    response = client.post(
        reverse("sites:manage_content_create", kwargs={"kim": a.kim.slug, "kind": "galeri"}),
        {
            "title": "Lomba 17 Agustus",
            "photos": [p.pk for p in photos[:2]],
            "body": "",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    album = Album.objects.get()
    assert set(album.photos.all()) == set(photos[:2])
    html = client.get(album.get_absolute_url()).content.decode()
    assert html.count("<picture>") == 2
    assert "Lomba 0" in html and "Lomba 2" not in html
    listing = client.get(
        reverse("sites:content_list", kwargs={"kim": a.kim.slug, "kind": "galeri"})
    )
    assert "Lomba 17 Agustus" in listing.content.decode()


def test_album_cannot_take_another_kims_photos(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    theirs = upload(b.owner, b.kim)
    client.force_login(a.owner)
    response = client.post(
        reverse("sites:manage_content_create", kwargs={"kim": a.kim.slug, "kind": "galeri"}),
        {"title": "Curian", "photos": [theirs.pk], "is_published": "on"},
    )
    assert response.status_code == 200
    assert not Album.objects.exists()


def test_logo_and_decree_scan_show_on_the_profile(client, two_tenants):
    a = two_tenants.a
    a.kim.sk_number = "188/12/2025"
    a.kim.save()
    logo = upload(a.owner, a.kim, purpose=Photo.Purpose.LOGO)
    decree = upload(a.owner, a.kim, purpose=Photo.Purpose.DECREE)
    html = client.get(reverse("sites:kim_profile", kwargs={"kim": a.kim.slug})).content.decode()
    assert logo.srcset("jpeg").split(" ")[0] in html
    assert decree.default_url in html
    home = client.get(a.kim.get_absolute_url()).content.decode()
    assert 'class="kim-logo"' in home


def test_only_pengurus_upload_logo_or_decree(two_tenants):
    a = two_tenants.a
    with pytest.raises(PermissionDenied):
        upload(a.member, a.kim, purpose=Photo.Purpose.LOGO)
    assert not Photo.objects.exists()


def test_logo_upload_through_the_form_by_an_anggota_is_refused(client, two_tenants):
    a = two_tenants.a
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "#123").save(buffer, "PNG")
    client.force_login(a.member)
    response = client.post(
        reverse("sites:manage_photos", kwargs={"kim": a.kim.slug}),
        {"file": SimpleUploadedFile("logo.png", buffer.getvalue()), "purpose": "logo"},
    )
    assert response.status_code == 200
    assert "hanya diunggah ketua atau sekretaris" in response.content.decode()
    assert response.context["form"].errors["purpose"]  # the refused choice, at its field
    assert not Photo.objects.exists()
