"""Limits on real servers: the login lockout through nginx in front of gunicorn (visitors
from different loopback addresses), and a rate limit that holds across two gunicorn workers
of the embedded setup (SQLite, no Redis)."""

from __future__ import annotations

import http.client
import re
import shutil
import sqlite3
import subprocess
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.urls import reverse

from jembatan.core.management.commands.nginx_conf import render
from jembatan.core.tests.test_healthz import Gunicorn, free_port
from jembatan.core.tests.test_settings import production_env, run_manage
from jembatan.testing import testdb

# The servers run on SQLite files of their own, whatever database the suite is on.
pytestmark = pytest.mark.once

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "jembatan.example.id"
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")
RESET = reverse("accounts:password_reset")
PASSWORD = "rahasia-yang-panjang"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    """A browser at one address: keeps its cookies, connects from ``address``."""

    def __init__(self, port: int, address: str = "127.0.0.1") -> None:
        self.port, self.address = port, address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, **headers: str):
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.address, 0)
        )
        headers = {"Host": HOST, **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location", ""), response.read().decode()
        finally:
            conn.close()

    def post_form(self, path: str, form: dict, **headers: str):
        status, _, page = self.request("GET", path)
        assert status == 200, page[:500]
        token = _CSRF.search(page).group(1)
        return self.request("POST", path, {**form, "csrfmiddlewaretoken": token}, **headers)

    def sign_in(self, login: str, password: str, **headers: str):
        return self.post_form(LOGIN, {"username": login, "password": password}, **headers)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> str:
    """Collected once: the production profile serves hashed static names only."""
    root = tmp_path_factory.mktemp("static")
    env = production_env(root, STATIC_ROOT=str(root / "static"))
    result = run_manage(env, "collectstatic", "--noinput")
    assert result.returncode == 0, result.stderr
    return str(root / "static")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """An empty site's database with its tenant, made once: each test starts from its own
    copy. The migrations are not what is tested here: the kept migrated database of the
    same migrations serves when there is one (testing/testdb.py), else manage.py migrates."""
    root = tmp_path_factory.mktemp("migrated")
    env = production_env(root, ALLOWED_HOSTS=HOST)

    def migrate(target: Path) -> None:
        assert env["DATABASE_URL"] == f"sqlite:///{target}"
        # A bound for a hung process, not a speed goal: on a loaded machine it takes long.
        result = run_manage(env, "migrate", "--noinput", timeout=600)
        assert result.returncode == 0, result.stderr

    database = testdb.migrated_sqlite_file(root / "db.sqlite3", migrate)
    # A site answers only on a tenant's host (jembatan.tenants), and the account the
    # lockout test signs in to: in the copy each test starts from, made in one process.
    code = (
        "from jembatan.testing.factories import serve_tenant; "
        f"serve_tenant(hosts=({HOST!r},)); " + ADD_USER
    )
    result = run_manage(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    return database


def _site(tmp_path: Path, static_root: str, migrated: Path, **overrides: str) -> dict[str, str]:
    env = production_env(
        tmp_path,
        STATIC_ROOT=static_root,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        LOGIN_FAILURE_LIMIT="3",
        **overrides,
    )
    with sqlite3.connect(migrated) as source, sqlite3.connect(tmp_path / "db.sqlite3") as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return env


# Siti, with a confirmed second factor (the reset test asks for addresses nobody has).
ADD_USER = (
    "from jembatan.accounts.models import User; "
    "from django_otp.plugins.otp_totp.models import TOTPDevice; "
    "u = User.objects.create_user('siti@example.test', "
    f"'{PASSWORD}', phone='0812-3456-7890'); "
    "TOTPDevice.objects.create(user=u, name='default', confirmed=True)"
)


@pytest.fixture
def servers(tmp_path):
    started: list = []
    yield started
    for server in reversed(started):
        server.stop()


class _Nginx:
    def __init__(self, tmp_path: Path, upstream: str) -> None:
        self.port = free_port()
        conf = tmp_path / "nginx.conf"
        conf.write_text(
            render(listen=f"127.0.0.1:{self.port}", upstreams=[upstream], var_dir=tmp_path)
        )
        self.process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf)])
        for _ in range(50):
            try:
                if Visitor(self.port).request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()  # never left running behind a failed test
        raise AssertionError("nginx did not answer /healthz")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def test_through_nginx_the_attackers_address_is_locked_and_the_owner_still_signs_in(
    tmp_path, servers, static_root, migrated
):
    env = _site(tmp_path, static_root, migrated, PROXY_COUNT="1")  # Siti is in it (ADD_USER)
    app = Gunicorn(env, tmp_path / "gunicorn.log")
    servers.append(app)
    nginx = _Nginx(tmp_path, f"127.0.0.1:{app.port}")
    servers.append(nginx)

    # Every spelling of the account, each with a forged X-Forwarded-For: one counter,
    # and the address nginx saw (127.0.0.2) is the one that counts.
    attacker = Visitor(nginx.port, "127.0.0.2")
    for i, spelling in enumerate(["Siti@Example.test", " 081234567890", "+62 812-3456-7890"]):
        status, _, _ = attacker.sign_in(spelling, "salah", **{"X-Forwarded-For": f"10.9.9.{i}"})
        assert status == 200 if i < 2 else status == 429
    status, _, page = attacker.sign_in("siti@example.test", PASSWORD)
    assert status == 429 and "Terlalu banyak percobaan masuk" in page

    # The owner, at another address, signs in with the password and goes on to the code.
    owner = Visitor(nginx.port, "127.0.0.3")
    status, location, _ = owner.sign_in("SITI@example.test", PASSWORD)
    assert status == 302 and location.startswith(VERIFY), (status, location)
    # Someone else at a third address is not locked out of their own sign-in page.
    assert Visitor(nginx.port, "127.0.0.4").request("GET", LOGIN)[0] == 200


def test_a_rate_limit_holds_across_two_workers_without_redis(
    tmp_path, servers, static_root, migrated
):
    env = _site(tmp_path, static_root, migrated)
    assert "REDIS_URL" not in env
    app = Gunicorn(env, tmp_path / "gunicorn.log", workers=2)
    servers.append(app)

    def ask(i: int) -> int:
        # A fresh session each time: only the visitor's address ties the requests together.
        return Visitor(app.port).post_form(RESET, {"email": f"orang{i}@example.test"})[0]

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(ask, range(18)))
    # Five reset requests per address an hour (accounts.views.RESET_LIMIT_PER_VISITOR),
    # whichever worker answered: with a per-worker count each worker allowed five.
    assert statuses.count(302) == 5, statuses
    assert statuses.count(429) == 13, statuses
