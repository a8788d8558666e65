from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE, get_token
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
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


@require_safe
@never_cache
def form_token(request: HttpRequest) -> JsonResponse:
    """This visitor's form token, with its cookie: a page from the shared cache carries
    none (core.pagecache), so static/js/form-token.js fetches one on the first submit."""
    return JsonResponse({"token": get_token(request)})


# The token is absent, not wrong: the form came from a page of the shared cache, sent by a
# visitor without a CSRF cookie or with one (from any earlier page with a form).
_RESENDABLE = (REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING)
# Marks the form of the page that sends once more: refused again (a browser that keeps no
# cookie), it gets the plain refusal, not the same page without end.
RESENT_FIELD = "csrf_resent"


def _same_origin(request: HttpRequest) -> bool:
    """The form was sent from one of this site's own pages (Django has already refused a
    foreign Origin; without one, the Referer must name this host)."""
    here = f"{request.scheme}://{request.get_host()}"
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        return origin == here
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    return bool(referer.netloc) and f"{referer.scheme}://{referer.netloc}" == here


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. A form sent without a token from this site's own page (a page of
    the shared cache, read without script) is shown again, its fields kept, with this
    visitor's token: one more press sends it. That is a step of an ordinary visit, not an
    error, so it is answered 200 (never stored: a POST's answer, and no-store). Anything
    else is the plain refusal (403)."""
    if (
        reason in _RESENDABLE
        and request.method == "POST"
        and _same_origin(request)
        # A chosen file cannot be put back into a form: that one is chosen again.
        and not request.FILES
        and RESENT_FIELD not in request.POST
    ):
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", RESENT_FIELD)
            for value in values
        ]
        response = render(
            request,
            "core/resend.html",
            {"action": request.get_full_path(), "fields": fields, "resent": RESENT_FIELD},
        )
        add_never_cache_headers(response)
        return response
    return django_csrf_failure(request, reason)


# The service worker, the web app manifest and the offline page: jembatan/core/views_pwa.py.
