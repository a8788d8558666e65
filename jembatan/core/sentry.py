"""Optional error reporting to a Sentry-compatible server (sentry-sdk), on when SENTRY_DSN
is set; personal data scrubbed before an event leaves the process.

``send_default_pii=False`` keeps out cookies, the user and the client's address; on top of
that ``scrub_event`` removes the request's body, query string, cookies and headers but a
few harmless ones, the user, and the local variables of every stack frame (a frame of a
service holds the reporter's name or NIK), and masks anything in the remaining text that
looks like an e-mail address, a phone number or a NIK. No performance tracing.
"""

from __future__ import annotations

import re
from typing import Any

from jembatan.core.requestid import current_request_id

KEPT_HEADERS = {"user-agent", "accept-language", "content-type", "x-request-id", "host"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# 8 or more digits, with optional separators: phone numbers (+62 812-3456-7890), NIKs.
_DIGITS = re.compile(r"\+?\d[\d\s().-]{6,}\d")
MASK = "[scrubbed]"


def _mask(text: str) -> str:
    return _DIGITS.sub(MASK, _EMAIL.sub(MASK, text))


def _scrub_strings(value: Any) -> Any:
    if isinstance(value, str):
        return _mask(value)
    if isinstance(value, list):
        return [_scrub_strings(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_strings(item) for key, item in value.items()}
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_send``: the event without personal data."""
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for field in ("data", "cookies", "query_string", "env"):
            request.pop(field, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                key: value for key, value in headers.items() if key.lower() in KEPT_HEADERS
            }
        if isinstance(request.get("url"), str):
            # The path may carry a tracking code; the URL name is in the transaction.
            request["url"] = request["url"].split("?", 1)[0]
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    event.pop("extra", None)
    for key in ("message", "logentry", "exception", "breadcrumbs", "request", "tags"):
        if key in event:
            event[key] = _scrub_strings(event[key])
    # The request id (core.requestid) finds the report's lines in the logs.
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_breadcrumb``: SQL parameters and log messages masked."""
    crumb.pop("data", None)
    return _scrub_strings(crumb)


def init_sentry(dsn: str, *, environment: str = "", release: str = "") -> bool:
    """Start reporting when ``dsn`` is set (settings.py calls this); False when off."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        # Plain dicts here for the SDK's TypedDicts (Event, Breadcrumb).
        before_send=scrub_event,  # type: ignore[arg-type]
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=0,
        environment=environment or None,
        release=release or None,
    )
    return True
