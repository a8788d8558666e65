"""`make run` serves the demo as a newcomer types it, on a fresh clone (newcomer.py), and
`make backup` archives that site and `make restore` puts it back into an empty database.

`make run` really serves (the regions are imported, the demo is loaded, then the server
answers) and is stopped. Its own file: it is the longest of the make targets, and the
suite's workers keep a file on one worker.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from jembatan.core.tests.newcomer import (
    free_port,
    get,
    make,
    make_clone,
    newcomer_env,
    ok,
)

# The clone runs on its own embedded database, whatever database the suite is on.
pytestmark = pytest.mark.once


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    return make_clone(tmp_path_factory)


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
            time.sleep(0.2)  # the server answers within a second of starting
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
