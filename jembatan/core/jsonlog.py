"""Structured logs: one JSON object per line (python-json-logger), with the request id.

Each record carries ``time``, ``level``, ``logger``, ``message`` and ``request_id`` (the
request's or the task's, jembatan.core.requestid; "" for work nobody asked for), plus the
exception's traceback when there is one. LOG_FORMAT=plain keeps the old text lines.

What goes into a message is the caller's: the project logs ids, view names and exception
classes, never names, phone numbers, e-mail addresses or NIKs (core/tests/test_logs.py
checks the public forms).
"""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from jembatan.core.requestid import current_request_id


def record_request_id(record: logging.LogRecord) -> str:
    """The id of the request or task that logged ``record``. Django logs a response (its
    "Not Found" or "Internal Server Error") after the middleware has returned: its record
    holds the request itself, which holds the id."""
    given = getattr(record, "request_id", "")
    if given:
        return str(given)
    request = getattr(record, "request", None)
    return str(getattr(request, "request_id", "") or current_request_id())


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to each record (for the plain format too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = record_request_id(record)
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        # Django's request object (its repr names the path): the id is enough.
        log_data.pop("request", None)
        log_data["request_id"] = record_request_id(record)
