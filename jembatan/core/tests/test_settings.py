"""The production settings module, exercised through manage.py in a clean subprocess.

The test suite runs on jembatan.settings_test, which overrides a few values and puts
defaults into os.environ; these tests start `manage.py` with DJANGO_SETTINGS_MODULE set
to jembatan.settings and an environment scrubbed of every variable the settings read.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

# Each check reads the settings in a clean process, without the suite's database.
pytestmark = pytest.mark.once

REPO_ROOT = Path(__file__).resolve().parents[3]
MANAGE_PY = REPO_ROOT / "manage.py"
SETTINGS_PY = REPO_ROOT / "jembatan" / "settings.py"


def settings_variables() -> set[str]:
    """Every environment variable that jembatan/settings.py reads, found in its source."""
    source = SETTINGS_PY.read_text(encoding="utf-8")
    names = set(
        re.findall(r"(?:env_\w+|os\.environ\.get|getenv)\(\s*\"([A-Z][A-Z0-9_]*)\"", source)
    )
    # Sanity check that the scan works, so a refactor cannot silently leak variables in.
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= names
    return names


def clean_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """os.environ minus every setting variable, pointed at jembatan.settings and tmp_path."""
    dropped = settings_variables() | {"DJANGO_SETTINGS_MODULE", "PYTHONSTARTUP"}
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("EMAIL_")}
    env["DJANGO_SETTINGS_MODULE"] = "jembatan.settings"
    env["JEMBATAN_VAR_DIR"] = str(tmp_path / "var")
    env.update(overrides)
    return env


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    values = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60)[:60],
        "ALLOWED_HOSTS": "jembatan.example.id",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    values.update(overrides)
    return clean_env(tmp_path, **values)


def run_manage(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MANAGE_PY), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_line_config_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:"), lines[0]
    return lines[0]


# What the tests below read from a started Django, one clean process per environment: the
# code prints one JSON object as its last line (a settings read each test checks on its own).
PROBE_PRELUDE = """
import io, json
from django.conf import settings as s
from django.core.management import call_command
from django.core.management.base import SystemCheckError
out = {}
def check_deploy():
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("check", deploy=True, stdout=stdout, stderr=stderr)
        failed = False
    except SystemCheckError as exc:
        failed = True
        stderr.write(str(exc))
    return {"failed": failed, "output": stdout.getvalue() + stderr.getvalue()}
"""


def run_probe(env: dict[str, str], code: str) -> dict:
    """Run ``code`` (which fills the dict ``out``) in ``manage.py shell`` under ``env``,
    in a process of its own, and return ``out``."""
    result = run_manage(env, "shell", "-c", PROBE_PRELUDE + code + "\nprint(json.dumps(out))")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


class Probes:
    """One probe process per environment, started by the first test that asks for it."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.results: dict[str, dict] = {}

    def get(self, name: str, make_env, code: str) -> dict:
        if name not in self.results:
            self.results[name] = run_probe(make_env(self.factory.mktemp(name)), code)
        return self.results[name]


@pytest.fixture(scope="module")
def probes(tmp_path_factory) -> Probes:
    return Probes(tmp_path_factory)


class TestConfigurationErrors:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("mysql://x", "sqlite:///"),
            ("postgres://host:99999/db", "port"),
            ("postgres://jembatan:hunter2-secret@host:99999/db", "port"),
            ("postgres://jembatan:hunter2-secret@db.internal/", "no database"),
            ("sqlite://", "SQLite file"),
        ],
    )
    def test_malformed_database_url(self, tmp_path, url, expected):
        result = run_manage(clean_env(tmp_path, DEBUG="1", DATABASE_URL=url), "check")
        line = assert_one_line_config_error(result)
        assert "DATABASE_URL" in line
        assert expected in line
        assert "hunter2-secret" not in result.stderr + result.stdout

    def test_secret_key_required_when_debug_off(self, tmp_path):
        env = clean_env(
            tmp_path,
            DEBUG="0",
            ALLOWED_HOSTS="jembatan.example.id",
            DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        )
        line = assert_one_line_config_error(run_manage(env, "check"))
        assert "SECRET_KEY" in line

    def test_debug_off_is_the_default(self, tmp_path):
        """With nothing set, the settings behave as production: SECRET_KEY is demanded."""
        line = assert_one_line_config_error(run_manage(clean_env(tmp_path), "check"))
        assert "SECRET_KEY" in line

    def test_short_secret_key_refused(self, tmp_path):
        env = production_env(tmp_path, SECRET_KEY="too-short")
        line = assert_one_line_config_error(run_manage(env, "check"))
        assert "SECRET_KEY" in line
        assert "too-short" not in line

    def test_allowed_hosts_required_when_debug_off(self, tmp_path):
        env = production_env(tmp_path)
        del env["ALLOWED_HOSTS"]
        line = assert_one_line_config_error(run_manage(env, "check"))
        assert "ALLOWED_HOSTS" in line

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("DEBUG", "maybe"),
            ("TIME_ZONE", "Asia/Bengkayang"),
            ("EMAIL_PORT", "99999"),
            ("REDIS_URL", "http://127.0.0.1:6379/0"),
        ],
    )
    def test_other_bad_values_name_their_variable(self, tmp_path, name, value):
        env = production_env(tmp_path, **{name: value})
        line = assert_one_line_config_error(run_manage(env, "check"))
        assert name in line

    def test_bad_value_fails_under_other_commands_too(self, tmp_path):
        env = clean_env(tmp_path, DEBUG="1", DATABASE_URL="mysql://x")
        assert_one_line_config_error(run_manage(env, "migrate", "--noinput"))


