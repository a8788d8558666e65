"""Settings for the test suite: the real settings with a fixed key and a fast hasher."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
# *.test: the hosts tests give a second tenant (serve_tenant(..., hosts=("mempawah.test",))).
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,.test")
if "JEMBATAN_VAR_DIR" not in os.environ:
    # One directory per run (child processes inherit it): two suites running at once
    # (SQLite and PostgreSQL side by side) must not share the page-cache version file.
    _var = tempfile.mkdtemp(prefix="jembatan-test-var-")
    os.environ["JEMBATAN_VAR_DIR"] = _var
    atexit.register(shutil.rmtree, _var, ignore_errors=True)
if os.environ.get("PYTEST_XDIST_WORKER", "") not in ("", os.environ.get("JEMBATAN_TEST_WORKER")):
    # pytest-xdist: each worker (gw0, gw1, ...) gets its own directory inside the run's, so
    # workers share no cache file, page-cache version, task queue, media or private files.
    # Set once per worker; the worker's child processes (manage.py, gunicorn) inherit it.
    os.environ["JEMBATAN_TEST_WORKER"] = os.environ["PYTEST_XDIST_WORKER"]
    _var = os.path.join(os.environ["JEMBATAN_VAR_DIR"], os.environ["JEMBATAN_TEST_WORKER"])
    os.makedirs(_var, exist_ok=True)
    os.environ["JEMBATAN_VAR_DIR"] = _var
# Background tasks run in-process and synchronously, so a test sees their effects without
# a consumer. The consumer test (core/tests/test_tasks.py) sets HUEY_IMMEDIATE=0 explicitly.
os.environ.setdefault("HUEY_IMMEDIATE", "1")

from jembatan.settings import *

# Argon2 stays the production hasher (tested in accounts); tests need speed.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
AXES_ENABLED = True
# Tests change rows with .update(), which sends no signal; pagecache tests turn it on.
PAGE_CACHE_SECONDS = 0
# WhiteNoise warns about a missing static root on every request otherwise.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Every app's tests sign staff in with force_login and no second factor; the two-factor
# tests (accounts/tests/test_two_factor.py) and the security sweeps turn the rule back on.
TWO_FACTOR_REQUIRED = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A test's rows need no crash safety: a commit (transactional tests, live servers, the
    # kept template databases) does not wait for the server to flush its log to disk.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()
