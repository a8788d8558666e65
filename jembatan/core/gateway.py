"""Outbound SMS/WhatsApp through the operator's gateway: one signed JSON POST per text.

The gateway receives ``{"to": "+62...", "text": "..."}`` at SMS_GATEWAY_URL, signed like
the inbound webhook (``X-Jembatan-Timestamp`` and ``X-Jembatan-Signature: sha256=<hex>``
over ``<timestamp>.<body>`` with SMS_GATEWAY_SECRET), and answers 2xx when it has taken
the message. Anything else raises, so the task that called it is retried.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request

from django.conf import settings

TIMEOUT = 10


class GatewayError(Exception):
    pass


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of ``<timestamp>.<body>``: signs outbound texts and checks inbound
    webhooks (aspirations.webhook) alike."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def gateway_enabled() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


def send_text(to: str, text: str) -> None:
    body = json.dumps({"to": to, "text": text}).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (the operator's configured https/http URL)
        settings.SMS_GATEWAY_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Jembatan-Timestamp": timestamp,
            "X-Jembatan-Signature": signature_for(settings.SMS_GATEWAY_SECRET, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise GatewayError(f"gateway answered {response.status}")
    except OSError as exc:  # URLError, HTTPError, timeouts
        raise GatewayError(str(exc)) from exc
