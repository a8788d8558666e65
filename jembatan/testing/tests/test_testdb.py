"""The migrated test database kept by key (jembatan/testing/testdb.py): a changed migration
is migrated anew, runs share a copy, a broken copy is ignored and made again."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from jembatan.testing import testdb

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def files() -> list[tuple[str, str]]:
    return testdb.migration_files()


def test_the_key_covers_every_migration_and_the_modules_they_name(files):
    labels = {label for label, _ in files}
    assert "auth.0001_initial" in labels  # Django's own apps
    assert "kimsites.0008_content_search" in labels
    # 0008 builds the SQLite FTS5 tables from jembatan.sites.search's targets.
    assert any(path.endswith(os.path.join("sites", "search.py")) for _, path in files)
    # Labels name modules, not files: a clone in another directory (the make-target tests'
    # nested runs) has the same key and copies the database instead of migrating.
    assert "module jembatan.sites.search" in labels
    assert not any(str(ROOT) in label for label in labels)


def test_a_changed_migration_file_gives_a_new_key(files, tmp_path):
    key = testdb.cache_key(connection.vendor, files)
    assert testdb.cache_key(connection.vendor, list(files)) == key
    label, path = next((label, path) for label, path in files if label.startswith("tenants."))
    changed = tmp_path / Path(path).name
    changed.write_bytes(Path(path).read_bytes() + b"\n# one more line\n")
    other = [(lbl, str(changed) if lbl == label else p) for lbl, p in files]
    assert testdb.cache_key(connection.vendor, other) != key
    # A migration more (or fewer) is a change too.
    assert testdb.cache_key(connection.vendor, files[:-1]) != key


def _nested_env(**extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_", "JEMBATAN_")) and name != "DJANGO_SETTINGS_MODULE"
    }
    return env | extra


def test_another_process_computes_the_same_key(files):
    """Two runs (the suite, a nested run on a clone) find the same copy."""
    code = (
        "import django; django.setup(); from django.db import connection; "
        "from jembatan.testing import testdb; print(testdb.cache_key(connection.vendor))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_nested_env(DJANGO_SETTINGS_MODULE="jembatan.settings_test"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == testdb.cache_key(connection.vendor, files)


@pytest.fixture
def migrated_copy(db, tmp_path) -> Path:
    """The copy this run's test database came from, kept again in a directory of its own."""
    directory = testdb.cache_dir()
    if directory is None:
        pytest.skip("JEMBATAN_TESTDB_CACHE=off: no copy is kept")
    kept = testdb.sqlite_file(directory, testdb.cache_key(connection.vendor))
    assert testdb.usable_sqlite_copy(kept)  # this run kept or copied it
    path = testdb.sqlite_file(tmp_path, kept.stem)
    with sqlite3.connect(f"file:{kept}?mode=ro", uri=True) as source:
        testdb.store_sqlite(source, path)
    source.close()
    return path


@pytest.mark.sqlite
@pytest.mark.no_served_tenant
def test_a_kept_copy_is_whole_read_only_and_left_no_temporary_file(migrated_copy):
    assert testdb.usable_sqlite_copy(migrated_copy)
    assert not migrated_copy.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert [p.name for p in migrated_copy.parent.iterdir()] == [migrated_copy.name]


@pytest.mark.sqlite
@pytest.mark.no_served_tenant
def test_a_corrupt_or_partial_copy_is_ignored_and_replaced(migrated_copy, tmp_path):
    whole = migrated_copy.read_bytes()
    broken = tmp_path / "broken" / migrated_copy.name
    broken.parent.mkdir()
    broken.write_bytes(whole[: len(whole) // 2])  # cut short
    assert not testdb.usable_sqlite_copy(broken)
    broken.write_bytes(b"not a database at all")
    assert not testdb.usable_sqlite_copy(broken)
    with sqlite3.connect(broken.with_name("empty.db")) as empty:  # a database, unmigrated
        assert not testdb.usable_sqlite_copy(broken.with_name("empty.db"))
        # Made again: the rename replaces the broken file whole.
        with sqlite3.connect(f"file:{migrated_copy}?mode=ro", uri=True) as source:
            testdb.store_sqlite(source, broken)
        source.close()
    empty.close()
    assert testdb.usable_sqlite_copy(broken)
    assert broken.read_bytes() == whole


@pytest.mark.sqlite
@pytest.mark.no_served_tenant
def test_old_keys_are_pruned(migrated_copy):
    directory = migrated_copy.parent
    with sqlite3.connect(f"file:{migrated_copy}?mode=ro", uri=True) as source:
        for n in range(testdb.KEEP + 2):
            path = directory / f"{n:032x}.sqlite3"
            testdb.store_sqlite(source, path)
            os.utime(path, (1_000_000 + n, 1_000_000 + n))
    source.close()
    kept = sorted(p.name for p in directory.glob("*.sqlite3"))
    assert len(kept) == testdb.KEEP
    assert f"{0:032x}.sqlite3" not in kept


@pytest.mark.sqlite
@pytest.mark.no_served_tenant
def test_a_nested_run_copies_the_kept_database_instead_of_migrating(migrated_copy):
    """A run whose key is kept copies it (and logs so with -v): it does not migrate."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "-s",
            "-v",
            "jembatan/core/tests/test_language.py",
        ],
        cwd=ROOT,
        env=_nested_env(JEMBATAN_TESTDB_CACHE=str(migrated_copy.parent)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    key = migrated_copy.name.removesuffix(".sqlite3")
    assert f"Copying test database for alias 'default' from {key}" in output, output[-3000:]
    assert "Creating test database" not in output, output[-3000:]


@pytest.mark.postgresql
@pytest.mark.django_db
def test_postgresql_keeps_the_migrated_database_as_a_template():
    if not testdb.cache_dir():
        pytest.skip("the cache is off")
    with connection.cursor() as cursor:
        template = f"{testdb.PG_PREFIX}{testdb.cache_key(connection.vendor)}"
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        assert cursor.fetchone() is not None
