"""A fresh clone of this checkout for the make-target tests (test_make_targets.py,
test_make_run.py: two files, so that the suite's workers run them side by side).

The clone gets no configuration at all: no DEBUG, no SECRET_KEY, no DATABASE_URL, so the
targets run on the embedded default (SQLite in the clone's var/), as on a new laptop. Only
the virtualenv is not built again: `VENV=` points make at a directory whose programs are
this test run's own (installing the pinned dependencies again would take minutes and the
network), with its install stamp newer than the clone's pins, as after `make install`.

`make lint`'s mypy starts from a cache when there is one (`lint_cache`): the checkout's own
`.mypy_cache` (CI runs `make lint` before the tests), else the one the previous run of the
test kept. mypy compares every file with what its cache recorded and checks again whatever
changed and what depends on it; a cold check of the same files takes over ten times longer.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from jembatan.testing import testdb

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
    # Where the test runs keep their migrated database (testing/testdb.py): the clone's
    # nested runs copy the one this run made from the same migrations.
    for name in ("TMPDIR", "JEMBATAN_TESTDB_CACHE"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env | extra


def make_clone(tmp_path_factory) -> Path:
    """The clone with its virtualenv, for a module-scoped ``clone`` fixture."""
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


@contextmanager
def lint_cache(clone: Path) -> Iterator[None]:
    """The clone's `.mypy_cache` for `make lint`: a copy of the checkout's, else of the one
    kept by the previous run (beside the kept test databases, testing/testdb.py), which is
    replaced by the clone's after a passing run. Copies keep the files' times: mypy refuses
    a cache whose data files are newer than their records."""
    kept_root = testdb.cache_dir()
    kept = kept_root / "mypy-cache" if kept_root is not None else None
    target = clone / ".mypy_cache"

    def seed(source: Path) -> None:
        try:
            shutil.copytree(source, target, symlinks=True)
        except OSError:  # none, or cut short: mypy starts cold
            shutil.rmtree(target, ignore_errors=True)

    if (ROOT / ".mypy_cache").is_dir():
        seed(ROOT / ".mypy_cache")
    elif kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        with testdb.locked(kept.with_suffix(".lock")):
            seed(kept)
    yield
    if kept is None:
        return
    kept.parent.mkdir(parents=True, exist_ok=True)
    with testdb.locked(kept.with_suffix(".lock")):
        fresh = Path(tempfile.mkdtemp(dir=kept.parent, prefix="mypy-cache.", suffix=".tmp"))
        try:
            shutil.copytree(target, fresh / "cache", symlinks=True)
            shutil.rmtree(kept, ignore_errors=True)
            os.replace(fresh / "cache", kept)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
