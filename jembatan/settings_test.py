"""Settings for the test suite: the real settings with a fixed key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("JEMBATAN_VAR_DIR", "/tmp/jembatan-test-var")  # noqa: S108
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
