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
import inspect
import itertools
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from jembatan.core.localcache import clear_all
from jembatan.core.pagecache import content_changed
from jembatan.tenants import resolve
from jembatan.testing.pgflush import _superuser

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

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


# --- Rows shared by consecutive tests --------------------------------------------------
#
# ``built_once`` shares a world by the module; the root conftest shares by the run of
# consecutive tests that ask for the same rows, and needs no fixture of a wider scope: the
# served tenant every database test has, ``two_tenants``, and any fixture made with
# ``shared_fixture``. A test's key names the rows it asks for; the rows of a key are made
# in a transaction opened before the test's own (pytest-django's ``db``, a savepoint
# inside it), and kept while the next test has the same key. Each test gets its own deep
# copy of the objects (one copy of them all, so that objects that refer to each other
# still do). What a test writes goes with its savepoint, so the next test starts from the
# same rows, as if they had been made for it.

_SHARED_ID = "_jembatan_shared_id"


def shared_fixture(build: Callable[..., T]) -> Any:
    """A function-scoped fixture whose rows consecutive tests share (``built_once`` for a
    run of tests rather than a module). ``build``'s parameters are fixtures of the same
    kind (``two_tenants``, another shared fixture): it receives their shared objects.

        @shared_fixture
        def world(two_tenants) -> World:
            ...

    ``build`` must make rows only: no files, no settings, nothing outside the database
    that the rollback would not take back (such a fixture stays a plain one)."""
    argnames = tuple(inspect.signature(build).parameters)
    shared_id = f"{build.__module__}.{build.__qualname__}"

    def fixture(request: Any, db: None, **kwargs: Any) -> Any:
        return SHARED.value(shared_id, lambda: build(**kwargs))

    # pytest passes the parameters by name (and so the key of a test names what it needs).
    fixture.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for name in ("request", "db", *argnames)
        ]
    )
    for attribute in ("__doc__", "__name__", "__qualname__", "__module__"):
        setattr(fixture, attribute, getattr(build, attribute))
    setattr(fixture, _SHARED_ID, (shared_id, build, argnames))
    return pytest.fixture(fixture)


def shares(shared_id: str, build: Callable[..., Any], *argnames: str) -> Callable[[F], F]:
    """Marks a fixture function whose value is shared rows (the root conftest's served
    tenant and two_tenants): ``build`` makes them, given the shared ``argnames``."""

    def mark(function: F) -> F:
        setattr(function, _SHARED_ID, (shared_id, build, argnames))
        return function

    return mark


SERVED = "served_tenant"
KEEPS = "keeps"  # a test without the database: the shared rows stay for the tests around it
_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def database_test(item: Any) -> tuple[bool, bool]:
    """(whether the test uses the database, whether it is transactional)."""
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    if marker is None and not (_DB_FIXTURES & names):
        return False, False
    transactional = bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & names
        or (
            marker is not None
            and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
        )
    )
    return True, transactional


def _builders(item: Any) -> dict[str, tuple[str, Callable[..., Any], tuple[str, ...]]] | None:
    """The shared fixtures ``item`` asks for, by fixture name; None when a fixture of a
    wider scope touches the database (``built_once``: its transaction must be the outer)."""
    found = {}
    definitions = item._fixtureinfo.name2fixturedefs
    for name in item.fixturenames:
        chain = definitions.get(name) or ()
        for definition in chain:
            if definition.scope == "function":
                continue
            if (getattr(definition.func, "__module__", "") or "").startswith("pytest_django"):
                continue  # pytest-django's: they make the test database, not rows
            if {"django_db_blocker", "django_db_setup"} & set(definition.argnames):
                return None
        own = getattr(chain[-1].func, _SHARED_ID, None) if chain else None
        if own is not None:
            found[name] = own
    return found


