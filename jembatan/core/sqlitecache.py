"""A cache in a local SQLite file: the shared cache of the embedded setup (no Redis).

Django's local-memory cache is per process, so with several gunicorn workers every rate
limit, two-step code counter and API throttle was counted once per worker: five tries
became five per worker. Django's database cache is shared but its ``incr`` is a read then
a write (two workers lose hits), and it lives in the site's database (every counted hit a
write there, a table to create, rows rolled back with a test's transaction).

This backend keeps entries in their own SQLite file beside the database (var/), in WAL
mode so readers never wait. ``incr`` and ``add`` are single statements, hence atomic
across processes: a counter shared by all workers on the machine. Integers are stored as
SQLite integers (so ``incr`` can add in SQL), everything else pickled. Durability does not
matter (it is a cache), so commits are not synced to disk.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cache (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    expires REAL
) WITHOUT ROWID
"""
# Expired rows are removed every this many writes of a process (and on reads, lazily).
_PURGE_EVERY = 500


def _encode(value: Any) -> Any:
    if type(value) is int and -(2**63) <= value < 2**63:  # not bool: it must read back a bool
        return value
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _decode(stored: Any) -> Any:
    return stored if isinstance(stored, int) else pickle.loads(stored)  # noqa: S301 (own file)


def _set_up(conn: sqlite3.Connection, patience: float = 10.0) -> None:
    """Switch the file to WAL and create the table, however many processes start at once.

    Changing the journal mode needs the file to itself, and SQLite answers "database is
    locked" at once (its busy timeout does not cover that switch) when another new worker
    holds it. So the switch is made only when needed and retried for a while; once the file
    is in WAL mode, which is stored in the file, later connections skip it.
    """
    deadline = time.monotonic() + patience
    pause = 0.005
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


class SqliteCache(BaseCache):
    """LOCATION is the file's path; OPTIONS ``max_entries`` bounds the row count."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._path = location
        self._local = threading.local()
        self._writes = 0

    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        # A connection made before a fork (gunicorn --preload) must not be shared.
        if conn is None or self._local.pid != os.getpid():
            conn = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA synchronous=OFF")
            _set_up(conn)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _expiry(self, timeout: Any) -> float | None:
        return self.get_backend_timeout(timeout)  # a time.time() to expire at, or None

    def _wrote(self) -> None:
        self._writes += 1
        if self._writes % _PURGE_EVERY == 0:
            db = self._db()
            db.execute("DELETE FROM cache WHERE expires <= ?", (time.time(),))
            over = db.execute("SELECT count(*) FROM cache").fetchone()[0] - self._max_entries
            if over > 0:  # the soonest to expire go first
                db.execute(
                    "DELETE FROM cache WHERE key IN (SELECT key FROM cache "
                    "ORDER BY expires IS NULL, expires LIMIT ?)",
                    (over + self._max_entries // max(self._cull_frequency, 1),),
                )

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute(
                "SELECT value FROM cache WHERE key = ? AND (expires IS NULL OR expires > ?)",
                (key, time.time()),
            )
            .fetchone()
        )
        return default if row is None else _decode(row[0])

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        self._db().execute(
            "INSERT OR REPLACE INTO cache (key, value, expires) VALUES (?, ?, ?)",
            (key, _encode(value), self._expiry(timeout)),
        )
        self._wrote()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        # Inserts, or replaces an expired entry; a live one stays (rowcount 0).
        cursor = self._db().execute(
            "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
            "WHERE cache.expires IS NOT NULL AND cache.expires <= ?",
            (key, _encode(value), self._expiry(timeout), time.time()),
        )
        self._wrote()
        return cursor.rowcount == 1

    def incr(self, key, delta=1, version=None):
        name = key
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute(
                "UPDATE cache SET value = value + ? WHERE key = ? "
                "AND (expires IS NULL OR expires > ?) AND typeof(value) = 'integer' "
                "RETURNING value",
                (delta, key, time.time()),
            )
            .fetchone()
        )
        if row is None:
            raise ValueError(f"Key '{name}' not found.")
        return row[0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        cursor = self._db().execute(
            "UPDATE cache SET expires = ? WHERE key = ? AND (expires IS NULL OR expires > ?)",
            (self._expiry(timeout), key, time.time()),
        )
        return cursor.rowcount == 1

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._db().execute("DELETE FROM cache WHERE key = ?", (key,)).rowcount == 1

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._db()
            .execute(
                "SELECT 1 FROM cache WHERE key = ? AND (expires IS NULL OR expires > ?)",
                (key, time.time()),
            )
            .fetchone()
        )
        return row is not None

    def clear(self):
        self._db().execute("DELETE FROM cache")

    def close(self, **kwargs):
        # Django calls this at the end of every request; the connection is kept (per
        # thread) because opening the file again would cost more than the request's hits.
        pass
