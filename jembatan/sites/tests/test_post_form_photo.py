"""The post form: a photo taken in the form goes to the library; the library picker shows
thumbnails and captions; text written without the editor comes back as text."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jembatan.sites.models import Post
from jembatan.sites.photo_services import photo_upload
from jembatan.sites.photos_model import Photo
from jembatan.sites.services import post_create


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(name: str = "kamera.jpg", size=(640, 480)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def create_url(kim):
    return reverse("sites:manage_post_create", kwargs={"kim": kim.slug})


def edit_url(post):
    return reverse("sites:manage_post_edit", kwargs={"kim": post.kim.slug, "pk": post.pk})


def test_photo_taken_in_the_form_goes_to_the_library_and_becomes_the_post_photo(
    client, two_tenants, media
):
    a = two_tenants.a
    client.force_login(a.owner)
    response = client.post(
        create_url(a.kim),
        {
            "title": "Tanam pohon",
            "body": "Warga menanam 200 bibit pohon.\n\nKegiatan ini didukung kelurahan.",
            "new_photo": jpeg(),
            "new_photo_caption": "Warga menanam bibit di tepi sungai",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(kim=a.kim)
    photo = Photo.objects.get(kim=a.kim)
    assert post.photo == photo
    assert photo.caption == "Warga menanam bibit di tepi sungai"
    assert photo.uploaded_by == a.owner
    assert post.body == (
        "<p>Warga menanam 200 bibit pohon.</p><p>Kegiatan ini didukung kelurahan.</p>"
    )


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(client, two_tenants, media):
    a = two_tenants.a
    client.force_login(a.owner)
    fake = SimpleUploadedFile("foto.jpg", b"bukan gambar sama sekali", content_type="image/jpeg")
    response = client.post(
        create_url(a.kim), {"title": "Tanam pohon", "body": "Isi.", "new_photo": fake}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_photo"]
    assert not Post.objects.filter(kim=a.kim).exists()
    assert not Photo.objects.filter(kim=a.kim).exists()


def test_refused_post_keeps_the_photo_just_uploaded_chosen(client, two_tenants, media):
    a = two_tenants.a
    client.force_login(a.owner)
    response = client.post(
        create_url(a.kim),
        {"title": "Tanam pohon", "body": "<script>x</script>", "new_photo": jpeg()},
    )
    assert response.status_code == 200
    photo = Photo.objects.get(kim=a.kim)
    html = response.content.decode()
    assert re.search(rf'value="{photo.pk}"[^>]*checked', html)


def test_form_takes_a_photo_from_the_camera_or_gallery(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.member)
    html = client.get(create_url(a.kim)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    field = re.search(r"<input[^>]*name=\"new_photo\"[^>]*>", html).group(0)
    assert 'accept="image/*"' in field
    assert "js/photo-field.js" in html


def test_library_picker_shows_thumbnails_and_captions_never_ids(client, two_tenants, media):
    a = two_tenants.a
    with_caption = photo_upload(actor=a.owner, kim=a.kim, file=jpeg(), caption="Balai desa")
    without = photo_upload(actor=a.owner, kim=a.kim, file=jpeg("b.jpg"))
    other_kim = photo_upload(
        actor=two_tenants.b.owner, kim=two_tenants.b.kim, file=jpeg("c.jpg"), caption="Lain"
    )
    client.force_login(a.member)
    html = client.get(create_url(a.kim)).content.decode()
    picker = html[html.index('class="photo-picker"') :]
    picker = picker[: picker.index("</div>")]
    assert "Balai desa" in picker
    assert picker.count("<img ") == 2
    assert with_caption.url_for(240) in picker
    captions = re.findall(r'<span class="photo-caption">([^<]*)</span>', picker)
    assert captions[0] == "Tanpa foto" and "Balai desa" in captions
    assert str(without).startswith("Foto ") and str(without) in captions  # named by its date
    assert not any(re.fullmatch(r"\d+/\d+", c) for c in captions)
    assert "Lain" not in picker and other_kim.url_for(240) not in picker


def test_picking_a_library_photo_sets_it(client, two_tenants, media):
    a = two_tenants.a
    photo = photo_upload(actor=a.owner, kim=a.kim, file=jpeg(), caption="Balai desa")
    client.force_login(a.owner)
    response = client.post(
        create_url(a.kim), {"title": "Rapat", "body": "Isi.", "photo": str(photo.pk)}
    )
    assert response.status_code == 302
    assert Post.objects.get(kim=a.kim).photo == photo


def test_post_written_without_the_editor_reopens_as_text_not_tags(client, two_tenants):
    a = two_tenants.a
    post = post_create(
        actor=a.owner,
        kim=a.kim,
        data={
            "title": "Rapat RT",
            "body": "Rapat Sabtu malam.\nDi balai desa.\n\nHarap hadir & tepat waktu.",
        },
    )
    client.force_login(a.owner)
    html = client.get(edit_url(post)).content.decode()
    textarea = re.search(r"<textarea[^>]*name=\"body\"[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert "&lt;p&gt;" not in textarea and "<p>" not in textarea
    assert (
        textarea.strip() == "Rapat Sabtu malam.\nDi balai desa.\n\nHarap hadir &amp; tepat waktu."
    )
    # Sent back unchanged, the body stays the same.
    client.post(
        edit_url(post), {"title": "Rapat RT", "body": textarea.strip().replace("&amp;", "&")}
    )
    post.refresh_from_db()
    assert (
        post.body
        == "<p>Rapat Sabtu malam.<br>Di balai desa.</p><p>Harap hadir &amp; tepat waktu.</p>"
    )


def test_rich_post_reopens_as_html_for_the_editor(client, two_tenants):
    a = two_tenants.a
    post = post_create(
        actor=a.owner, kim=a.kim, data={"title": "Rapat", "body": "<p><strong>Penting</strong></p>"}
    )
    client.force_login(a.owner)
    html = client.get(edit_url(post)).content.decode()
    assert "&lt;p&gt;&lt;strong&gt;Penting" in html


def test_empty_library_shows_no_picker_only_the_camera(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.member)
    html = client.get(create_url(a.kim)).content.decode()
    assert 'class="photo-picker"' not in html
    assert 'type="hidden" name="photo"' in html
    assert 'name="new_photo"' in html


def test_photo_without_caption_is_named_by_its_date_not_by_ids(two_tenants, media):
    a = two_tenants.a
    photo = photo_upload(actor=a.owner, kim=a.kim, file=jpeg())
    assert str(photo).startswith("Foto ")
    assert f"{a.kim.pk}/{photo.pk}" not in str(photo)


@pytest.mark.parametrize("kind", ["potensi", "galeri"])
def test_content_forms_pick_photos_by_thumbnail(client, two_tenants, media, kind):
    a = two_tenants.a
    photo = photo_upload(actor=a.owner, kim=a.kim, file=jpeg(), caption="Air terjun Riam")
    client.force_login(a.owner)
    url = reverse("sites:manage_content_create", kwargs={"kim": a.kim.slug, "kind": kind})
    html = client.get(url).content.decode()
    assert 'class="photo-picker"' in html
    assert photo.url_for(240) in html and "Air terjun Riam" in html
    assert "css/editor-photos.css" in html


def test_picker_leaves_out_logos_but_keeps_the_posts_own_photo(client, two_tenants, media):
    a = two_tenants.a
    logo = photo_upload(actor=a.owner, kim=a.kim, file=jpeg(), caption="Logo", purpose="logo")
    client.force_login(a.owner)
    assert logo.url_for(240) not in client.get(create_url(a.kim)).content.decode()
    post = post_create(actor=a.owner, kim=a.kim, data={"title": "Rapat", "body": "Isi."})
    Post.objects.filter(pk=post.pk).update(photo=logo)
    response = client.post(
        edit_url(post), {"title": "Rapat RT", "body": "Isi.", "photo": str(logo.pk)}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Rapat RT" and post.photo == logo


def test_save_and_publish_keeps_the_edits(client, two_tenants):
    """Publishing from the edit page saves what was typed first (a separate "Terbitkan"
    above the form threw unsaved edits away)."""
    from jembatan.sites.models import Post
    from jembatan.sites.services import post_create

    a = two_tenants.a
    post = post_create(
        actor=a.owner, kim=a.kim, data={"title": "Judul lama", "body": "<p>Isi.</p>"}
    )
    client.force_login(a.owner)
    url = f"/kelola/kim/{a.kim.slug}/berita/{post.pk}/"
    page = client.get(url).content.decode()
    assert 'name="then" value="publish"' in page
    assert 'name="action" value="publish"' not in page  # no second, form-less publish
    response = client.post(
        url, {"title": "Judul baru", "body": "<p>Isi.</p>", "slug": post.slug, "then": "publish"}
    )
    assert response.status_code == 302
    post = Post.objects.get(pk=post.pk)
    assert post.title == "Judul baru" and post.status == "published"
