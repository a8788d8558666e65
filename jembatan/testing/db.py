"""Rows built once for many tests, as Django's ``TestCase.setUpTestData`` does for a class.

A module- or class-scoped fixture that calls ``built_once`` makes its rows inside a
transaction that stays open while the scope lasts and is rolled back when it ends. Each
test's own transaction (pytest-django's ``db``) is then a savepoint inside it: whatever a
test writes disappears after it, and the shared rows are there for the next test. Python
objects are not rolled back, so a test gets its own deep copy (``fresh_copy``), as
``setUpTestData`` attributes are copied for each test.

Not for modules whose tests use ``transactional_db`` or ``live_server``: those flush the
tables, which the open transaction would not survive. ``KeptRows`` (below) is theirs.
"""

from __future__ import annotations

import copy
import itertools
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import transaction

T = TypeVar("T")
_copies = itertools.count(1)


def built_once(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Generator body of a wide-scoped fixture: ``yield from built_once(blocker, build)``."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            value = build()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fresh_copy(value: T) -> T:
    """A test's own copy of the shared objects (model instances with their caches)."""
    return copy.deepcopy(value)


class KeptRows:
    """Rows built once for the tests of a module that flush the tables after each test
    (``transactional_db``, ``live_server``), where ``built_once`` cannot hold them.

    The first test builds them (``put()``) into the empty tables, and every row of every
    table is then copied aside. Each later test's ``put()`` gives the tables back exactly
    those rows, the same ids too, whatever the last test wrote, deleted or changed (its
    flush emptied the tables; what the autouse fixtures made since, the served tenant, is
    deleted first). SQLite copies the whole database (its backup API); PostgreSQL copies
    each table into a schema of its own and back, the foreign keys and triggers off while
    the rows go back (a superuser's right, as for ``pgflush``; without it, or on another
    database, each test builds the rows anew). ``drop()`` at the end of the scope.
    """

    def __init__(self, build: Callable[[], T]) -> None:
        self.build = build
        self.value: Any = None
        self._copy: Any = None
        self.builds = 0  # how often build() ran (a test of this class reads it)

    def put(self) -> Any:
        from django.db import connection

        if not self._copy:  # the first test, or a database the rows cannot be copied on
            self.value = self.build()
            self.builds += 1
            self._copy = _take(connection)
        else:
            _put_back(connection, self._copy)
            _forget_what_the_process_kept()
        return fresh_copy(self.value)

    def drop(self) -> None:
        from django.db import connection

        if isinstance(self._copy, str):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(self._copy)} CASCADE"
                )
        elif self._copy:
            self._copy.close()
        self._copy = None


def kept_rows(django_db_blocker, build: Callable[[], T]) -> Iterator[KeptRows]:
    """Generator body of a module-scoped fixture: ``yield from kept_rows(blocker, build)``;
    a test's fixture (with ``transactional_db``) calls ``.put()``."""
    rows = KeptRows(build)
    try:
        yield rows
    finally:
        with django_db_blocker.unblock():
            rows.drop()


def _tables(connection) -> list[str]:
    """Every table of the test database (those without a model too), django_migrations
    aside: the same for every copy."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return sorted({row[0] for row in cursor.fetchall()} - {"django_migrations"})


def _take(connection) -> Any:
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        copy_ = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy_)
        return copy_
    if connection.vendor != "postgresql":
        return False
    from jembatan.testing.pgflush import _superuser

    if not _superuser(connection):
        return False
    quote = connection.ops.quote_name
    schema = f"jembatan_kept_{os.getpid()}_{next(_copies)}"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quote(schema)}")
        for table in _tables(connection):
            cursor.execute(f"CREATE TABLE {quote(schema)}.{quote(table)} AS TABLE {quote(table)}")
    return schema


def _put_back(connection, copy_: Any) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy_.backup(connection.connection)
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        tables = _tables(connection)
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 (quoted names)
        cursor.execute(
            "SELECT c.relname, array_agg(a.attname ORDER BY a.attnum) FROM pg_class c"
            " JOIN pg_attribute a ON a.attrelid = c.oid"
            " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
            " AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
            " GROUP BY c.relname"
        )
        columns = dict(cursor.fetchall())
        for table in tables:
            names = ", ".join(quote(name) for name in columns.get(table, []))
            if names:
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({names}) OVERRIDING SYSTEM VALUE"  # noqa: S608 (quoted names)
                    f" SELECT {names} FROM {quote(copy_)}.{quote(table)}"
                )


def _forget_what_the_process_kept() -> None:
    """Rows came back under ids this process may know otherwise (the content types the
    flush made anew, the served tenant): its copies of rows go."""
    from django.contrib.contenttypes.models import ContentType

    from jembatan.core.localcache import clear_all
    from jembatan.core.pagecache import content_changed
    from jembatan.tenants import resolve

    ContentType.objects.clear_cache()
    clear_all()
    resolve.clear()
    content_changed()
