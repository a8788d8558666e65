"""The session store (``SESSION_ENGINE``): Django's database sessions, in fewer round trips.

Every public form that answers with a page of its own (the aspiration form above all)
starts a session for an anonymous visitor. Django's store asks whether a random key is
taken before it inserts it, and wraps the one INSERT (or UPDATE) in a transaction of its
own: a SELECT, BEGIN, the write and COMMIT, four round trips for one row. Here:

- a new key is not looked up first. The INSERT is made with ``must_create`` and the
  primary key refuses a taken key (Django then tries another one, as before), so the
  lookup only ever answered what the insert answers anyway (32 characters of 36 kinds:
  a taken key is not going to happen);
- a new session is one ``INSERT ... ON CONFLICT DO NOTHING``: a taken key inserts no row
  (and another key is tried) instead of raising, so no savepoint is needed inside the
  caller's transaction (the aspiration form writes the session in the case's: without
  its SAVEPOINT and RELEASE that is two round trips fewer per case). Outside a
  transaction the write is the one statement, committed by itself (autocommit);
- an existing session is one UPDATE; inside a transaction Django's savepoint is kept
  around it, so that a failed write does not break the caller's transaction;
- a save that would write what this request wrote already is skipped: a view that saved
  the session inside its own transaction (the aspiration form: the case and the session
  in one commit) leaves the middleware nothing to write, though it still sends the cookie;
- a session is loaded (every request with the cookie) by one SQL statement written once
  per process, not a queryset compiled each time: the same row (the key, not expired),
  for a quarter of the CPU. The INSERT of a new session is written once with it (per
  database alias, vendor and session model).

The rows, their expiry and ``clearsessions`` are Django's.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import cast

from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, IntegrityError, connections, models, router
from django.utils import timezone

# Databases whose INSERT takes ON CONFLICT DO NOTHING (SQLite since 3.24).
_INSERT_OR_NOTHING = {"postgresql", "sqlite"}

_FIELDS = ("session_key", "session_data", "expire_date")


@dataclass(frozen=True)
class _Statements:
    """The SQL of one session model on one database, written once per process."""

    fields: tuple[models.Field, ...]  # the key, the data, the expiry
    load: str  # the data of a key not expired
    insert: str  # a new row, unless its key is taken


# By database alias, its vendor and the session model.
_statements: dict[tuple[str, str, type[models.Model]], _Statements] = {}


def _statements_for(alias: str, model: type[models.Model]) -> _Statements:
    connection = connections[alias]
    key = (alias, connection.vendor, model)
    found = _statements.get(key)
    if found is None:
        quote = connection.ops.quote_name
        fields = tuple(cast(models.Field, model._meta.get_field(name)) for name in _FIELDS)
        # Names of the model's own table and columns, quoted; the values are parameters.
        session_key, data, expiry = (quote(str(field.column)) for field in fields)
        table = quote(model._meta.db_table)
        found = _statements[key] = _Statements(
            fields=fields,
            load=f"SELECT {data} FROM {table} WHERE {session_key} = %s AND {expiry} > %s",  # noqa: S608
            insert=(
                f"INSERT INTO {table} ({session_key}, {data}, {expiry})"  # noqa: S608
                f" VALUES (%s, %s, %s) ON CONFLICT ({session_key}) DO NOTHING"
            ),
        )
    return found


class SessionStore(DatabaseSessionStore):
    # (key, data) of this store's last write, to skip writing the same again.
    _written: tuple[str, str] | None = None

    def load(self) -> dict:
        # Django's load (the row of this key that has not expired, else a new session),
        # in one statement written once (see the module's notes).
        key = self.session_key
        row = None
        if key is not None:
            alias = router.db_for_read(self.model)
            connection = connections[alias]
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            with connection.cursor() as cursor:
                cursor.execute(_statements_for(alias, self.model).load, [key, now])
                row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def _get_new_session_key(self) -> str:
        # No lookup: the INSERT with must_create is the check (see the module's notes).
        # 160 random bits as 32 characters a-z and 2-7 (within Django's key characters),
        # one call for the bytes instead of one per character.
        return base64.b32encode(secrets.token_bytes(20)).decode().lower()

    def _insert_new(self, data: dict, using: str) -> bool:
        """The new session's row, unless its key is taken; whether it went in."""
        connection = connections[using]
        statements = _statements_for(using, self.model)
        values = [self.session_key, self.encode(data), self.get_expiry_date()]
        params = [
            field.get_db_prep_save(value, connection)
            for field, value in zip(statements.fields, values, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(statements.insert, params)
            return cursor.rowcount == 1

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        # SessionBase._get_session is missing from the stubs.
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        written = (self.session_key, json.dumps(data, sort_keys=True, default=str))
        if not must_create and written == self._written:
            return None  # written by this request already, unchanged since
        using = router.db_for_write(self.model)
        if must_create and connections[using].vendor in _INSERT_OR_NOTHING:
            if not self._insert_new(data, using):
                raise CreateError  # the key is taken: Django's create() tries another
        elif connections[using].in_atomic_block:
            super().save(must_create=must_create)
        else:
            obj = self.create_model_instance(data)
            try:
                obj.save(force_insert=must_create, force_update=not must_create, using=using)
            except IntegrityError:
                if must_create:
                    raise CreateError from None
                raise
            except DatabaseError:
                if not must_create:
                    raise UpdateError from None
                raise
        self._written = written
        return None
