"""One migrated test database per run, copied by every other xdist worker.

Each worker of a parallel run needs its own test database, and migrating the whole project
is the dearest step of starting a worker (every migration's state is rendered). The first
worker to get there migrates as usual, under a lock in the run's directory, and leaves a
copy behind; the other workers start from that copy: SQLite's backup of the migrated
in-memory database, PostgreSQL's ``CREATE DATABASE ... TEMPLATE``. Every test database is
therefore still made by running every migration, once per run. Without workers (``-n 0``),
or when the database is kept between runs (``--reuse-db``), nothing changes.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DatabaseError, connections


def _run_dir() -> Path | None:
    """The directory the run's workers share (settings_test: one per worker inside it)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    var_dir = os.environ.get("JEMBATAN_VAR_DIR")
    if not worker or not var_dir or os.environ.get("JEMBATAN_TEST_WORKER") != worker:
        return None
    return Path(var_dir).parent


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install(alias: str = "default") -> None:
    """Make the connection's test database from the run's copy when there is one."""
    run_dir = _run_dir()
    if run_dir is None:
        return
    connection = connections[alias]
    creation = connection.creation
    if getattr(creation, "_from_run_copy", False):
        return
    migrate_and_create = creation.create_test_db
    destroy = creation.destroy_test_db
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return
    lock = run_dir / f"test-db-{alias}.lock"
    marker = run_dir / f"test-db-{alias}.{vendor}"
    made: dict[str, str] = {}

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if keepdb or (
            vendor == "sqlite" and not creation.is_in_memory_db(creation._get_test_db_name())
        ):
            return migrate_and_create(verbosity, autoclobber, serialize, keepdb)
        with _locked(lock):
            if marker.exists():
                name = _copy(connection, marker.read_text(), vendor, serialize)
                if name is not None:
                    return name
            name = migrate_and_create(verbosity, autoclobber, serialize, keepdb)
            made["template"] = _leave_copy(connection, run_dir, alias, vendor)
            marker.write_text(made["template"])
            return name

    def destroy_test_db(*args, **kwargs):
        destroy(*args, **kwargs)
        if "template" in made and vendor == "postgresql":
            with _locked(lock):
                marker.unlink(missing_ok=True)
                with creation._nodb_cursor() as cursor:
                    cursor.execute(
                        f"DROP DATABASE IF EXISTS {_quote(connection, made['template'])}"
                    )

    creation.create_test_db = create_test_db
    creation.destroy_test_db = destroy_test_db
    creation._from_run_copy = True


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _leave_copy(connection, run_dir: Path, alias: str, vendor: str) -> str:
    """Copy the freshly migrated database for the other workers; return where it is."""
    if vendor == "sqlite":
        path = run_dir / f"test-db-{alias}.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
        return str(path)
    # PostgreSQL copies a database only while nobody is connected to it.
    own = connection.settings_dict["NAME"]
    template = f"{own}_run_{os.getpid()}"[:63]
    for other in connections.all(initialized_only=True):
        other.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(connection, template)}")
        cursor.execute(
            f"CREATE DATABASE {_quote(connection, template)} "
            f"WITH TEMPLATE {_quote(connection, own)}"
        )
    return template


def _copy(connection, source: str, vendor: str, serialize: bool) -> str | None:
    """This worker's test database as a copy of ``source``; None when it is gone."""
    from django.conf import settings

    creation = connection.creation
    name = creation._get_test_db_name()
    if vendor == "sqlite":
        if not Path(source).exists():
            return None
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.ensure_connection()
        with sqlite3.connect(source) as template:
            template.backup(connection.connection)
        template.close()
    else:
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(connection, name)}")
            try:
                cursor.execute(
                    f"CREATE DATABASE {_quote(connection, name)} "
                    f"WITH TEMPLATE {_quote(connection, source)}"
                )
            except DatabaseError:  # the copy went away with its worker: migrate instead
                return None
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.ensure_connection()
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    return name
