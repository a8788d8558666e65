"""Every make target the README names works as a newcomer types it, on a fresh clone
(newcomer.py makes it).

Cheap forms: `make test`, `make test-fast` and `make test-postgres` run one small file each
with the workers of the real targets; `make lint` and `make messages` run whole (mypy from
the cache a previous `make lint` left, as in CI: newcomer.lint_cache). `make run`,
`make backup` and `make restore` are in test_make_run.py. Not run here: `make run-prod` (it
takes the fixed ports 8080, 8001 and 8002 and the `jembatan` database of the machine's
PostgreSQL) and `make clean`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from jembatan.core.tests.newcomer import (
    BROWSER_TEST,
    QUICK_TEST,
    lint_cache,
    make,
    make_clone,
    ok,
)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    return make_clone(tmp_path_factory)


@pytest.mark.once  # the clone runs on its own embedded database
def test_make_lint_passes_on_the_clone(clone):
    with lint_cache(clone):
        output = ok(make(clone, "lint"))
    assert "All checks passed" in output
    assert "Success: no issues found" in output  # mypy (pyproject.toml: [tool.mypy])


@pytest.mark.once  # the clone runs on its own embedded database
def test_make_messages_compiles_the_english_catalogue(clone):
    ok(make(clone, "messages"))
    compiled = clone / "jembatan" / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    assert compiled.stat().st_size > 1000


@pytest.mark.once  # the clone runs on its own embedded database
def test_make_test_fast_runs_in_workers_leaves_out_browsers_and_keeps_the_cache(clone):
    output = ok(make(clone, "test-fast", f"PYTEST_ARGS={QUICK_TEST} {BROWSER_TEST}"))
    assert "created: 2/2 workers" in output, output
    # The browser test is left out: only test_language's three run.
    assert "2 workers [3 items]" in output, output
    assert re.search(r"\b3 passed\b", output), output
    # pytest's cache is kept (`--lf` is an unknown option without it) and written.
    assert (clone / ".pytest_cache" / "v" / "cache" / "nodeids").exists()
    again = ok(make(clone, "test", f"PYTEST_ARGS=--lf --collect-only -q {QUICK_TEST}"))
    assert "3 tests collected" in again, again


@pytest.mark.postgresql
def test_make_test_postgres_runs_on_its_database(clone):
    from django.db import connection

    server = connection.settings_dict
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    login = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
    host = f"{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}"
    # A database of its own: the suite's own run already uses test_<name>_gw0, ...
    url = f"postgres://{login}@{host}/make_{worker}"
    output = ok(
        make(clone, "test-postgres", f"TEST_DATABASE_URL={url}", f"PYTEST_ARGS={QUICK_TEST}")
    )
    assert "3 passed" in output
