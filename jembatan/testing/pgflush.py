"""Emptying the PostgreSQL test database after a transactional test by DELETE, not TRUNCATE.

Django's ``TransactionTestCase`` (pytest-django's ``transactional_db`` and ``live_server``)
empties every table after the test with one ``TRUNCATE`` of all of them: PostgreSQL makes
new files for each of the hundred tables, their indexes and TOAST tables, two to four
seconds a test on a busy machine, whatever the test wrote. ``DELETE`` costs next to
nothing on a table that is empty already and little on the few a test filled.

The deletes run in one transaction with ``session_replication_role = replica``, which
switches the foreign-key triggers off for it: no row is checked against another, and as
every table is empty at the end, nothing is left dangling. No table of the project has a
delete trigger that another table relies on: the one table kept by triggers, the search
side table (``kimsites 0017``), has no model, and is emptied with the others, as is any
table a migration made without a model. The sequences go on counting, as ``TRUNCATE``
without ``RESTART IDENTITY`` left them.

Setting that parameter is a superuser's right (the test server's ``postgres``); a
connection without it, and a flush that resets sequences or cascades, truncates as before.

On SQLite the flush deletes too (Django's own); what it left is the full-text tables
(``sites_post_fts`` and the others of ``sites.search``), which the services fill and no
model names: a transactional test's posts stayed in them, under ids the next test's rows
get again, and that test's search found them. They are emptied with the others.
"""

from __future__ import annotations

from typing import Any

_SUPERUSER = "_jembatan_is_superuser"


def install() -> None:
    """Make the PostgreSQL backend's flush delete (tests only: the root conftest calls it)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    if getattr(DatabaseOperations.sql_flush, "deletes", False):
        return
    truncate = DatabaseOperations.sql_flush

    def sql_flush(
        self: Any, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade=False
    ) -> list[str]:
        if tables:
            tables = [*tables, *_tables_of_no_model(self.connection, tables)]
        if not tables or reset_sequences or allow_cascade or not _superuser(self.connection):
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # execute_sql_flush runs these in one transaction: SET LOCAL ends with it.
        return [
            "SET LOCAL session_replication_role = replica;",
            *(f"DELETE FROM {self.quote_name(table)};" for table in tables),  # noqa: S608 (quoted names of the tables)
        ]

    sql_flush.deletes = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
    _install_sqlite()


def _install_sqlite() -> None:
    # By way of the backend's base module: importing its operations module first is a
    # circular import (on a run whose database is PostgreSQL, nothing loaded it before).
    from django.db.backends.sqlite3.base import DatabaseOperations

    if getattr(DatabaseOperations.sql_flush, "with_virtual_tables", False):
        return
    flush = DatabaseOperations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, **options: Any) -> list[str]:
        statements = flush(self, style, tables, **options)
        if not tables:
            return statements
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND sql LIKE 'CREATE VIRTUAL TABLE%%'"
            )
            virtual = sorted(row[0] for row in cursor.fetchall())
        return [*statements, *(f"DELETE FROM {self.quote_name(name)};" for name in virtual)]  # noqa: S608 (quoted names of the tables)

    sql_flush.with_virtual_tables = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


def _tables_of_no_model(connection: Any, tables: Any) -> list[str]:
    """The tables a migration made without a model (the search side table of ``kimsites
    0017``): emptied with the others, or the rows a transactional test committed would
    stay there for the next test (a trigger fills them; neither TRUNCATE nor a DELETE
    with the triggers off empties them). ``django_migrations`` stays."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        existing = {row[0] for row in cursor.fetchall()}
    return sorted(existing - set(tables) - {"django_migrations"})


def _superuser(connection: Any) -> bool:
    known = getattr(connection, _SUPERUSER, None)
    if known is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            known = bool(cursor.fetchone()[0])
        setattr(connection, _SUPERUSER, known)
    return known
