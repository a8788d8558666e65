from __future__ import annotations

import logging

from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from jembatan.core.params import BadParameter

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness plus a round trip to the database; 503 when the database is unreachable."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, DisallowedHost):
        # The site's page asks the request for its host (links, the tenant), which is the
        # very thing refused: answer plainly.
        return HttpResponseBadRequest(
            _("Permintaan tidak dapat diproses."), content_type="text/plain; charset=utf-8"
        )
    # Only our own parameter messages are shown: a SuspiciousOperation's text is for the log.
    message = exception.message if isinstance(exception, BadParameter) else ""
    return render(request, "400.html", {"message": message}, status=400)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = ""
    if exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)


# The service worker, the web app manifest and the offline page: jembatan/core/views_pwa.py.
