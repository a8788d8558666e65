"""The production profile's nginx configuration, rendered and run against a live server."""

from __future__ import annotations

import gzip
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from urllib.error import HTTPError

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jembatan.core.management.commands.nginx_conf import render

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback only)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def proxy(live_server, settings, tmp_path):
    """nginx in front of the live server and a dead app server, like a real deployment
    with one of its app servers down."""
    if not shutil.which(NGINX) and not shutil.os.path.exists(NGINX):
        pytest.fail("nginx not found: apt-get install nginx (the .ci/run script does).")
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "media"
    css = settings.STATIC_ROOT / "css" / "site.0123456789ab.css"
    css.parent.mkdir(parents=True)
    body = b"body { color: #123; }\n" * 200
    css.write_bytes(body)
    css.with_name(css.name + ".gz").write_bytes(gzip.compress(body))
    (settings.MEDIA_ROOT / "aspirasi").mkdir(parents=True)
    (settings.MEDIA_ROOT / "aspirasi" / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    port = free_port()
    app = live_server.url.split("//", 1)[1]
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        render(
            listen=f"127.0.0.1:{port}",
            upstreams=[f"127.0.0.1:{free_port()}", app.replace("localhost", "127.0.0.1")],
            var_dir=tmp_path,
        )
    )
    check = subprocess.run(
        [NGINX, "-t", "-q", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf)])
    try:
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", body
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_pages_static_and_media_through_nginx(proxy):
    base, css = proxy
    # Pages come from an app server, even with the other one down.
    for _ in range(4):
        status, headers, page = fetch(f"{base}/")
        assert status == 200 and b"Jembatan" in page
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers.get("Server") == "nginx"  # no version
    # Static files: hashed names, cached for a year, served compressed.
    status, headers, data = fetch(
        f"{base}/static/css/site.0123456789ab.css", **{"Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(data) == css
    # Uploads: from the shared directory, never run as a page.
    status, headers, data = fetch(f"{base}/media/aspirasi/foto.jpg")
    assert status == 200 and data.startswith(b"\xff\xd8")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    # A missing upload is nginx's 404: the app servers never serve the media directory.
    status, headers, _ = fetch(f"{base}/media/aspirasi/tidak-ada.jpg")
    assert status == 404 and "Content-Language" not in headers


def test_the_command_refuses_bad_addresses(tmp_path):
    with pytest.raises(CommandError, match="HOST:PORT"):
        call_command("nginx_conf", listen="8080", var=str(tmp_path))
    with pytest.raises(CommandError, match="upstream"):
        call_command("nginx_conf", upstream=["app server"], var=str(tmp_path))
    out = tmp_path / "nginx.conf"
    call_command("nginx_conf", upstream=["10.0.0.5:8000"], var=str(tmp_path), output=str(out))
    text = out.read_text()
    assert "server 10.0.0.5:8000 max_fails=3" in text and "@" not in text.replace("$", "")


@pytest.mark.django_db(transaction=True)
def test_a_browser_form_post_through_nginx_passes_the_origin_check(proxy):
    """The browser's Origin carries nginx's port: the app must see the same host and port,
    or every sign-in and form behind the proxy fails with "Verifikasi CSRF gagal"."""
    import re

    base, _css = proxy
    status, headers, page = fetch(f"{base}/akun/masuk/")
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "tidak@ada.test", "password": "salah"}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (loopback only)
        f"{base}/akun/masuk/",
        data=body,
        headers={
            "Origin": base,
            "Referer": f"{base}/akun/masuk/",
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            status, text = response.status, response.read().decode()
    except HTTPError as error:
        status, text = error.code, error.read().decode()
    assert status != 403, text[:300]
    assert "CSRF" not in text