def _unblocks(item: Any) -> bool:
    """Whether a test without the database fixtures opens the database itself (with
    ``django_db_blocker``, as pytest-django's and the root conftest's fixtures do)."""
    if "django_db_blocker" in item._fixtureinfo.argnames:
        return True
    for name in item.fixturenames:
        for definition in item._fixtureinfo.name2fixturedefs.get(name) or ():
            module = getattr(definition.func, "__module__", "") or ""
            if module.startswith("pytest_django") or module == "conftest":
                continue
            if "django_db_blocker" in definition.argnames:
                return True
    return False


def shared_key(item: Any) -> tuple[str, ...] | str | None:
    """The rows ``item`` may find made before its own transaction, by their ids; ``KEEPS``
    for a test without the database; None for a test that makes its own: transactional
    (its tables are emptied after it), with its own regions (no_served_tenant), marked
    own_transaction (it changes the schema), another
    django_db mark than the plain one, or a wider-scoped fixture that touches the database."""
    uses_db, transactional = database_test(item)
    if not uses_db:
        return None if _unblocks(item) else KEEPS
    if (
        transactional
        or item.get_closest_marker("no_served_tenant")
        or item.get_closest_marker("own_transaction")
    ):
        return None
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.args or marker.kwargs):
        return None
    builders = _builders(item)
    if builders is None:
        return None
    return tuple(sorted(shared_id for shared_id, _build, _args in builders.values()))


class SharedRows:
    """The rows of the current key and the transaction they were made in (``SHARED``)."""

    def __init__(self) -> None:
        self.key: tuple[str, ...] | None = None
        self._values: dict[str, Any] = {}
        self._copy: dict[str, Any] | None = None
        self._atomic: transaction.Atomic | None = None
        self._blocker: Any = None

    def enter(self, item: Any, key: tuple[str, ...], django_db_blocker: Any) -> None:
        """The rows of ``key`` for ``item``: kept from the test before, or made now. Made
        not at all when another transaction is open (a wider-scoped fixture's): the test
        builds its own, as every test did before."""
        self._copy = None
        if key == self.key:
            return
        self.leave()
        builders = {shared_id: (build, args) for shared_id, build, args in _builders(item).values()}
        by_name = {name: shared_id for name, (shared_id, _b, _a) in _builders(item).items()}
        with django_db_blocker.unblock():
            if transaction.get_connection().in_atomic_block:
                return
            atomic = transaction.atomic()
            # A test case's own transaction, as pytest-django's: what is done at once in
            # one rather than after a commit that never comes (core.registry's change
            # marks) is done at once in this one too.
            atomic._from_testcase = True  # type: ignore[attr-defined]
            atomic.__enter__()
            values: dict[str, Any] = {}

            def made(shared_id: str) -> Any:
                if shared_id not in values:
                    build, args = builders[shared_id]
                    values[shared_id] = build(**{arg: made(by_name[arg]) for arg in args})
                return values[shared_id]

            try:
                # The served tenant first, as it is served before any other fixture runs.
                for shared_id in sorted(key, key=lambda shared_id: shared_id != SERVED):
                    made(shared_id)
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
        self.key, self._values, self._atomic, self._blocker = key, values, atomic, django_db_blocker

    def leave(self) -> None:
        """Roll the shared rows back (after a test whose next test has another key)."""
        atomic, blocker = self._atomic, self._blocker
        self.key, self._values, self._copy, self._atomic, self._blocker = None, {}, None, None, None
        if atomic is None:
            return
        with blocker.unblock():
            connection = transaction.get_connection()
            if connection.atomic_blocks != [atomic]:
                raise RuntimeError("shared test rows: a transaction inside theirs is still open")
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def value(self, shared_id: str, build: Callable[[], T]) -> T:
        """This test's copy of the shared ``shared_id``, or ``build()`` when not shared."""
        if shared_id not in self._values:
            return build()
        if self._copy is None:
            self._copy = fresh_copy(self._values)
        return self._copy[shared_id]


SHARED = SharedRows()


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
    ContentType.objects.clear_cache()
    clear_all()
    resolve.clear()
    content_changed()
