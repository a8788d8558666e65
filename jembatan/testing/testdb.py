"""The migrated test database, made once per set of migrations and copied ever after.

Migrating the whole project is the dearest step of starting a test run (every migration's
state is rendered), and the suite starts many runs: its own workers, the nested runs of
the make-target tests, the file databases of the live-server tests. A migrated empty
database depends only on the migrations, so it is kept under a key made of them:

- the content of every migration file in the graph (the project's, Django's, the
  libraries'), and of the project modules a migration names (``jembatan.sites.search``
  shapes the FTS5 tables);
- Django's version, the engine (and SQLite's library version), the installed apps and
  the user model.

A changed migration file gives a new key, so its database is migrated anew; the same key
means the same migrations, so a copy is the database ``migrate`` would make. The first
test database of a key is still made by Django's own ``create_test_db`` (migrate,
createcachetable), under a lock so that concurrent runs wait for it instead of migrating
side by side; then it is kept:

- SQLite: a file ``<key>.sqlite3`` in ``$TMPDIR/jembatan-testdb`` (or
  ``JEMBATAN_TESTDB_CACHE``), a place a clone in another directory finds too; written to
  a temporary name and renamed, read-only after. A file that is not a complete migrated
  database (a failed check) is ignored and made again. The newest few keys are kept.
- PostgreSQL: a template database ``test_jembatan_<key>`` on the server, copied with
  ``CREATE DATABASE ... TEMPLATE``; the newest few are kept, older ones dropped.

With ``--reuse-db``, a file-backed SQLite test database or ``TEST["MIGRATE"] = False``
nothing changes, and ``JEMBATAN_TESTDB_CACHE=off`` turns the cache off.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.db import DatabaseError, connections

KEEP = 4  # keys kept per cache (SQLite files, PostgreSQL templates)
PG_PREFIX = "test_jembatan_"
_NAMED_MODULE = re.compile(rb"\bjembatan(?:\.\w+)+")


def cache_dir() -> Path | None:
    configured = os.environ.get("JEMBATAN_TESTDB_CACHE", "")
    if configured == "off":
        return None
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "jembatan-testdb"


def _named_module_files(source: bytes) -> dict[str, str]:
    """The project modules a migration names (``jembatan.x.y.Thing``): name -> file."""
    files: dict[str, str] = {}
    for match in _NAMED_MODULE.findall(source):
        parts = match.decode().split(".")
        while parts:
            name = ".".join(parts)
            try:
                spec = importlib.util.find_spec(name)
            except (ImportError, ValueError):
                spec = None
            if spec is not None and spec.origin and spec.origin.endswith(".py"):
                files[name] = spec.origin
                break
            parts.pop()
    return files


def migration_files() -> list[tuple[str, str]]:
    """(label, file) of every migration of the installed apps, and of the modules they name."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    files: list[tuple[str, str]] = []
    named: dict[str, str] = {}
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        path = importlib.import_module(type(migration).__module__).__file__
        files.append((f"{app}.{name}", path))
        named |= _named_module_files(Path(path).read_bytes())
    # Labelled by module, not by file: a clone in another directory (the make-target
    # tests' nested runs) has the same key as the checkout and copies its database.
    files += [(f"module {name}", path) for name, path in sorted(named.items())]
    return files


def cache_key(vendor: str, files: list[tuple[str, str]] | None = None) -> str:
    """The key of the migrated database of an engine ("sqlite", "postgresql")."""
    import django
    from django.conf import settings

    digest = hashlib.sha256()
    facts = [
        django.__version__,
        vendor,
        sqlite3.sqlite_version if vendor == "sqlite" else "",
        settings.AUTH_USER_MODEL,
        *settings.INSTALLED_APPS,
    ]
    for fact in facts:
        digest.update(fact.encode() + b"\0")
    for label, path in migration_files() if files is None else files:
        content = Path(path).read_bytes()
        digest.update(f"{label}\0{len(content)}\0".encode() + content)
    return digest.hexdigest()[:32]


@contextmanager
def locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install(alias: str = "default") -> None:
    """Make the connection's test database from the cached copy of its key when there is one."""
    directory = cache_dir()
    connection = connections[alias]
    creation = connection.creation
    vendor = connection.vendor
    if directory is None or getattr(creation, "_from_cache", False):
        return
    if vendor not in ("sqlite", "postgresql"):
        return
    migrate_and_create = creation.create_test_db

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if (
            keepdb
            or connection.settings_dict["TEST"].get("MIGRATE") is False
            or (vendor == "sqlite" and not creation.is_in_memory_db(creation._get_test_db_name()))
        ):
            return migrate_and_create(verbosity, autoclobber, serialize, keepdb)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            return migrate_and_create(verbosity, autoclobber, serialize, keepdb)
        key = cache_key(vendor)
        with locked(sqlite_file(directory, key).with_suffix(".lock")):
            name = _copy(connection, key, directory, serialize, verbosity)
            if name is not None:
                return name
            name = migrate_and_create(verbosity, autoclobber, serialize, keepdb)
            _keep(connection, key, directory)
            return name

    creation.create_test_db = create_test_db
    creation._from_cache = True


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _template_name(key: str) -> str:
    return f"{PG_PREFIX}{key}"


