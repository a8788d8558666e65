"""An SMS/WhatsApp gateway for the tests: a real HTTP server on a free port of 127.0.0.1
that checks each text's signature (core.gateway) as the real gateway does, and keeps what
it accepted. Not a mock: the code under test sends over HTTP to it."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from jembatan.core.gateway import signature_for
from jembatan.testing import httpd


class Gateway:
    """Accepts (202) the texts signed with ``secret`` into ``received``, refuses (403) the
    others and counts them in ``refused``; ``fail_next`` answers that many texts 503 first,
    as a gateway that is down. ``stop()`` when done (or use it as a context manager)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.received: list[dict[str, Any]] = []
        self.refused = 0
        self.fail_next = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["X-Jembatan-Timestamp"]
                signed = self.headers["X-Jembatan-Signature"] == signature_for(
                    gateway.secret, timestamp, body
                )
                if gateway.fail_next:
                    gateway.fail_next -= 1
                    self.send_response(503)
                elif not signed:
                    gateway.refused += 1
                    self.send_response(403)
                else:
                    gateway.received.append(json.loads(body))
                    self.send_response(202)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        httpd.start(self.server)

    def as_default(self, settings: Any) -> Gateway:
        """Makes it the install's gateway (``SMS_GATEWAY_URL`` and its secret) for the
        test whose ``settings`` fixture is given."""
        settings.SMS_GATEWAY_URL = self.url
        settings.SMS_GATEWAY_SECRET = self.secret
        return self

    def stop(self) -> None:
        httpd.stop(self.server)

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
