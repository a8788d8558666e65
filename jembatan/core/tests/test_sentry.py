"""Error reports to a Sentry-compatible server (SENTRY_DSN): personal data scrubbed.

A local HTTP server stands in for the DSN's endpoint (no internet). The reporting runs in
a subprocess with the real settings and SENTRY_DSN set, so that sentry-sdk's global hooks
never touch the other tests of this process.
"""

from __future__ import annotations

import gzip
import http.server
import os
import subprocess
import sys
import zlib
from pathlib import Path

from jembatan.core.requestid import reset_request_id, set_request_id
from jembatan.core.sentry import MASK, scrub_event
from jembatan.testing import httpd

REPO_ROOT = Path(__file__).resolve().parents[3]
NIK = "6107045203909876"
EMAIL = "theodora.rahasia@example.test"
PHONE = "+62 813-9876-5432"

SCRIPT = f"""
import logging
import django
django.setup()
import sentry_sdk

def submit(nik, email):
    # A service's frame holds the citizen's data in its variables.
    requester_phone = {PHONE!r}
    raise ValueError("refused " + email + " " + nik)

logging.getLogger("jembatan.tests").warning("looking up %s", {PHONE!r})
try:
    submit({NIK!r}, {EMAIL!r})
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(timeout=5)
print("sent")
"""


class Collector(http.server.BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":  # the SDK's choice when brotli is installed (whitenoise uses it)
            import brotli

            body = brotli.decompress(body)
        Collector.bodies.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args) -> None:
        pass


def test_errors_reach_the_dsn_without_personal_data():
    Collector.bodies = []
    server = http.server.HTTPServer(("127.0.0.1", 0), Collector)
    httpd.start(server)
    try:
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "jembatan.settings_test",
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/1",
        }
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        httpd.stop(server)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sent" in result.stdout
    received = b"\n".join(Collector.bodies).decode("utf-8", "replace")
    # The report arrived: the exception's class and where it was raised ...
    assert "ValueError" in received
    assert "submit" in received
    assert MASK in received
    # ... without the citizen's data, in the message, the frame's variables or a breadcrumb.
    for secret in (NIK, EMAIL, "theodora.rahasia", PHONE, "9876-5432", "requester_phone"):
        assert secret not in received, secret


def test_scrubber_drops_request_user_and_variables():
    event = {
        "user": {"email": EMAIL, "ip_address": "10.0.0.1"},
        "request": {
            "url": "https://kab.example/aspirasi/ASP-1234/?k=secretkey",
            "data": {"reporter_name": "Theodora"},
            "cookies": {"sessionid": "abc"},
            "query_string": "k=secretkey",
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "Firefox", "X-Request-ID": "r1"},
        },
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": f"bad NIK {NIK}",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"nik": NIK}}]},
                }
            ]
        },
        "extra": {"phone": PHONE},
    }
    token = set_request_id("req-sentry-12345678")
    try:
        scrubbed = scrub_event(event)
    finally:
        reset_request_id(token)
    assert scrubbed["tags"] == {"request_id": "req-sentry-12345678"}
    text = repr(scrubbed)
    assert "user" not in scrubbed and "extra" not in scrubbed
    assert scrubbed["request"]["url"] == "https://kab.example/aspirasi/ASP-1234/"
    assert scrubbed["request"]["headers"] == {"User-Agent": "Firefox", "X-Request-ID": "r1"}
    for secret in (NIK, EMAIL, "Theodora", "secretkey", "sessionid=abc", PHONE):
        assert secret not in text, secret
    assert scrubbed["exception"]["values"][0]["value"] == f"bad NIK {MASK}"