def sqlite_file(directory: Path, key: str) -> Path:
    return directory / f"{key}.sqlite3"


def usable_sqlite_copy(path: Path) -> bool:
    """Whether ``path`` is a whole migrated database: intact, with migrations recorded.
    A used copy is touched: the least recently used ones are pruned first."""
    if not path.is_file():
        return False
    with suppress(OSError):
        os.utime(path)
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            ok = db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            recorded = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        db.close()
    except sqlite3.Error:
        return False
    return ok and recorded > 0


def store_sqlite(source: sqlite3.Connection, path: Path) -> None:
    """Write a copy of ``source`` to ``path`` atomically (temporary name, then rename)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(handle)
    try:
        with sqlite3.connect(temporary) as target:
            source.backup(target)
        target.close()
        os.chmod(temporary, 0o444)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    _prune_files(path.parent)


def migrated_sqlite_file(target: Path, migrate: Callable[[Path], None]) -> Path:
    """``target``, a migrated SQLite database: a copy of the kept one, or else migrated by
    ``migrate(target)`` (e.g. ``manage.py migrate`` under the settings a test needs) and
    kept. For tests that need a migrated file database and do not test migrating."""
    directory = cache_dir()
    if directory is None:
        migrate(target)
        return target
    directory.mkdir(parents=True, exist_ok=True)
    kept = sqlite_file(directory, cache_key("sqlite"))
    with locked(kept.with_suffix(".lock")):
        if usable_sqlite_copy(kept):
            with (
                sqlite3.connect(f"file:{kept}?mode=ro", uri=True) as source,
                sqlite3.connect(target) as copy,
            ):
                source.backup(copy)
            source.close()
            copy.close()
            return target
        migrate(target)
        with sqlite3.connect(target) as source:
            store_sqlite(source, kept)
        source.close()
    return target


def _prune_files(directory: Path) -> None:
    def age(path: Path) -> float:
        try:
            return -path.stat().st_mtime
        except OSError:
            return 0.0

    for old in sorted(directory.glob("*.sqlite3"), key=age)[KEEP:]:
        old.unlink(missing_ok=True)
        old.with_suffix(".lock").unlink(missing_ok=True)


def _keep(connection, key: str, directory: Path) -> None:
    """Keep the freshly migrated test database under its key."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        store_sqlite(connection.connection, sqlite_file(directory, key))
        return
    # PostgreSQL copies a database only while nobody is connected to it.
    own = connection.settings_dict["NAME"]
    template = _template_name(key)
    for other in connections.all(initialized_only=True):
        other.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(connection, template)}")
        _create_from(connection, cursor, template, own)
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY oid DESC",
            [PG_PREFIX.replace("_", r"\_") + "%"],
        )
        for (old,) in cursor.fetchall()[KEEP:]:
            # Another run copying it right now keeps it: dropped next time.
            with suppress(DatabaseError):
                cursor.execute(f"DROP DATABASE IF EXISTS {_quote(connection, old)}")


def _create_from(connection, cursor, name: str, template: str) -> None:
    """CREATE DATABASE ``name`` as a copy of ``template``, with the clause Django's own
    clone_test_db writes (its error handling ends the process: here the caller migrates)."""
    creation = connection.creation
    suffix = creation._get_database_create_suffix(
        encoding=connection.settings_dict["TEST"].get("CHARSET"), template=template
    )
    cursor.execute(f"CREATE DATABASE {_quote(connection, name)} {suffix}")


def _copy(connection, key: str, directory: Path, serialize: bool, verbosity: int) -> str | None:
    """This connection's test database as a copy of the key's; None when there is none."""
    from django.conf import settings

    creation = connection.creation
    name = creation._get_test_db_name()
    if connection.vendor == "sqlite":
        source = sqlite_file(directory, key)
        if not usable_sqlite_copy(source):
            return None
        if verbosity >= 1:
            creation.log(f"Copying test database for alias '{connection.alias}' from {key}...")
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.ensure_connection()
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as template:
            template.backup(connection.connection)
        template.close()
    else:
        template = _template_name(key)
        with creation._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            if cursor.fetchone() is None:
                return None
            if verbosity >= 1:
                creation.log(f"Copying test database for alias '{connection.alias}' from {key}...")
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(connection, name)}")
            try:
                _create_from(connection, cursor, name, template)
            except DatabaseError:  # dropped meanwhile: migrate instead
                return None
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.ensure_connection()
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    return name