def production_probe(probes: Probes) -> dict:
    """The production settings as they stand: check --deploy, a few values, a hash."""
    code = """
out["check_deploy"] = check_deploy()
out["hasher"] = s.PASSWORD_HASHERS[0]
out["secure"] = [s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE]
out["hsts_tz_cache"] = [s.SECURE_HSTS_SECONDS, s.TIME_ZONE, s.CACHES["default"]["BACKEND"]]
out["transaction_mode"] = s.DATABASES["default"]["OPTIONS"]["transaction_mode"]
from django.contrib.auth.hashers import check_password, make_password
h = make_password("rahasia-yang-panjang")
out["argon2"] = [h.split("$")[0], check_password("rahasia-yang-panjang", h)]
"""
    return probes.get("production", production_env, code)


def postgres_probe(probes: Probes) -> dict:
    """A PostgreSQL URL and a time zone of its own (settings that do not touch each other)."""

    def make_env(root: Path) -> dict[str, str]:
        return production_env(
            root,
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
            TIME_ZONE="Asia/Pontianak",
        )

    code = """
out["check_deploy"] = check_deploy()
out["time_zone"] = s.TIME_ZONE
out["engine"] = s.DATABASES["default"]["ENGINE"]
"""
    return probes.get("postgres", make_env, code)


class TestProductionSettings:
    def test_check_deploy_is_clean(self, probes):
        result = production_probe(probes)["check_deploy"]
        output = result["output"]
        assert not result["failed"], output
        assert "System check identified no issues" in output
        assert "WARNINGS" not in output
        assert "ERRORS" not in output

    def test_check_deploy_with_postgres_url(self, probes):
        probe = postgres_probe(probes)
        assert probe["engine"] == "jembatan.core.postgresql"
        result = probe["check_deploy"]
        assert not result["failed"], result["output"]
        assert "System check identified no issues" in result["output"]

    def test_production_values(self, probes):
        probe = production_probe(probes)
        assert probe["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
        assert probe["secure"] == [False, True, True, True]
        assert probe["hsts_tz_cache"] == [
            31536000,
            "Asia/Jakarta",
            "jembatan.core.sqlitecache.SqliteCache",
        ]
        assert probe["transaction_mode"] == "IMMEDIATE"

    def test_argon2_hashes_passwords(self, probes):
        assert production_probe(probes)["argon2"] == ["argon2", True]

    def test_time_zone_from_env(self, probes):
        assert postgres_probe(probes)["time_zone"] == "Asia/Pontianak"


class TestRedisCache:
    def test_cache_goes_to_redis(self, tmp_path):
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
        client.ping()  # Redis must be running: this test does not skip.
        key = f"settings-test-{uuid.uuid4().hex}"
        value = secrets.randbelow(10**9) + 1
        stored_key = f"jembatan:1:{key}"
        env = production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
        code = (
            "from django.core.cache import caches; "
            "cache = caches['default']; "
            f"cache.set({key!r}, {value}); "
            f"print(type(cache).__name__, cache.get({key!r}))"
        )
        try:
            result = run_manage(env, "shell", "-c", code)
            assert result.returncode == 0, result.stderr
            # Django's RedisCache, acting as a miss while Redis is down (jembatan.core.cache).
            assert result.stdout.strip().splitlines()[-1] == f"ResilientRedisCache {value}"
            # The key is really in Redis db 15, under the configured prefix and with a TTL.
            assert client.exists(stored_key) == 1
            assert int(client.get(stored_key)) == value
            assert 0 < client.ttl(stored_key) <= 300
        finally:
            client.delete(stored_key)
            client.close()
        assert not redis.Redis.from_url("redis://127.0.0.1:6379/15").exists(stored_key)

    def test_cache_key_prefix_from_env(self, tmp_path):
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
        key = f"settings-test-{uuid.uuid4().hex}"
        stored_key = f"kab6107:1:{key}"
        env = production_env(
            tmp_path, REDIS_URL="redis://127.0.0.1:6379/15", CACHE_KEY_PREFIX="kab6107"
        )
        code = (
            f"from django.core.cache import cache; cache.set({key!r}, 7); print(cache.get({key!r}))"
        )
        try:
            result = run_manage(env, "shell", "-c", code)
            assert result.returncode == 0, result.stderr
            assert result.stdout.strip().splitlines()[-1] == "7"
            assert client.get(stored_key) == b"7"
        finally:
            client.delete(stored_key)
            client.close()
