"""Uploads on S3-compatible object storage, against a real S3 server (moto's, started by
jembatan.testing.s3): written by one app server, read by another; private objects never
public; no object left by a failed upload; renditions never looked up in the bucket."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from jembatan.core import images
from jembatan.core.backup import create_backup, read_manifest, restore_backup
from jembatan.core.storage import private_storage
from jembatan.core.tests.test_backup import target  # noqa: F401 (fixture)
from jembatan.core.tests.test_settings import (
    assert_one_line_config_error,
    production_env,
    run_manage,
)
from jembatan.sites import photo_services
from jembatan.sites.photo_services import photo_upload
from jembatan.testing.factories import InfoDocumentFactory
from jembatan.testing.s3 import make_buckets

pytestmark = pytest.mark.django_db


def jpeg(width: int = 1200, height: int = 800) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 110, 170)).save(out, "JPEG")
    return out.getvalue()


def upload(data: bytes, name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (test server)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def local_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def as_app_server(settings, root: Path) -> None:
    """Settings of one app server: its own local directories, fresh storage objects."""
    settings.MEDIA_ROOT = root / "media"
    settings.PPID_PRIVATE_ROOT = root / "private"
    settings.STORAGES = dict(settings.STORAGES)  # new storage instances, nothing remembered


def test_a_file_uploaded_on_one_app_server_is_read_on_another(
    s3_buckets, settings, two_tenants, tmp_path, client
):
    side = two_tenants.a
    as_app_server(settings, tmp_path / "server-a")
    photo = photo_upload(actor=side.member, kim=side.kim, file=upload(jpeg()), caption="Panen")
    document = InfoDocumentFactory(title="APBDes 2026", is_published=True)
    document.file.save("apbdes.pdf", ContentFile(b"%PDF-1.4 contoh\n%%EOF\n"))
    assert f"photos/{side.kim.pk}/" in photo.master
    assert set(s3_buckets.keys(s3_buckets.public)) == set(photo.paths)
    assert s3_buckets.keys(s3_buckets.private) == [document.file.name]

    as_app_server(settings, tmp_path / "server-b")
    status, body = fetch(photo.default_url)
    assert photo.default_url.startswith(f"{s3_buckets.endpoint}/{s3_buckets.public}/")
    assert status == 200 and body.startswith(b"\xff\xd8")
    response = client.get(f"/ppid/dokumen/{document.pk}/unduh/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 contoh\n%%EOF\n"
    assert response["Cache-Control"] == "private, no-store"
    # Neither app server kept a copy: the bucket is the only place of the files.
    assert local_files(tmp_path / "server-a") == [] and local_files(tmp_path / "server-b") == []


def test_a_private_object_is_refused_by_the_server_without_a_signature(s3_buckets, settings):
    name = private_storage().save("ppid/dokumen/2026/ktp.jpg", ContentFile(jpeg(40, 30)))
    public_name = default_storage.save("informasi/2026/12/leaflet.pdf", ContentFile(b"%PDF-1"))
    assert fetch(default_storage.url(public_name)) == (200, b"%PDF-1")
    plain = f"{s3_buckets.endpoint}/{s3_buckets.private}/{name}"
    assert fetch(plain)[0] == 403
    signed = private_storage().url(name)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=60" in signed
    assert fetch(signed)[0] == 200
    # A missing object is a 404 page, not an error.
    from django.db.models.fields.files import FieldFile
    from django.http import Http404

    from jembatan.core.storage import private_file_response
    from jembatan.disclosure.models import InfoDocument

    gone = FieldFile(InfoDocument(), InfoDocument._meta.get_field("file"), "ppid/x.pdf")
    with pytest.raises(Http404):
        private_file_response(gone, "x.pdf")


def test_a_photo_whose_row_is_not_saved_leaves_no_object(s3_buckets, two_tenants, monkeypatch):
    side = two_tenants.a

    def refuse(**kwargs):
        raise RuntimeError("audit refused")

    monkeypatch.setattr(photo_services, "audit_record", refuse)
    with pytest.raises(RuntimeError):
        photo_upload(actor=side.member, kim=side.kim, file=upload(jpeg()))
    assert s3_buckets.keys(s3_buckets.public) == []


def test_a_photo_failing_halfway_through_its_renditions_leaves_no_object(
    s3_buckets, two_tenants, monkeypatch
):
    side = two_tenants.a
    written: list[str] = []

    def count(request, **kwargs):
        written.append(request.url)

    default_storage.connection.meta.client.meta.events.register("before-send.s3.PutObject", count)

    def broken(master, width):
        raise OSError("encoder failed")

    monkeypatch.setattr(images, "_resized", broken)
    with pytest.raises(Exception):  # noqa: B017 (the service turns it into ValidationError)
        photo_upload(actor=side.member, kim=side.kim, file=upload(jpeg()))
    assert written, "the master was written before the failure"
    assert s3_buckets.keys(s3_buckets.public) == []


def test_renditions_are_made_once_and_pages_never_ask_the_bucket(s3_buckets, two_tenants):
    side = two_tenants.a
    photo = photo_upload(actor=side.member, kim=side.kim, file=upload(jpeg()))
    requests: list[str] = []

    def count(request, **kwargs):
        requests.append(request.url)

    for connection in (default_storage.connection, default_storage.unsigned_connection):
        connection.meta.client.meta.events.register("before-send.s3", count)
    template = Template("{% load photos %}{% photo photo %}")
    for _ in range(3):
        html = template.render(Context({"photo": photo}))
    assert "960w" in html and f"/{s3_buckets.public}/photos/" in html
    assert photo.url_for(480, "webp").endswith("/480.webp")
    assert requests == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_buckets_objects_and_restores_them_into_new_buckets(
    s3_server,
    settings,
    two_tenants,
    tmp_path,
    target,  # noqa: F811 (the fixture)
):
    first = make_buckets(s3_server)
    settings.STORAGES = {**settings.STORAGES, **first.storages}
    side = two_tenants.a
    photo = photo_upload(actor=side.member, kim=side.kim, file=upload(jpeg(640, 480)))
    document = InfoDocumentFactory(title="Laporan")
    document.file.save("laporan.pdf", ContentFile(b"%PDF-1.4 laporan\n%%EOF\n"))
    archive = create_backup(tmp_path / "backups")
    assert read_manifest(archive)["files"] == {"media": len(photo.paths), "private": 1}

    second = make_buckets(s3_server)
    settings.STORAGES = {**settings.STORAGES, **second.storages}
    report = restore_backup(archive, database=target)
    assert report.files == len(photo.paths) + 1
    assert second.keys(second.public) == first.keys(first.public)
    assert second.keys(second.private) == first.keys(first.private)
    assert fetch(default_storage.url(photo.master))[0] == 200
    private_key = second.keys(second.private)[0]
    assert fetch(f"{second.endpoint}/{second.private}/{private_key}")[0] == 403
    with private_storage().open(document.file.name, "rb") as restored:
        assert restored.read() == b"%PDF-1.4 laporan\n%%EOF\n"


SHOW_STORAGES = (
    "from django.conf import settings as s;"
    "d, p = s.STORAGES['default'], s.STORAGES['private'];"
    "print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['default_acl'],"
    " d['OPTIONS']['querystring_auth'], p['OPTIONS']['bucket_name'],"
    " repr(p['OPTIONS']['location']), p['OPTIONS']['default_acl'],"
    " p['OPTIONS']['querystring_expire'], d['OPTIONS']['endpoint_url'])"
)


def last_line(result) -> list[str]:
    """The shell's printed answer (it may first say what it imported)."""
    return result.stdout.strip().splitlines()[-1].split()


