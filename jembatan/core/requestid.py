"""The request id: one per request, in its log records, its response and the tasks it queues.

An incoming ``X-Request-ID`` (set by nginx or another proxy in front) is kept when it is
safe to log and echo: 8 to 64 characters of letters, digits, ``.``, ``_``, ``:`` and
``-``. Anything else is replaced by a new random id, so a client cannot inject text into
the logs or the response headers. The id travels in a context variable: the JSON log
formatter (jembatan.core.jsonlog) reads it, ``enqueue_on_commit`` stores it on the task's
record and the consumer restores it while the task runs (jembatan.core.tasks).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_SAFE = re.compile(r"[A-Za-z0-9._:\-]{8,64}")
_current: ContextVar[str] = ContextVar("jembatan_request_id", default="")


def current_request_id() -> str:
    """The id of the request (or task) being served; "" outside both."""
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def safe_request_id(value: str | None) -> str:
    """``value`` when it is safe to log and echo, else a new id."""
    if value and _SAFE.fullmatch(value):
        return value
    return new_request_id()


def set_request_id(value: str) -> Token:
    return _current.set(value or "")


def reset_request_id(token: Token | None) -> None:
    if token is None:
        return
    try:
        _current.reset(token)
    except (RuntimeError, ValueError):  # used already, or set in another context
        _current.set("")


class RequestIdMiddleware:
    """First in MIDDLEWARE: every log record of the request carries its id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = safe_request_id(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response.headers[HEADER] = request_id
        return response
