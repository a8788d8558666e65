"""Backup and restore: an archive restored into an empty database holds everything."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from PIL import Image

from jembatan.aspirations import services as aspirations
from jembatan.aspirations.models import Aspiration, AspirationPhoto, Category
from jembatan.core.backup import (
    BackupError,
    _counts,
    create_backup,
    model_tables,
    read_manifest,
    restore_backup,
)
from jembatan.disclosure.models import InfoDocument
from jembatan.testing.factories import InfoDocumentFactory, region_chain

pytestmark = pytest.mark.django_db(transaction=True)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 60)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def site(two_tenants, settings, tmp_path):
    """A small site with rows in many tables, a photo in MEDIA_ROOT and a PPID file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PPID_PRIVATE_ROOT = tmp_path / "private"
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan")
    from django.core.files.uploadedfile import SimpleUploadedFile

    case, _ = aspirations.aspiration_submit(
        data={
            "region": region_chain("61.07.04.1010", "Sebalo"),
            "category": category,
            "description": "Jembatan gantung di dusun kami putus.",
            "visibility": "anonim",
            "reporter_phone": "081234567890",
        },
        photos=[SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")],
    )
    document = InfoDocumentFactory(title="APBDes 2026")
    document.file.save("apbdes.pdf", ContentFile(b"%PDF-1.4 contoh\n%%EOF\n"))
    return case, document


@pytest.fixture
def target(tmp_path):
    """An empty database of the same engine to restore into; dropped afterwards."""
    source = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        yield {"ENGINE": source["ENGINE"], "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = dict(connection.settings_dict, NAME="postgres")
    from jembatan.core.backup import _pg_dsn

    with psycopg.connect(_pg_dsn(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield dict(connection.settings_dict, NAME=name)
    with psycopg.connect(_pg_dsn(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rows(database, sql):
    if database["ENGINE"].endswith("sqlite3"):
        conn = sqlite3.connect(database["NAME"])
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    from jembatan.core.backup import _pg_dsn

    with psycopg.connect(_pg_dsn(database)) as conn:
        return conn.execute(sql).fetchall()


def test_a_restore_into_an_empty_database_finds_every_row_and_file(site, target, tmp_path, capsys):
    case, document = site
    archive = create_backup(tmp_path / "backups")
    manifest = read_manifest(archive)
    assert manifest["engine"] == connection.vendor
    assert manifest["counts"]["aspirations_aspiration"] == 1
    assert manifest["files"] == {"media": 1, "private": 1}

    roots = {"media": tmp_path / "restored-media", "private": tmp_path / "restored-private"}
    report = restore_backup(archive, database=target, roots=roots)
    assert report.mismatches == {} and report.files == 2
    # Every table, not a sample: the counts are the live database's.
    live = _counts(settings.DATABASES["default"], model_tables())
    assert live["aspirations_caseevent"] == 1 and live["accounts_auditlog"] >= 1
    assert _counts(target, model_tables()) == live
    assert rows(target, "SELECT code, description FROM aspirations_aspiration") == [
        (case.code, "Jembatan gantung di dusun kami putus.")
    ]
    assert rows(target, "SELECT title FROM disclosure_infodocument") == [("APBDes 2026",)]
    photo = AspirationPhoto.objects.get(aspiration=case)
    assert (roots["media"] / photo.file.name).read_bytes() == Path(photo.file.path).read_bytes()
    document = InfoDocument.objects.get(pk=document.pk)
    restored = roots["private"] / document.file.name
    assert restored.read_bytes() == b"%PDF-1.4 contoh\n%%EOF\n"

    # The commands: a backup; a restore over the live site is refused.
    call_command("backup", output=str(tmp_path / "out"))
    out = capsys.readouterr().out
    assert out.startswith("Backup written: ") and "2 files" in out
    archive = next((tmp_path / "out").glob("jembatan-backup-*.tar"))
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "none.tar"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))  # into the live database: refused
    assert Aspiration.objects.count() == 1
    # The target now holds a site: refused without force, replaced with it.
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(archive, database=target, roots=roots)
    report = restore_backup(archive, database=target, roots=roots, force=True)
    assert report.mismatches == {} and report.files == 2
    assert rows(target, "SELECT count(*) FROM aspirations_aspiration") == [(1,)]


def rewritten(archive: Path, out: Path, change) -> Path:
    """A copy of the archive with each member passed through change (None drops it)."""
    with tarfile.open(archive) as source, tarfile.open(out, "w") as copy:
        for member in source.getmembers():
            data = change(member, source.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                copy.addfile(member, io.BytesIO(data))
    return out


def test_damaged_foreign_and_bogus_archives_are_refused_before_anything_is_written(site, tmp_path):
    archive = create_backup(tmp_path / "backups")
    untouched = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "t.sqlite3")}
    if connection.vendor == "postgresql":
        untouched = dict(settings.DATABASES["default"], NAME="jembatan_never_created")
    roots = {"media": tmp_path / "m", "private": tmp_path / "p"}

    def drop_private(member, data):
        return None if member.name.startswith("private/") else data

    damaged = rewritten(archive, tmp_path / "damaged.tar", drop_private)
    with pytest.raises(BackupError, match=r"1 of 2 files\. Nothing was restored"):
        restore_backup(damaged, database=untouched, roots=roots, force=True)

    def other_engine(member, data):
        if member.name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["engine"] = "sqlite" if manifest["engine"] == "postgresql" else "postgresql"
        return json.dumps(manifest).encode()

    foreign = rewritten(archive, tmp_path / "foreign.tar", other_engine)
    with pytest.raises(BackupError, match="backup is of a"):
        restore_backup(foreign, database=untouched, roots=roots, force=True)
    bogus = tmp_path / "bogus.tar"
    bogus.write_bytes(b"not a tar file at all")
    with pytest.raises(BackupError, match="not a Jembatan backup"):
        restore_backup(bogus, database=untouched, roots=roots, force=True)
    assert not roots["media"].exists() and not roots["private"].exists()
    assert not Path(tmp_path / "t.sqlite3").exists()