@pytest.mark.once  # a clean process on a SQLite file of its own
def test_the_environment_switches_the_uploads_to_buckets(tmp_path):
    env = production_env(
        tmp_path,
        S3_BUCKET="kim-media",
        S3_PRIVATE_BUCKET="kim-private",
        S3_ENDPOINT_URL="https://s3.example.go.id",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
    )
    result = run_manage(env, "shell", "-c", SHOW_STORAGES)
    assert result.returncode == 0, result.stderr
    assert last_line(result) == [
        "storages.backends.s3.S3Storage",
        "kim-media",
        "public-read",
        "False",
        "kim-private",
        "''",
        "private",
        "60",
        "https://s3.example.go.id",
    ]
    shared = run_manage(
        production_env(tmp_path, S3_BUCKET="kim-media", S3_PUBLIC_ACL=""),
        "shell",
        "-c",
        SHOW_STORAGES,
    )
    assert last_line(shared)[2] == "None" and last_line(shared)[4:7] == [
        "kim-media",
        "'private'",
        "private",
    ]
    local = run_manage(
        production_env(tmp_path),
        "shell",
        "-c",
        "from django.conf import settings as s; print(sorted(s.STORAGES))",
    )
    assert local.stdout.strip().splitlines()[-1] == "['default', 'staticfiles']"
    lone = run_manage(production_env(tmp_path, S3_PRIVATE_BUCKET="kim-private"), "check")
    assert "S3_PRIVATE_BUCKET" in assert_one_line_config_error(lone)


def test_an_object_deleted_during_a_backup_is_left_out(s3_buckets, tmp_path, monkeypatch):
    from jembatan.core import backup_objects

    kept = default_storage.save("informasi/2026/12/tetap.pdf", ContentFile(b"%PDF-1 tetap"))
    gone = default_storage.save("informasi/2026/12/hilang.pdf", ContentFile(b"%PDF-1 hilang"))
    listed = list(backup_objects.object_names(default_storage))
    assert sorted(listed) == sorted([kept, gone])
    default_storage.delete(gone)  # after the listing, before the download
    monkeypatch.setattr(backup_objects, "object_names", lambda storage: listed)
    written = backup_objects.download_objects(default_storage, tmp_path / "media")
    assert [p.relative_to(tmp_path / "media").as_posix() for p in written] == [kept]
    assert written[0].read_bytes() == b"%PDF-1 tetap"


def test_pages_may_show_images_and_videos_from_the_bucket(s3_buckets, client, two_tenants):
    """The links of public uploads go to the bucket's origin: the page's CSP allows images
    and videos from there (and from nowhere else)."""
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["img-src"] == f"'self' data: {s3_buckets.endpoint}"
    assert directives["media-src"] == f"'self' {s3_buckets.endpoint}"
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"


def test_without_a_bucket_the_csp_names_no_other_origin(settings, client, two_tenants):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "http" not in policy and "media-src" not in policy
    assert "img-src 'self' data:;" in policy
