"""One error format for every error of the API:

    {"error": {"status": 404, "code": "not_found", "message": "...", "details": {...}}}

``details`` holds the fields' messages of a 400 ({"field": ["message", ...]}) and the
seconds to wait of a 429 ({"retry_after": 30}); it is an empty object otherwise."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)


def error_body(status_code: int, code: str, message: str, details: Any = None) -> dict:
    return {
        "error": {
            "status": status_code,
            "code": code,
            "message": str(message),
            "details": details or {},
        }
    }


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, Http404):
        message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else None
        return exceptions.NotFound(message)
    if isinstance(exc, DjangoPermissionDenied):
        message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else None
        return exceptions.PermissionDenied(message)
    return exc


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def api_exception_handler(exc: Exception, context: dict) -> Response:
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable: the same answer as the site's 503 page, in JSON.
        logger.warning("Database unavailable in the API: %s", type(exc).__name__)
        set_rollback()
        response = Response(
            error_body(
                503,
                "unavailable",
                _("Layanan sedang tidak tersedia. Coba lagi beberapa saat lagi."),
            ),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = "30"
        return response
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)  # sets WWW-Authenticate, Retry-After
    if response is None or not isinstance(exc, exceptions.APIException):
        # A bug: logged with its traceback (no request data, which may be personal), and
        # answered in the same format instead of Django's HTML page.
        logger.error("Unhandled error in the API", exc_info=exc)
        set_rollback()
        return Response(
            error_body(
                500,
                "server_error",
                _(
                    "Terjadi kesalahan di server. Coba lagi nanti; bila berulang, "
                    "hubungi pengelola."
                ),
            ),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body(
            response.status_code,
            "invalid",
            _("Data yang dikirim tidak valid: lihat details."),
            detail,
        )
    elif isinstance(exc, exceptions.Throttled):
        wait = math.ceil(exc.wait) if exc.wait is not None else 60
        body = error_body(
            response.status_code,
            "throttled",
            _("Terlalu banyak permintaan. Coba lagi dalam %(seconds)s detik.") % {"seconds": wait},
            {"retry_after": wait},
        )
    else:
        body = error_body(response.status_code, _code(exc), str(exc.detail))
    response.data = body
    return response
