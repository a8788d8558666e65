"""A real nginx, rendered from deploy/nginx.conf.template, in front of pytest's live server:
shared by the proxy tests (test_nginx.py, test_nginx_cache.py)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError

import pytest

from jembatan.core.management.commands.nginx_conf import render

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, data: bytes | None = None, **headers: str):
    """status, headers (with every Set-Cookie) and body; redirects are not followed."""
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (loopback)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


@contextlib.contextmanager
def running_nginx(upstreams: list[str], var_dir: Path) -> Iterator[str]:
    """nginx with the production profile's configuration; yields its base URL."""
    if not shutil.which(NGINX) and not Path(NGINX).exists():
        pytest.fail("nginx not found: apt-get install nginx (the .ci/run script does).")
    port = free_port()
    conf = var_dir / "nginx.conf"
    conf.write_text(render(listen=f"127.0.0.1:{port}", upstreams=upstreams, var_dir=var_dir))
    check = subprocess.run(
        [NGINX, "-t", "-q", "-p", str(var_dir), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen([NGINX, "-p", str(var_dir), "-c", str(conf)])
    try:
        for _ in range(500):  # listening within 5 s; it takes a few hundredths
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def live_upstream(live_server) -> str:
    return live_server.url.split("//", 1)[1].replace("localhost", "127.0.0.1")
