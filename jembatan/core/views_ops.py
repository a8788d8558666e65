"""Operators' endpoints: ``/metrics`` (Prometheus) and ``/readyz`` (readiness).

Both answer only a request that carries ``Authorization: Bearer <METRICS_TOKEN>``; without
the token, with a wrong one, or when no token is configured, a plain 404 (nothing tells
that they exist). Never cached (nor by nginx, which refuses /metrics to the outside:
docs/operations.md). ``/healthz`` (jembatan.core.views) stays open and cheap.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from jembatan.core import metrics as metrics_module
from jembatan.core.readiness import readiness


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _not_found() -> HttpResponse:
    return HttpResponseNotFound("Not found", content_type="text/plain; charset=utf-8")


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return _not_found()
    body, content_type = metrics_module.exposition()
    return HttpResponse(body, content_type=content_type)


@require_safe
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return _not_found()
    ready, body = readiness()
    return JsonResponse(body, status=200 if ready else 503)
