"""Every make target the README names works as a newcomer types it, on a fresh clone.

The clone gets no configuration at all: no DEBUG, no SECRET_KEY, no DATABASE_URL, so the
targets run on the embedded default (SQLite in the clone's var/), as on a new laptop. Only
the virtualenv is not built again: `VENV=` points make at a directory whose programs are
this test run's own (installing the pinned dependencies again would take minutes and the
network), with its install stamp newer than the clone's pins, as after `make install`.

Cheap forms: `make run` really serves (the demo is loaded, then the server answers) and is
stopped; `make backup` archives that site and `make restore` puts it back into an empty
database; `make test`, `make test-fast` and `make test-postgres` run one small file each
with the workers of the real targets. Not run here: `make run-prod` (it takes the fixed
ports 8080, 8001 and 8002 and the `jembatan` database of the machine's PostgreSQL) and
`make clean`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
QUICK_TEST = "jembatan/core/tests/test_language.py"  # three client requests, no browser
BROWSER_TEST = "jembatan/core/tests/test_browser_pwa.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def newcomer_env(**extra: str) -> dict[str, str]:
    """What a new developer's shell has: no project settings, no make or pytest state."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
    }
    return env | extra


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    if not (ROOT / ".git").exists():
        pytest.fail(f"{ROOT} is not a git checkout: the make targets are tested on a clone")
    base = tmp_path_factory.mktemp("newcomer")
    repo = base / "jembatan"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(repo)],
        check=True,
        capture_output=True,
    )
    # The virtualenv: this run's interpreter and console scripts, stamped as installed.
    venv = base / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    for script in ["ruff", "mypy", "django-admin", "gunicorn"]:
        (venv / "bin" / script).symlink_to(Path(sys.executable).parent / script)
    (venv / ".installed").touch()
    # The browser tests' axe-core, as `make test-tools` left it in this checkout (npm ci
    # needs the registry; the clone would otherwise fetch it again).
    if (ROOT / "node_modules" / ".installed").exists():
        shutil.copytree(ROOT / "node_modules", repo / "node_modules", symlinks=True)
        (repo / "node_modules" / ".installed").touch()
    return repo


def make(clone: Path, *args: str, timeout: float = 600, **env: str):
    venv = clone.parent / "venv"
    return subprocess.run(
        ["make", "--no-print-directory", f"VENV={venv}", *args],
        cwd=clone,
        env=newcomer_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ok(result) -> str:
    assert result.returncode == 0, (
        f"{result.args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout + result.stderr


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (http only)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.fixture(scope="module")
def served(clone) -> Path:
    """`make run` on a free port until the demo's home page answers; then stopped."""
    port = free_port()
    log = clone.parent / "make-run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", f"VENV={clone.parent / 'venv'}", "run"],
            cwd=clone,
            env=newcomer_env(PORT=str(port)),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 600
        while get(f"http://127.0.0.1:{port}/healthz") != 200:
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(1)
        assert get(f"http://127.0.0.1:{port}/") == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "Jembatan: http://127.0.0.1" in log.read_text()
    return clone


def rows(database: Path, table: str) -> int:
    with sqlite3.connect(database) as conn:
        return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def test_make_run_serves_the_demo_then_backup_and_restore_bring_it_back(served):
    database = served / "var" / "jembatan.sqlite3"
    kims = rows(database, "communities_kim")
    assert kims > 0  # the Bengkayang demo

    output = ok(make(served, "backup"))
    archives = sorted((served / "var" / "backups").glob("jembatan-backup-*.tar"))
    assert len(archives) == 1, output

    for leftover in served.joinpath("var").glob("jembatan.sqlite3*"):
        leftover.unlink()
    assert ok(make(served, "restore", f"ARCHIVE={archives[0]}"))
    assert rows(database, "communities_kim") == kims

    usage = make(served, "restore")
    assert usage.returncode != 0
    assert "Usage: make restore ARCHIVE=" in usage.stdout + usage.stderr


def test_make_lint_passes_on_the_clone(clone):
    output = ok(make(clone, "lint"))
    assert "All checks passed" in output
    assert "Success: no issues found" in output  # mypy (pyproject.toml: [tool.mypy])


def test_make_messages_compiles_the_english_catalogue(clone):
    ok(make(clone, "messages"))
    compiled = clone / "jembatan" / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    assert compiled.stat().st_size > 1000


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
