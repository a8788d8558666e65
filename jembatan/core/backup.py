"""Back up and restore the database and the uploaded files in one archive.

An archive is a plain tar file:

* ``manifest.json``: format version, when, the database engine, the last migration of
  every app, the row count of every table and the number of files;
* ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``: a consistent snapshot) or
  ``database.sqlite3`` (SQLite's online backup API: a consistent copy of a live file);
* ``media/...``: ``MEDIA_ROOT`` (photos, attachments, lesson files);
* ``private/...``: ``PPID_PRIVATE_ROOT`` (PPID documents and answers, never public).

On object storage (S3_BUCKET, docs/storage.md) ``media/`` and ``private/`` hold the
objects of the public and the private bucket, downloaded (core.backup_objects); a restore
uploads them again.

The files are read after the database, so every file a row of the dump points at is in
the archive (a file uploaded during the backup may be there without its row: harmless).

A restore goes into an empty database only (``force`` replaces what is there), puts the
files back, and then compares the row count of every table with the manifest: a restore
that does not find everything fails loudly instead of leaving a partial site.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

from jembatan.core.backup_objects import bucket_storages, download_objects, upload_objects

FORMAT = 1
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FILE_ROOTS = ("media", "private")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in one line."""


@dataclass
class RestoreReport:
    engine: str
    tables: int
    rows: int
    files: int
    mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)


def engine_of(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Unsupported database engine {engine}.")


def file_roots() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PPID_PRIVATE_ROOT)}


def model_tables() -> list[str]:
    """Every table Django manages (models and many-to-many tables), sorted."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return sorted(tables)


# --- Reading a database that is not Django's connection (the restore target) --------------


def _pg_dsn(database: dict[str, Any]) -> str:
    parts = {
        "dbname": database.get("NAME") or "",
        "user": database.get("USER") or "",
        "password": database.get("PASSWORD") or "",
        "host": database.get("HOST") or "",
        "port": str(database.get("PORT") or ""),
    }
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _pg_args(database: dict[str, Any]) -> list[str]:
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [option, str(database[key])]
    return args


def _counts(database: dict[str, Any], tables: list[str]) -> dict[str, int]:
    """Rows per table in the given database (tables that do not exist: -1)."""
    engine = engine_of(database)
    counts: dict[str, int] = {}
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(_pg_dsn(database), autocommit=True) as conn:
            present = {
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            }
            for table in tables:
                counts[table] = (
                    _count(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone())  # noqa: S608
                    if table in present
                    else -1
                )
        return counts
    name = str(database["NAME"])
    db = sqlite3.connect(name, uri=name.startswith("file:"))
    try:
        present = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        for table in tables:
            counts[table] = (
                _count(db.execute(f'SELECT count(*) FROM "{table}"').fetchone())  # noqa: S608
                if table in present
                else -1
            )
    finally:
        db.close()
    return counts


def _count(row: Sequence[Any] | None) -> int:
    """The answer of a ``SELECT count(*)``, which always has its one row."""
    assert row is not None
    return int(row[0])


def _live_counts(tables: list[str]) -> dict[str, int]:
    """Rows per table through Django's own connection (the source of a backup)."""
    connection = connections["default"]
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            if table not in existing:
                counts[table] = -1
                continue
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = _count(cursor.fetchone())
    return counts


def _migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections["default"]).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


# --- Backup ------------------------------------------------------------------------------


def _dump_database(engine: str, target: Path) -> None:
    database = settings.DATABASES["default"]
    if engine == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise BackupError("pg_dump not found: install the PostgreSQL client tools.")
        result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-acl",
                "--file",
                str(target),
                *_pg_args(database),
                str(database["NAME"]),
            ],
            env=_pg_env(database),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip().splitlines()[-1:]}")
        return
    connection = connections["default"]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _walk(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def create_backup(directory: Path) -> Path:
    """Write a backup archive into ``directory``; returns its path."""
    engine = engine_of(settings.DATABASES["default"])
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    archive = directory / f"jembatan-backup-{stamp}.tar"
    tables = model_tables()
    with tempfile.TemporaryDirectory(prefix="jembatan-backup-") as work:
        dump = Path(work) / DUMP_NAMES[engine]
        # Counted just before the snapshot: the dump holds at least these rows.
        counts = _live_counts(tables)
        _dump_database(engine, dump)
        roots = file_roots()
        for name, storage in bucket_storages().items():
            roots[name] = Path(work) / "objects" / name
            download_objects(storage, roots[name])
        files = {name: list(_walk(root)) for name, root in roots.items()}
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "migrations": _migrations(),
            "counts": counts,
            "files": {name: len(paths) for name, paths in files.items()},
        }
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=DUMP_NAMES[engine])
            for name, paths in files.items():
                root = roots[name]
                for path in paths:
                    tar.add(path, arcname=f"{name}/{path.relative_to(root).as_posix()}")
        partial.replace(archive)  # never a half-written archive under the final name
    return archive


