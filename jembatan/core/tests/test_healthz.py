"""/healthz: liveness plus a real database round trip; 503 when the database is down.

The unreachable-database cases run the production settings in a subprocess whose
DATABASE_URL points at a PostgreSQL port nobody listens on, so the connection really
fails: once through Django's test client and once over HTTP against gunicorn.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jembatan.core.tests.test_settings import REPO_ROOT, production_env, run_manage

UNREACHABLE_DB = "postgres://postgres@127.0.0.1:1/nope"


@pytest.mark.django_db
class TestHealthzInProcess:
    def test_ok_json(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_never_cached(self, client):
        response = client.get("/healthz")
        cache_control = response["Cache-Control"]
        assert "no-cache" in cache_control
        assert "no-store" in cache_control

    def test_sets_no_session_cookie(self, client):
        response = client.get("/healthz")
        assert "sessionid" not in response.cookies

    def test_only_get(self, client):
        assert client.post("/healthz").status_code == 405

    def test_needs_no_login(self, client):
        response = client.get("/healthz", follow=False)
        assert response.status_code == 200
        assert not response.has_header("Location")


SHELL_CODE = (
    "from django.test import Client; "
    "r = Client().get('/healthz'); "
    "print(r.status_code); print(r.content.decode())"
)


@pytest.mark.once  # gunicorn or a shell on a SQLite file of its own (or none)
class TestHealthzUnreachableDatabase:
    def test_503_through_test_client(self, tmp_path):
        env = production_env(tmp_path, DATABASE_URL=UNREACHABLE_DB, ALLOWED_HOSTS="testserver")
        result = run_manage(env, "shell", "-c", SHELL_CODE)
        assert result.returncode == 0, result.stderr
        status, body = result.stdout.strip().splitlines()[-2:]
        assert status == "503"
        assert json.loads(body) == {"status": "error", "database": "unreachable"}
        # Nothing about the connection (host, user) leaks into the response body.
        assert "127.0.0.1" not in body
        assert "postgres" not in body

    def test_200_through_test_client_when_database_is_reachable(self, tmp_path):
        # The same code path with a working database, so the 503 above is not an accident.
        env = production_env(tmp_path, ALLOWED_HOSTS="testserver")
        result = run_manage(env, "shell", "-c", SHELL_CODE)
        assert result.returncode == 0, result.stderr
        status, body = result.stdout.strip().splitlines()[-2:]
        assert status == "200"
        assert json.loads(body)["status"] == "ok"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving jembatan.wsgi with a given environment, on a free local port."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 1) -> None:
        self.port = free_port()
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "jembatan.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited early:\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"gunicorn did not start:\n{log.read_text()}")

    def get(self, path: str, host: str = "jembatan.example.id") -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Host": host})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self._log_file.close()


@pytest.fixture
def gunicorn_factory(tmp_path):
    servers: list[Gunicorn] = []

    def start(env: dict[str, str]) -> Gunicorn:
        server = Gunicorn(env, tmp_path / f"gunicorn-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def production_gunicorn(tmp_path_factory):
    """gunicorn on the production settings and a working database, shared by the tests
    that only read from it."""
    root = tmp_path_factory.mktemp("production-gunicorn")
    server = Gunicorn(production_env(root), root / "gunicorn.log")
    yield server
    server.stop()


@pytest.mark.once  # gunicorn or a shell on a SQLite file of its own (or none)
class TestHealthzOverHttp:
    def test_503_from_gunicorn_when_database_is_unreachable(self, tmp_path, gunicorn_factory):
        server = gunicorn_factory(production_env(tmp_path, DATABASE_URL=UNREACHABLE_DB))
        status, headers, body = server.get("/healthz")
        # Plain HTTP: the health check is exempt from the HTTPS redirect.
        assert status == 503, (status, headers, body)
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body) == {"status": "error", "database": "unreachable"}
        # The server stays up and keeps answering.
        assert server.get("/healthz")[0] == 503
        assert server.process.poll() is None

    def test_200_from_gunicorn_and_other_paths_redirect_to_https(self, production_gunicorn):
        server = production_gunicorn
        status, headers, body = server.get("/healthz")
        assert status == 200, (status, headers, body)
        assert json.loads(body) == {"status": "ok", "database": "ok"}
        status, headers, _ = server.get("/")
        assert status == 301
        assert headers["Location"] == "https://jembatan.example.id/"

    def test_any_host_gets_the_probe_and_an_unknown_one_no_page(self, production_gunicorn):
        """A load balancer asks by the app server's address (docs/deploy.md): /healthz
        answers whatever the Host (it writes no link); a page still refuses the host."""
        server = production_gunicorn
        assert server.get("/healthz", host="10.0.0.11:8001")[0] == 200
        assert server.get("/", host="evil.example")[0] == 400
