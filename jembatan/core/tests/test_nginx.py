"""The production profile's nginx configuration, rendered and run against a live server."""

from __future__ import annotations

import gzip
import urllib.parse
import urllib.request
from urllib.error import HTTPError

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jembatan.core.tests.nginx_proxy import fetch, free_port, live_upstream, running_nginx


@pytest.fixture
def proxy(live_server, settings, tmp_path):
    """nginx in front of the live server and a dead app server, like a real deployment
    with one of its app servers down."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "media"
    css = settings.STATIC_ROOT / "css" / "site.0123456789ab.css"
    css.parent.mkdir(parents=True)
    body = b"body { color: #123; }\n" * 200
    css.write_bytes(body)
    css.with_name(css.name + ".gz").write_bytes(gzip.compress(body))
    (settings.MEDIA_ROOT / "aspirasi").mkdir(parents=True)
    (settings.MEDIA_ROOT / "aspirasi" / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    upstreams = [f"127.0.0.1:{free_port()}", live_upstream(live_server)]
    with running_nginx(upstreams, tmp_path) as base:
        yield base, body


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
