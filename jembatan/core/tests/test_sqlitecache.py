"""The SQLite-file cache of the embedded setup: Django's cache contract, and counters that
hold across processes (as across gunicorn workers)."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from jembatan.core.sqlitecache import SqliteCache


def make(path) -> SqliteCache:
    return SqliteCache(str(path), {"OPTIONS": {"MAX_ENTRIES": 50}})


@pytest.fixture
def store(tmp_path) -> SqliteCache:
    return make(tmp_path / "cache.sqlite3")


def test_values_round_trip_with_their_types(store):
    for key, value in [("i", 3), ("b", True), ("s", "teks"), ("d", {"a": [1, 2]}), ("n", None)]:
        store.set(key, value)
        got = store.get(key, "missing")
        assert got == value and type(got) is type(value)
    store.set("big", 2**70)
    assert store.get("big") == 2**70
    assert store.get("nothing", "default") == "default"


def test_add_keeps_a_live_entry_and_replaces_an_expired_one(store):
    assert store.add("k", 1, timeout=60) is True
    assert store.add("k", 2, timeout=60) is False
    assert store.get("k") == 1
    store.set("old", "x", timeout=0.01)
    time.sleep(0.05)
    assert store.get("old") is None and not store.has_key("old")
    assert store.add("old", "new") is True and store.get("old") == "new"


def test_incr_counts_and_refuses_missing_or_expired_keys(store):
    with pytest.raises(ValueError):
        store.incr("none")
    store.set("n", 1, timeout=60)
    assert store.incr("n") == 2 and store.incr("n", 5) == 7
    store.set("gone", 1, timeout=0.01)
    time.sleep(0.05)
    with pytest.raises(ValueError):
        store.incr("gone")


def test_delete_touch_clear_and_the_entry_bound(store):
    store.set("a", 1)
    assert store.touch("a", 60) is True and store.touch("zz", 60) is False
    assert store.delete("a") is True and store.delete("a") is False
    for i in range(600):
        store.set(f"x{i}", i)
    rows = store._db().execute("SELECT count(*) FROM cache").fetchone()[0]
    assert rows < 200  # culled to MAX_ENTRIES every few hundred writes
    store.clear()
    assert store.get("x599") is None


def _hammer(path: str, hits: int, queue) -> None:
    store = make(path)
    for _ in range(hits):
        try:
            store.incr("shared")
        except ValueError:
            if not store.add("shared", 1, timeout=60):
                store.incr("shared")
    queue.put("done")


def test_counts_from_several_processes_are_never_lost(tmp_path):
    path = str(tmp_path / "cache.sqlite3")
    # Fresh processes, not forks of this one: forked from a server process started clean,
    # which imports this module once for all six (spawn started six interpreters).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    queue = context.Queue()
    workers = [context.Process(target=_hammer, args=(path, 100, queue)) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [queue.get(timeout=5) for _ in workers] == ["done"] * 6
    assert make(path).get("shared") == 600


def test_a_worker_starting_while_another_holds_the_new_file_waits_for_it(tmp_path):
    """Gunicorn workers start together: the first one switching the fresh file to WAL holds
    it alone for a moment, and SQLite refuses the others' switch at once ("database is
    locked") instead of waiting. A starting worker must wait its turn, not fail."""
    import sqlite3
    import threading

    path = tmp_path / "cache.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE other (x)")
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        store = make(path)
        store.set("k", 5)
        assert store.get("k") == 5
        mode = store._db().execute("PRAGMA journal_mode").fetchone()[0]
        assert mode.lower() == "wal"
    finally:
        release.join()
        holder.close()