# --- Restore -----------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest = json.load(member)
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"{archive} is not a Jembatan backup ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: unknown backup format {manifest.get('format')!r}.")
    return manifest


def _is_empty(database: dict[str, Any]) -> bool:
    counts = _counts(database, ["django_migrations"])
    return counts["django_migrations"] <= 0


def _restore_database(engine: str, dump: Path, database: dict[str, Any], force: bool) -> None:
    if engine == "postgresql":
        pg_restore = shutil.which("pg_restore")
        if pg_restore is None:
            raise BackupError("pg_restore not found: install the PostgreSQL client tools.")
        clean = ["--clean", "--if-exists"] if force else []
        result = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
            [
                pg_restore,
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                *clean,
                *_pg_args(database),
                "--dbname",
                str(database["NAME"]),
                str(dump),
            ],
            env=_pg_env(database),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip().splitlines()[-1:]}")
        return
    target = Path(database["NAME"])
    if str(target) == ":memory:" or str(target).startswith("file:"):
        raise BackupError("Restore into a SQLite file, not an in-memory database.")
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def restore_backup(
    archive: Path,
    *,
    database: dict[str, Any] | None = None,
    roots: dict[str, Path] | None = None,
    force: bool = False,
) -> RestoreReport:
    """Restore ``archive`` into ``database`` (default: the site's) and the file roots.

    Refuses a database that already holds a site unless ``force``; afterwards every
    table must hold at least the rows the manifest counted (just before the snapshot,
    so a row written during the backup may add one) and every file must be back, or
    BackupError is raised.
    """
    database = database or settings.DATABASES["default"]
    buckets = {} if roots else bucket_storages()
    roots = roots or file_roots()
    manifest = read_manifest(archive)
    engine = engine_of(database)
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database; the target is {engine}."
        )
    if not force and not _is_empty(database):
        raise BackupError(
            "The target database is not empty; restore into an empty database "
            "(or pass --force to replace it)."
        )
    with tempfile.TemporaryDirectory(prefix="jembatan-restore-") as work:
        with tarfile.open(archive, "r") as tar:
            members = [m for m in tar.getmembers() if m.isfile()]
            names = {m.name for m in members}
            if DUMP_NAMES[engine] not in names:
                raise BackupError(f"{archive} has no {DUMP_NAMES[engine]}.")
            for member in members:
                top = member.name.split("/", 1)[0]
                if member.name == DUMP_NAMES[engine]:
                    tar.extract(member, work, filter="data")
                elif top in FILE_ROOTS:
                    # The "data" filter refuses absolute paths, "..", links and devices.
                    tar.extract(member, work, filter="data")
        extracted = {name: list(_walk(Path(work) / name)) for name in FILE_ROOTS}
        files = sum(len(paths) for paths in extracted.values())
        wanted_files = sum(manifest["files"].values())
        if files != wanted_files:  # checked before anything is written
            raise BackupError(
                f"Archive incomplete: {files} of {wanted_files} files. Nothing was restored."
            )
        _restore_database(engine, Path(work) / DUMP_NAMES[engine], database, force)
        for name, paths in extracted.items():
            if name in buckets:
                upload_objects(buckets[name], Path(work) / name, paths)
                continue
            for path in paths:
                target = roots[name] / path.relative_to(Path(work) / name)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    expected: dict[str, int] = manifest["counts"]
    restored = _counts(database, sorted(expected))
    mismatches = {
        table: (count, restored[table])
        for table, count in expected.items()
        if restored[table] < count or (count >= 0 and restored[table] < 0)
    }
    report = RestoreReport(
        engine=engine,
        tables=len(restored),
        rows=sum(max(v, 0) for v in restored.values()),
        files=files,
        mismatches=mismatches,
    )
    if mismatches:
        detail = ", ".join(f"{t}: {a} -> {b}" for t, (a, b) in sorted(mismatches.items()))
        raise BackupError(f"Restore incomplete: {detail}. Do not use this database.")
    return report
