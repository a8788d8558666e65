"""A post's or product's photo: chosen from the KIM's own photos, shown through srcset."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jembatan.sites.models import Post, Product
from jembatan.sites.photo_services import photo_upload
from jembatan.sites.services import post_create, post_transition


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(actor, kim, caption="Warga bergotong royong"):
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 700), "#2a7").save(buffer, "JPEG")
    file = SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")
    return photo_upload(actor=actor, kim=kim, file=file, caption=caption)


def test_post_with_photo_shows_picture_caption_and_share_image(client, two_tenants):
    a = two_tenants.a
    photo = upload(a.owner, a.kim)
    client.force_login(a.owner)
    client.post(
        reverse("sites:manage_post_create", kwargs={"kim": a.kim.slug}),
        {"title": "Kerja bakti", "body": "Isi.", "photo": photo.pk},
    )
    post = Post.objects.get()
    assert post.photo == photo
    post_transition(actor=a.owner, post=post, action="publish")
    client.logout()
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<source type="image/webp"' in html
    assert "<figcaption>Warga bergotong royong</figcaption>" in html
    assert f'property="og:image" content="http://testserver{photo.default_url}"' in html


def test_another_kims_photo_cannot_be_attached(client, two_tenants):
    a, b = two_tenants.a, two_tenants.b
    theirs = upload(b.owner, b.kim)
    client.force_login(a.owner)
    response = client.post(
        reverse("sites:manage_post_create", kwargs={"kim": a.kim.slug}),
        {"title": "Kerja bakti", "body": "Isi.", "photo": theirs.pk},
    )
    assert response.status_code == 200
    assert not Post.objects.exists()
    with pytest.raises(Exception, match="milik KIM lain"):
        post_create(actor=a.owner, kim=a.kim, data={"title": "x", "body": "y", "photo": theirs})


def test_product_photo(client, two_tenants):
    a = two_tenants.a
    photo = upload(a.owner, a.kim, caption="Lada putih")
    client.force_login(a.owner)
    client.post(
        reverse("sites:manage_content_create", kwargs={"kim": a.kim.slug, "kind": "produk"}),
        {"title": "Lada", "photo": photo.pk, "body": "x", "is_published": "on"},
    )
    product = Product.objects.get()
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Lada putih" in html and "srcset=" in html
