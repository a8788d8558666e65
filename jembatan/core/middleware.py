"""Security headers that Django does not set by itself; the language; the database away;
bad input before any view reads it."""

import codecs
import logging
import sys
from collections.abc import Callable
from typing import cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.template.loader import render_to_string
from django.urls import resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from jembatan.core.objectstorage import is_object_storage
from jembatan.core.params import BadParameter, shown, urlencoded_is_utf8
from jembatan.core.views import bad_request

# Everything is served by the product itself: no CDN, no inline script. Uploads in a bucket
# (core.objectstorage) are the exception: their links go to the bucket's origin (the
# endpoint or S3_CUSTOM_DOMAIN), which images and videos may then load from.
CSP_DIRECTIVES = [
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
CONTENT_SECURITY_POLICY = "; ".join(CSP_DIRECTIVES)
# The policy for the default storage configured (building a bucket URL costs a signature's
# worth of work: once per process and configuration).
_policies: dict[str, str] = {}


def media_origin() -> str:
    """The origin public uploads are linked from when they are in a bucket, else ''."""
    if not is_object_storage(default_storage):
        return ""
    parts = urlsplit(default_storage.url("csp-probe"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy() -> str:
    key = repr(settings.STORAGES.get("default"))
    policy = _policies.get(key)
    if policy is None:
        directives = list(CSP_DIRECTIVES)
        origin = media_origin()
        if origin:
            directives[1] = f"img-src 'self' data: {origin}"
            directives.insert(2, f"media-src 'self' {origin}")
        policy = "; ".join(directives)
        _policies.clear()
        _policies[key] = policy
    return policy


PERMISSIONS_POLICY = "camera=(self), geolocation=(self), microphone=(), payment=()"


# The Retry-After of a 429 whose view set none: the fixed windows of the public forms'
# limits (core.ratelimit) last ten minutes at most, bar the hourly limit per contact.
RETRY_AFTER_SECONDS = 600


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The admin ships inline scripts; it is for operators only and keeps Django's defaults.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if response.status_code == 429:
            # Every "too many" says when to come back (RFC 9110); views that know their
            # window set it themselves, the rest get the longest window of the public forms.
            response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
        return response


def request_language(request: HttpRequest) -> str:
    """The language of this request's pages: the switcher's cookie, else LANGUAGE_CODE.
    Also read by the page cache's fast path (jembatan.core.pagecache), before this
    middleware runs."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Indonesian unless the visitor chose otherwise with the language switcher.

    Many phones in the villages run an English system UI while their owners read
    Indonesian, so the browser's Accept-Language is not taken as a choice.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


# --- The database unreachable -------------------------------------------------------------

_db_logger = logging.getLogger("jembatan.core.database")
DATABASE_RETRY_AFTER = 30  # seconds
_DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def _database_unavailable_response() -> HttpResponse:
    # Rendered without the request: no context processor may ask the dead database for
    # the user or the session's messages.
    body = render_to_string("503.html", {"SITE_NAME": settings.SITE_NAME})
    response = HttpResponse(body, status=503)
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    add_never_cache_headers(response)
    # Logged once, by this module (or by Django's own 500 log): not again as a 503.
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's flag, not in stubs
    return response


def _log_database_unavailable(request: HttpRequest, exc: BaseException) -> None:
    # The view's name, not the path (which may carry a tracking code); no query, no values.
    match = getattr(request, "resolver_match", None)
    _db_logger.error(
        "Database unavailable: %s during %s %s; answered 503.",
        type(exc).__name__,
        request.method,
        match.view_name if match else "(unresolved)",
    )


def _note_database_exception(sender: object, request: HttpRequest | None = None, **kwargs):
    """got_request_exception: remember that a middleware below failed on the database."""
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, _DATABASE_UNAVAILABLE):
        request._database_unavailable = True  # type: ignore[attr-defined]  # read by getattr


got_request_exception.connect(_note_database_exception, dispatch_uid="jembatan-db-unavailable")


class DatabaseUnavailableMiddleware:
    """The database unreachable (server down, connection cut): 503, Retry-After, no traceback.

    A view that raises django.db.OperationalError or InterfaceError gets a self-contained
    503 page (templates/503.html), logged once without personal data. Nothing half-written
    stays behind: every write goes through transaction.atomic(), and PostgreSQL rolls back
    an open transaction when its connection dies. Django's connection health checks
    (CONN_HEALTH_CHECKS) drop the broken connection at the next request, so the site
    recovers by itself when the database is back. The same failure in a middleware further
    down (the session, the user) has already been logged by Django as a 500; its page is
    replaced by the same 503.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_database_unavailable", False):
            response = _database_unavailable_response()
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
            response.headers.setdefault("Content-Language", translation.get_language() or "")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, _DATABASE_UNAVAILABLE):
            return None
        _log_database_unavailable(request, exception)
        return _database_unavailable_response()


# --- Bad input before any view reads it ------------------------------------------------------

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
UTF8_NAMES = {"utf-8", "ascii"}  # ASCII is a subset of UTF-8


def _charset_is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name in UTF8_NAMES
    except LookupError:
        return False


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in item for key, items in values.lists() for item in items)


class BadInputMiddleware:
    """Input no view can use answers the site's 400 page that says why, before CSRF or
    the view reads it and fails on it.

    A form sent in another charset (utf-16, an unknown name): every form of the site is
    UTF-8; Django refuses other charsets for url-encoded bodies with a bare BadRequest and
    decodes multipart ones into nonsense. NUL in the path or the query string: PostgreSQL
    refuses it in text, so any parameter that reaches a filter would be a 500. Views
    exempt from CSRF (the API, Open311, the webhook, the beacon) answer bad input in their
    own formats, so they are left alone. Placed before CsrfViewMiddleware: its
    process_view must run first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if getattr(view_func, "csrf_exempt", False):
            return None
        message = self._problem(request)
        if message is None:
            return None

        return bad_request(request, BadParameter(message))

    @staticmethod
    def _problem(request: HttpRequest) -> str | None:
        if "\x00" in request.path or _has_nul(request.GET):
            return _("Parameter berisi karakter yang tidak sah.")
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        if request.content_type not in FORM_CONTENT_TYPES:
            return None
        charset = (request.content_params or {}).get("charset")
        if charset is None or _charset_is_utf8(charset):
            if request.content_type == FORM_CONTENT_TYPES[0] and not urlencoded_is_utf8(
                request.body
            ):
                return _("Isi formulir harus berupa UTF-8. Muat ulang halaman, lalu kirim lagi.")
            return None
        return _(
            "Formulir ini dikirim dalam pengodean “%(charset)s”; situs ini hanya "
            "menerima UTF-8. Muat ulang halaman, lalu kirim lagi."
        ) % {"charset": shown(charset)}


# The probes of load balancers and Prometheus, which ask an app server by its private
# address (Host: 10.0.0.11:8001), not by a tenant's host name.
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def _probe_view(request: HttpRequest) -> HttpResponse:
    # No tenant, as TenantMiddleware leaves it for these paths (TENANT_EXEMPT_PATHS).
    request.tenant = None  # type: ignore[attr-defined]
    match = resolve(request.path_info)
    request.resolver_match = match
    return match.func(request, *match.args, **match.kwargs)


class ProbeMiddleware:
    """Answers /healthz, /readyz and /metrics whatever the Host header, before Django's
    host check (CommonMiddleware) and the tenant: ALLOWED_HOSTS guards the links a page
    writes against a forged Host, and these three write none (nor read the host). /readyz
    and /metrics still ask for the bearer token. The answer gets the same security headers
    as any page (the middleware that set them, run around the view here). Placed right
    after MetricsMiddleware, which counts them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Django's middleware are typed as possibly async; these run synchronously.
        sync = Callable[[HttpRequest], HttpResponse]
        framed = cast(sync, XFrameOptionsMiddleware(SecurityHeadersMiddleware(_probe_view)))
        self.answer_probe = cast(sync, SecurityMiddleware(framed))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only reads: anything else goes the usual way (CSRF refuses it).
        if request.method not in ("GET", "HEAD") or request.path_info not in PROBE_PATHS:
            return self.get_response(request)
        return self.answer_probe(request)
