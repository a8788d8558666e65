"""Photos: checked by content, metadata stripped, renditions made on upload, tenant-safe."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms, ImageFile

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AuditLog
from jembatan.core import images
from jembatan.core.images import rendition_widths, validate_image
from jembatan.sites import photo_services
from jembatan.sites.photo_services import photo_delete, photo_upload
from jembatan.sites.photos_model import Photo

# --- images made in memory ---------------------------------------------------------


def noise(size: tuple[int, int]) -> Image.Image:
    """Random pixels, so that JPEGs are not tiny and resizing is real work."""
    return Image.frombytes("RGB", size, random.Random(size[0]).randbytes(3 * size[0] * size[1]))


def encode(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.Model] = "Redmi 9A"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)  # tag 34853
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (0.0, 55.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (109.0, 28.0, 1.0)
    return exif


def jpeg_with_gps(size=(1200, 900), orientation: int | None = None) -> bytes:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(
        noise(size),
        "JPEG",
        exif=gps_exif(orientation),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPS 0.92,109.46</x:xmpmeta>',
        comment=b"Lokasi rumah",
        icc_profile=srgb,
    )


def upload(content: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size but holds almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


def open_stored(path: str) -> tuple[Image.Image, bytes]:
    with default_storage.open(path) as fh:
        data = fh.read()
    im = Image.open(io.BytesIO(data))
    im.load()
    return im, data


# --- metadata, orientation, renditions ---------------------------------------------


def test_exif_gps_xmp_icc_and_comment_are_stripped_from_every_file(two_tenants, media):
    a = two_tenants.a
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(34853)  # the input has GPS
    photo = photo_upload(actor=a.member, kim=a.kim, file=upload(original), caption="Posyandu")

    assert len(photo.paths) == 1 + 2 * 3
    for path in photo.paths:
        im, data = open_stored(path)
        assert not im.getexif(), path
        assert not im.getexif().get_ifd(34853), path
        for key in ("exif", "xmp", "icc_profile", "comment"):
            assert key not in im.info, (path, key)
        assert b"Exif\x00\x00" not in data
        assert b"109.46" not in data and b"Redmi" not in data and b"Lokasi" not in data
    # The upload itself is not kept: only the re-encoded files exist.
    assert len(stored_files(media)) == len(photo.paths)


def test_orientation_is_applied(two_tenants, media):
    a = two_tenants.a
    photo = photo_upload(
        actor=a.member, kim=a.kim, file=upload(jpeg_with_gps((800, 600), orientation=6))
    )
    assert (photo.width, photo.height) == (600, 800)
    master, _data = open_stored(photo.master)
    assert master.size == (600, 800)
    assert master.format == "JPEG"


def test_renditions_in_both_formats_without_upscaling(two_tenants, media):
    a = two_tenants.a
    photo = photo_upload(
        actor=a.member, kim=a.kim, file=upload(encode(noise((3000, 1500)), "JPEG"))
    )
    # The master is at most 2400 px; the renditions are 480, 960 and 1600 wide.
    assert (photo.width, photo.height) == (2400, 1200)
    assert sorted({(r["width"], r["format"]) for r in photo.renditions}) == [
        (w, f) for w in (480, 960, 1600) for f in ("jpeg", "webp")
    ]
    for r in photo.renditions:
        im, _data = open_stored(r["path"])
        assert im.format == {"jpeg": "JPEG", "webp": "WEBP"}[r["format"]]
        assert im.size == (r["width"], r["width"] // 2) == (r["width"], r["height"])
        assert r["path"].startswith(f"photos/{a.kim.pk}/")
        assert r["path"].endswith(f"/{r['width']}.{'jpg' if r['format'] == 'jpeg' else 'webp'}")
    progressive, _data = open_stored(photo.url_for(960, "jpeg").removeprefix("/media/"))
    assert progressive.info.get("progressive") or progressive.info.get("progression")

    small = photo_upload(actor=a.member, kim=a.kim, file=upload(encode(noise((300, 200)), "PNG")))
    assert {r["width"] for r in small.renditions} == {300}
    assert (small.width, small.height) == (300, 200)


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (300, [300]),
        (480, [480]),
        (700, [480, 700]),
        (960, [480, 960]),
        (1200, [480, 960, 1200]),
        (1600, [480, 960, 1600]),
        (2400, [480, 960, 1600]),
    ],
)
def test_rendition_widths_never_upscale(width, expected):
    assert rendition_widths(width) == expected


def test_transparent_png_is_flattened_on_white(two_tenants, media):
    a = two_tenants.a
    im = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    photo = photo_upload(actor=a.member, kim=a.kim, file=upload(encode(im, "PNG"), "logo.png"))
    master, _data = open_stored(photo.master)
    assert master.mode == "RGB"
    assert master.getpixel((50, 50)) == (255, 255, 255)


# --- content, not names ----------------------------------------------------------------


def test_a_png_named_jpg_is_accepted_as_png(two_tenants, media):
    a = two_tenants.a
    content = encode(noise((640, 480)), "PNG")
    assert validate_image(upload(content, "foto.jpg")).format == "PNG"
    photo = photo_upload(actor=a.member, kim=a.kim, file=upload(content, "foto.jpg"))
    assert photo.width == 640


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (encode(noise((100, 80)), "WEBP"), "foto.webp"),
        (
            encode(noise((100, 80)), "MPO", save_all=True, append_images=[noise((100, 80))]),
            "IMG_20240101.jpg",
        ),
    ],
    ids=["webp", "mpo-from-a-phone-camera"],
)
def test_webp_and_phone_mpo_jpegs_are_accepted(two_tenants, media, content, name):
    a = two_tenants.a
    photo = photo_upload(actor=a.member, kim=a.kim, file=upload(content, name))
    assert (photo.width, photo.height) == (100, 80)


def refused(media, two_tenants, file) -> ValidationError:
    a = two_tenants.a
    with pytest.raises(ValidationError) as caught:
        photo_upload(actor=a.member, kim=a.kim, file=file)
    assert not Photo.objects.exists()
    assert not AuditLog.objects.filter(action="photo.upload").exists()
    assert stored_files(media) == []
    return caught.value


def test_a_text_file_named_jpg_is_refused(two_tenants, media):
    error = refused(media, two_tenants, upload(b"<?php echo 'halo'; ?>\n" * 20, "foto.jpg"))
    assert error.message_dict["file"] == ["Berkas ini bukan gambar JPEG, PNG atau WebP."]


def test_an_empty_file_is_refused(two_tenants, media):
    error = refused(media, two_tenants, upload(b"", "foto.jpg"))
    assert "bukan gambar" in error.message_dict["file"][0]


def test_a_gif_is_refused(two_tenants, media):
    gif = encode(Image.new("P", (50, 50)), "GIF")
    error = refused(media, two_tenants, upload(gif, "animasi.jpg"))
    assert error.message_dict["file"] == ["Berkas ini bukan gambar JPEG, PNG atau WebP."]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_image_is_refused(two_tenants, media, fmt):
    content = encode(noise((400, 300)), fmt)
    error = refused(media, two_tenants, upload(content[: len(content) // 2]))
    assert "rusak atau tidak lengkap" in error.message_dict["file"][0]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_an_oversized_file_is_refused(two_tenants, media, settings):
    settings.MAX_UPLOAD_BYTES = 100 * 1024
    content = encode(noise((400, 300)), "PNG")
    assert len(content) > 100 * 1024
    error = refused(media, two_tenants, upload(content))
    assert error.message_dict["file"] == ["Berkas terlalu besar (0,4 MB). Batasnya 0,1 MB."]


@pytest.mark.parametrize(
    ("size", "limit"),
    [
        ((8000, 8000), 40_000_000),  # over our limit, under Pillow's
        ((10000, 10000), 150_000_000),  # over Pillow's warning threshold only
        ((20000, 20000), 40_000_000),  # over Pillow's hard limit (DecompressionBombError)
    ],
)
def test_a_decompression_bomb_is_refused_without_decoding(
    two_tenants, media, settings, monkeypatch, size, limit
):
    settings.MAX_IMAGE_PIXELS = limit

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    bomb = png_declaring(*size)
    assert len(bomb) < 200
    error = refused(media, two_tenants, upload(bomb, "bom.png", "image/png"))
    assert error.message_dict["file"][0].startswith("Gambar terlalu besar")


def test_pixel_limit_applies_to_real_images(two_tenants, media, settings):
    settings.MAX_IMAGE_PIXELS = 10_000
    error = refused(media, two_tenants, upload(encode(noise((200, 100)), "JPEG")))
    assert "megapiksel" in error.message_dict["file"][0]


def test_failure_while_rendering_leaves_no_files(two_tenants, media, monkeypatch):
    real_encode = images._encode
    calls = []

    def failing(im, fmt):
        calls.append(fmt)
        if len(calls) == 4:
            raise OSError("disk full")
        return real_encode(im, fmt)

    monkeypatch.setattr(images, "_encode", failing)
    error = refused(media, two_tenants, upload(encode(noise((1200, 900)), "JPEG")))
    assert "tidak dapat diproses" in error.message_dict["file"][0]


def test_failure_while_saving_the_row_leaves_no_files(two_tenants, media, monkeypatch):
    a = two_tenants.a

    def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(photo_services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        photo_upload(actor=a.member, kim=a.kim, file=upload(encode(noise((600, 400)), "JPEG")))
    assert not Photo.objects.exists()
    assert stored_files(media) == []


# --- permissions and tenant isolation ---------------------------------------------------


def manage(name, kim, **kw):
    return reverse(f"sites:{name}", kwargs={"kim": kim.slug, **kw})


def test_upload_through_the_page(client, two_tenants, media):
    a = two_tenants.a
    client.force_login(a.member)
    page = client.get(manage("manage_photos", a.kim)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page
    response = client.post(
        manage("manage_photos", a.kim),
        {
            "file": upload(jpeg_with_gps((1000, 750))),
            "caption": "Kerja bakti",
            "alt_text": "Warga membersihkan parit",
        },
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.kim, photo.uploaded_by, photo.caption) == (a.kim, a.member, "Kerja bakti")
    assert audit_for(photo).get().action == "photo.upload"
    page = client.get(manage("manage_photos", a.kim)).content.decode()
    assert "Kerja bakti" in page and 'alt="Warga membersihkan parit"' in page


def test_a_fake_image_shows_a_message_and_stores_nothing(client, two_tenants, media):
    a = two_tenants.a
    client.force_login(a.member)
    response = client.post(
        manage("manage_photos", a.kim),
        {"file": upload(b"bukan gambar", "foto.jpg"), "caption": "Coba"},
    )
    assert response.status_code == 200
    assert "Berkas ini bukan gambar JPEG, PNG atau WebP." in response.content.decode()
    assert 'value="Coba"' in response.content.decode()
    assert not Photo.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("who", ["outsider", "other_kim_member"])
def test_outsiders_get_404_and_nothing_is_stored(client, two_tenants, media, who):
    a, b = two_tenants.a, two_tenants.b
    client.force_login(a.outsider if who == "outsider" else b.member)
    url = manage("manage_photos", a.kim)
    assert client.get(url).status_code == 404
    response = client.post(url, {"file": upload(encode(noise((300, 200)), "JPEG"))})
    assert response.status_code == 404
    assert not Photo.objects.exists()
    assert stored_files(media) == []


def test_service_refuses_users_outside_the_kim(two_tenants, media):
    a, b = two_tenants.a, two_tenants.b
    for user in (a.outsider, b.owner):
        with pytest.raises(PermissionDenied):
            photo_upload(actor=user, kim=a.kim, file=upload(encode(noise((300, 200)), "JPEG")))
    assert stored_files(media) == []


@pytest.fixture
def owners_photo(two_tenants, media):
    a = two_tenants.a
    return photo_upload(actor=a.owner, kim=a.kim, file=upload(encode(noise((600, 400)), "JPEG")))


def test_an_anggota_cannot_delete_someone_elses_photo(client, two_tenants, owners_photo, media):
    a = two_tenants.a
    client.force_login(a.member)
    assert 'hapus/"' not in client.get(manage("manage_photos", a.kim)).content.decode()
    response = client.post(manage("manage_photo_delete", a.kim, pk=owners_photo.pk))
    assert response.status_code == 403
    assert Photo.objects.filter(pk=owners_photo.pk).exists()
    assert len(stored_files(media)) == len(owners_photo.paths)
    with pytest.raises(PermissionDenied):
        photo_delete(actor=a.member, photo=owners_photo)


def test_another_kim_cannot_reach_the_photo(client, two_tenants, owners_photo):
    a, b = two_tenants.a, two_tenants.b
    client.force_login(b.owner)
    assert client.post(manage("manage_photo_delete", a.kim, pk=owners_photo.pk)).status_code == 404
    assert client.post(manage("manage_photo_delete", b.kim, pk=owners_photo.pk)).status_code == 404
    assert client.get(manage("manage_photo_delete", a.kim, pk=owners_photo.pk)).status_code in {
        404,
        405,
    }
    assert Photo.objects.filter(pk=owners_photo.pk).exists()


def test_uploader_and_ketua_delete_and_files_go_after_commit(
    client, two_tenants, owners_photo, media, django_capture_on_commit_callbacks
):
    a = two_tenants.a
    own = photo_upload(actor=a.member, kim=a.kim, file=upload(encode(noise((500, 300)), "PNG")))
    client.force_login(a.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage("manage_photo_delete", a.kim, pk=own.pk))
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=own.pk).exists()
    assert len(stored_files(media)) == len(owners_photo.paths)

    client.force_login(a.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage("manage_photo_delete", a.kim, pk=owners_photo.pk))
    assert not Photo.objects.exists()
    assert stored_files(media) == []
    assert AuditLog.objects.filter(action="photo.delete").count() == 2


def test_the_kim_workspace_links_to_photos(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.member)
    page = client.get(reverse("communities:manage", kwargs={"kim": a.kim.slug})).content.decode()
    assert manage("manage_photos", a.kim) in page


# --- the template tag -----------------------------------------------------------------


def test_photo_tag_renders_both_formats_and_escapes_alt_text(two_tenants, media):
    a = two_tenants.a
    photo = photo_upload(
        actor=a.member,
        kim=a.kim,
        file=upload(encode(noise((1200, 800)), "JPEG")),
        alt_text='Balai "desa" <script>alert(1)</script> & kantor',
    )
    html = Template('{% load photos %}{% photo p sizes="50vw" %}').render(Context({"p": photo}))
    assert html.startswith("<picture>") and html.endswith("</picture>")
    assert '<source type="image/webp" srcset="' in html
    for width in (480, 960):
        assert f"/{width}.webp {width}w" in html
        assert f"/{width}.jpg {width}w" in html
    assert "/1200.jpg 1200w" in html
    assert f'src="/media/photos/{a.kim.pk}/' in html and '/960.jpg"' in html
    assert 'sizes="50vw"' in html
    assert 'width="960" height="640"' in html
    assert 'loading="lazy" decoding="async"' in html
    assert "<script>" not in html
    assert "Balai &quot;desa&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; kantor" in html

    assert Template("{% load photos %}{% photo p %}").render(Context({"p": None})) == ""
