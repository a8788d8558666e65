"""Outbound SMS/WhatsApp through the operator's gateway: one signed JSON POST per text.

The gateway receives ``{"to": "+62...", "text": "..."}`` at SMS_GATEWAY_URL, signed like
the inbound webhook (``X-Jembatan-Timestamp`` and ``X-Jembatan-Signature: sha256=<hex>``
over ``<timestamp>.<body>`` with SMS_GATEWAY_SECRET), and answers 2xx when it has taken
the message. Anything else raises, so the task that called it is retried.

Each kabupaten/kota served may have its own gateway: the tenants app registers a source
(``register_gateway_source``) giving the (url, secret) of the tenant serving a region code.
Callers pass the code of the kabupaten the text is about (``kabupaten_code``); where no
source names a gateway for it, SMS_GATEWAY_URL/SMS_GATEWAY_SECRET are the default.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request
from collections.abc import Callable

from django.conf import settings

TIMEOUT = 10


class GatewayError(Exception):
    pass


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of ``<timestamp>.<body>``: signs outbound texts and checks inbound
    webhooks (aspirations.webhook) alike."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


# Functions giving the (url, secret) of the gateway of a region's kabupaten, or None.
_gateway_sources: list[Callable[[str | None], tuple[str, str] | None]] = []


def register_gateway_source(source: Callable[[str | None], tuple[str, str] | None]) -> None:
    """``source(region_code)`` gives the (url, secret) of the gateway of that kabupaten, or
    None to leave it to the next source and then to the settings. Core knows no app: the
    tenants app registers itself (TenantsConfig.ready)."""
    if source not in _gateway_sources:
        _gateway_sources.append(source)


def gateway_for(kabupaten_code: str | None = None) -> tuple[str, str]:
    """The (url, secret) texts about ``kabupaten_code`` go through; ("", "") when none."""
    if kabupaten_code:
        for source in _gateway_sources:
            found = source(kabupaten_code)
            if found is not None and found[0]:
                return found
    return settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_SECRET


def gateway_enabled(kabupaten_code: str | None = None) -> bool:
    return bool(gateway_for(kabupaten_code)[0])


def send_text(to: str, text: str, *, kabupaten_code: str | None = None) -> None:
    url, secret = gateway_for(kabupaten_code)
    if not url:
        raise GatewayError("no gateway configured")
    body = json.dumps({"to": to, "text": text}).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (the operator's configured https/http URL)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Jembatan-Timestamp": timestamp,
            "X-Jembatan-Signature": signature_for(secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise GatewayError(f"gateway answered {response.status}")
    except OSError as exc:  # URLError, HTTPError, timeouts
        raise GatewayError(str(exc)) from exc
