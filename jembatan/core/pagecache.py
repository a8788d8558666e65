"""Whole-page cache for anonymous visitors, invalidated whenever public content changes.

Pages with forms keep working: the per-visitor CSRF token is cut out before the
page is stored and put back for each visitor. Visitors with a session (signed in)
or a pending message always get a fresh page. Scheduled posts need no event: the
short lifetime brings them in within PAGE_CACHE_SECONDS.

Each tenant (the kabupaten/kota the host serves) may set its own lifetime: core knows no
app, so it reads ``request.tenant.page_cache_seconds`` duck-typed (set by
jembatan.tenants.middleware; a whole number of seconds, 0 for no cache, None or absent
for PAGE_CACHE_SECONDS).

Behind nginx (deploy/nginx.conf.template) a page may also be kept by nginx, shared by
every anonymous visitor for SHARED_CACHE_SECONDS (a few seconds; then, while one request
renders it again, the old copy for at most SHARED_CACHE_STALE_SECONDS): nginx asks with
the request header X-Shared-Cache, sent only for visitors without a session, a message
or credentials, with the language it keys the copy under (X-Shared-Cache-Language), and
the app answers X-Accel-Expires on a page it would cache itself, written in that
language. Such a page carries no form token and sets no CSRF cookie (a shared copy must
hold nothing of one visitor), whether or not the visitor who asked has a CSRF cookie:
the tokens of the forms are cut out, and a page that still holds a token of this
request's CSRF secret anywhere else is not shared. A script fetches a token on the first
submit (static/js/form-token.js, the view ``form_token``), and without script the
server's confirmation page (``csrf_failure``) asks to send the same form once more.

The version that invalidates every page lives in the cache when the cache is shared
(Redis). The embedded setup runs several gunicorn workers, each with its own local-memory
cache, so there the version also lives in a small file (PAGE_CACHE_VERSION_FILE) that
every worker reads: a change seen by one worker (a withdrawn item, an edited post)
reaches the pages cached by the others at once, not after PAGE_CACHE_SECONDS.

PageCacheFastPathMiddleware, high in MIDDLEWARE, answers a repeated anonymous GET before
sessions, the tenant, authentication and the rest of the stack run: it keeps each page the
view cached as it left the stack (its headers too) under the same version, language,
scheme, host and path, and serves it to a request that the view would have served from
cache (no session or message cookie, no credentials). A page with a form gets the
visitor's CSRF token from Django's own CSRF middleware, as it would below. nginx refilling
its shared copy gets, from its own entry, the page exactly as the stack shared it
(``_share``: no form token, no CSRF cookie, X-Accel-Expires), when nginx keys it under the
language the page is written in and the page holds nothing of this visitor's CSRF secret.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware import csrf as django_csrf
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import translation

from jembatan.core.metrics import page_cache_result
from jembatan.core.middleware import request_language

VERSION_KEY = "pagecache:version"
PLACEHOLDER = "__CSRF_TOKEN__"
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# A form token as get_token writes it: 64 letters and digits (a masked CSRF secret).
_MASKED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# What nginx's key holds besides scheme, host and address (deploy/nginx.conf.template):
# a page that varies on anything else is not shared.
_KEYED_VARY = {"cookie", "accept-encoding", "origin"}


def _version_file() -> Path | None:
    path = settings.PAGE_CACHE_VERSION_FILE
    return Path(path) if path else None


def _file_version() -> str:
    """The shared version: the file's identity, read with one stat() call per request.
    Each bump sets its modification time to a new nanosecond (see ``_bump_file_version``)."""
    path = _version_file()
    if path is None:
        return ""
    try:
        info = os.stat(path)
    except OSError:
        return ""
    return f"{info.st_ino}-{info.st_mtime_ns}"


def _bump_file_version() -> None:
    path = _version_file()
    if path is None:
        return
    # A new modification time, given to the nanosecond (not the file system's coarse
    # clock) and later than the one before: one metadata write, atomic, where replacing
    # the file made the file system flush it first (milliseconds on every public save).
    # Two workers bumping at once each leave a value no page was stored under, as
    # neither is the version they read before.
    try:
        previous = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        previous = 0
    stamp = max(time.time_ns(), previous + 1)
    os.utime(path, ns=(stamp, stamp))
    if os.stat(path).st_mtime_ns == previous:
        # A file system that keeps coarser times (a second, two) kept the old one: the
        # file is replaced instead, which gives it a new inode, so the version changes.
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        temporary.write_text(uuid.uuid4().hex[:12], encoding="ascii")
        os.replace(temporary, path)


def content_changed(**_kwargs) -> None:
    """Signal receiver: every cached page is stale from now on."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)
    _bump_file_version()


def content_version() -> str:
    """The version every cached page is stored under: a change of public content
    (``content_changed``) gives a new one. Views that keep their own copies (a rendered
    PDF) put it in their keys to be invalidated with the pages."""
    return f"{cache.get_or_set(VERSION_KEY, 1, timeout=None)}.{_file_version()}"


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def page_cache_seconds(request: HttpRequest) -> int:
    """The lifetime of this request's cached pages: its tenant's, else PAGE_CACHE_SECONDS."""
    own = getattr(getattr(request, "tenant", None), "page_cache_seconds", None)
    return int(own) if own is not None else settings.PAGE_CACHE_SECONDS


def shared_cache_seconds(request: HttpRequest, seconds: int) -> int:
    """How long nginx may keep this page for every anonymous visitor (0: not at all).

    Only when nginx asks, for the language the page is written in (nginx keys its copy by
    the language cookie as it reads it; Django may read it otherwise), and never with
    credentials (nginx sends none of these, but the app does not take its word for it). A
    CSRF cookie does not matter: the shared page is made without the visitor's token
    (``_share``, ``holds_token``)."""
    meta = request.META
    if meta.get("HTTP_X_SHARED_CACHE") != "1" or "HTTP_AUTHORIZATION" in meta:
        return 0
    if meta.get("HTTP_X_SHARED_CACHE_LANGUAGE") != translation.get_language():
        return 0
    return max(0, min(seconds, settings.SHARED_CACHE_SECONDS))


def holds_token(text: str, secret: str | None) -> bool:
    """The text carries a form token made from this CSRF secret, or the secret itself."""
    if not secret:
        return False
    # Django's own unmasking of get_token's tokens: private and unstubbed, no public twin.
    unmask = django_csrf._unmask_cipher_token  # type: ignore[attr-defined]
    return secret in text or any(unmask(found) == secret for found in _MASKED.findall(text))


def _as_text(body: str | bytes) -> str:
    return body if isinstance(body, str) else body.decode("latin-1")


def _share(request: HttpRequest, response: HttpResponse, seconds: int) -> HttpResponse:
    """The page as nginx may store it: no visitor's form token, no CSRF cookie. A page that
    would still carry one, or that varies on what nginx's key does not hold, goes to this
    visitor alone, unmarked."""
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - _KEYED_VARY:
        return response
    body: str | bytes = response.content
    if response["Content-Type"].startswith("text/html"):
        body = _TOKEN.sub(r"\g<1>\g<2>", response.content.decode(response.charset))
        body = body.replace(PLACEHOLDER, "")
    if holds_token(_as_text(body), request.META.get("CSRF_COOKIE")):
        return response
    if isinstance(body, str):
        response.content = body
    # The template asked for a token: Django would set the CSRF cookie with this page.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    # nginx reads how long it may hand out the old copy while one request renders a new
    # one (stale-while-revalidate; nginx has no other bounded way to say it). Before
    # X-Accel-Expires: nginx 1.22 skips Cache-Control once that header has been read.
    # This Cache-Control is for nginx alone: it tells browsers to ask again each time
    # ($jembatan_browser_cache, deploy/nginx/http.conf.in), so that they add no seconds.
    stale = settings.SHARED_CACHE_STALE_SECONDS
    del response["Cache-Control"]  # whatever the view said: the bound is the point
    response.headers["Cache-Control"] = f"max-age={seconds}, stale-while-revalidate={stale}"
    response.headers["X-Accel-Expires"] = str(seconds)
    return response


def cache_public_page(
    view: Callable[..., HttpResponse] | None = None, *, query: bool = True
) -> Callable[..., Any]:
    """Keep the view's anonymous pages; ``query=False`` (for a file whose content no
    parameter changes, such as a report PDF): one copy whatever the query string, so that
    a junk parameter cannot make every request render it again."""
    if view is None:
        return functools.partial(cache_public_page, query=query)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = page_cache_seconds(request)
        if not seconds or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        shared = shared_cache_seconds(request, seconds)
        version = content_version()
        language = translation.get_language()
        # Pages hold absolute addresses (og:url, JSON-LD, the data catalogue) built from
        # the scheme and the host: a page stored for https must never reach an http visitor,
        # nor one of the hub's host a visitor of a KIM's own host.
        key = (
            f"pagecache:{version}:{language}:{request.scheme}://{request.get_host()}"
            f":{bounded_path(request.get_full_path() if query else request.path)}"
        )
        cached = cache.get(key)
        if cached is not None:
            status, content_type, cached_body, *rest = cached
            if isinstance(cached_body, str) and PLACEHOLDER in cached_body and not shared:
                cached_body = cached_body.replace(PLACEHOLDER, get_token(request))
            response = HttpResponse(cached_body, status=status, content_type=content_type)
            for header, value in (rest[0] if rest else {}).items():
                response.headers[header] = value
            response.headers["X-Page-Cache"] = "hit"
            page_cache_result(hit=True)
            return _share(request, response, shared) if shared else response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A message the view queued is this visitor's, set as a cookie after the view.
            and not len(messages.get_messages(request))
        ):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            content_type = response["Content-Type"]
            content = response.content
            body: str | bytes = content
            if content_type.startswith("text/html"):
                # Only a page can hold a form, whose CSRF token is this visitor's.
                body = _TOKEN.sub(rf"\g<1>{PLACEHOLDER}\g<2>", content.decode(response.charset))
            if holds_token(_as_text(body), request.META.get("CSRF_COOKIE")):
                # This visitor's token outside a form field: theirs alone, never kept.
                return response
            # A file (PDF, CSV, calendar) keeps its name and whether it downloads.
            kept = {h: response[h] for h in ("Content-Disposition",) if h in response}
            cache.set(key, (200, content_type, body, kept), timeout=seconds)
            response.headers["X-Page-Cache"] = "miss"
            page_cache_result(hit=False)
            # For PageCacheFastPathMiddleware, which keeps the page as it leaves the stack.
            response._page_cache_seconds = seconds  # type: ignore[attr-defined]
            if shared:
                _share(request, response, shared)
        return response

    return wrapper


# A path and query string longer than this is kept under its digest: a visitor's address
# (up to nginx's header limit) must not make a key of kilobytes in the shared cache.
MAX_KEY_PATH = 200


def bounded_path(path: str) -> str:
    """``path`` itself when short, else ``#`` and its SHA-256 (no path starts with ``#``)."""
    if len(path) <= MAX_KEY_PATH:
        return path
    return "#" + hashlib.sha256(path.encode()).hexdigest()


# --- The fast path ------------------------------------------------------------------------

FAST_PREFIX = "pagefast"
# In the key of a page as nginx may share it (before the scheme: no host can hold it).
SHARED_KIND = "shared:"
# Headers of the stored page that belong to one answer, not to the page.
_NOT_KEPT = {"x-page-cache", "content-length", "set-cookie"}


def _version() -> str:
    return f"{cache.get_or_set(VERSION_KEY, 1, timeout=None)}.{_file_version()}"


def _fast_key(request: HttpRequest, language: str) -> str | None:
    """The fast path's key for this request, or None when it may not be served from it.

    The same rules as cache_public_page (_cacheable_request): a GET or HEAD of a visitor
    without a session or a pending message; without a session no user is signed in (the
    session is the only way in: AuthenticationMiddleware). Requests that carry credentials
    take the whole stack. nginx asking for its shared cache has a key of its own (the
    shared page differs: ``_share``), and only as shared_cache_seconds allows it: asked
    with "1", for the language the page is written in; anything else takes the stack."""
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    meta = request.META
    if "HTTP_AUTHORIZATION" in meta:
        return None
    kind = ""
    if "HTTP_X_SHARED_CACHE" in meta:
        if (
            meta["HTTP_X_SHARED_CACHE"] != "1"
            or meta.get("HTTP_X_SHARED_CACHE_LANGUAGE") != language
        ):
            return None
        kind = SHARED_KIND
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # the stack answers it (400) as before
    return (
        f"{FAST_PREFIX}:{_version()}:{language}:{kind}"
        f"{request.scheme}://{host}:{bounded_path(request.get_full_path())}"
    )


class PageCacheFastPathMiddleware:
    """Anonymous pages the view cached, answered before the rest of the middleware stack.

    Place it after GZipMiddleware (which compresses its answers too) and before
    SessionMiddleware. It stores a page only when the view stored it (cache_public_page
    marks the response) and the answer set no cookie but the CSRF one, for as long as the
    view keeps it; content_changed() retires both at once (the same version)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.language = request_language
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _fast_key(request, self.language(request))
        if key is None:
            return self.get_response(request)
        shared = "HTTP_X_SHARED_CACHE" in request.META  # and allowed: _fast_key
        entry = cache.get(key)
        if entry is not None:
            answer = self.serve_shared(request, entry) if shared else self.serve(request, entry)
            if answer is not None:
                page_cache_result(hit=True)
                return answer
            return self.get_response(request)
        response = self.get_response(request)
        seconds = getattr(response, "_page_cache_seconds", 0)
        if (
            seconds
            and response.status_code == 200
            and not response.streaming
            and not response.has_header("Content-Encoding")
        ):
            if not shared and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}:
                cache.set(key, self.entry(response), timeout=seconds)
            elif shared and not response.cookies and response.has_header("X-Accel-Expires"):
                # The page as the stack shared it (_share): kept whole, headers and all.
                cache.set(key, self.entry(response, shared=True), timeout=seconds)
        return response

    @staticmethod
    def entry(
        response: HttpResponse, *, shared: bool = False
    ) -> tuple[int, str | bytes, list[tuple[str, str]]]:
        body: str | bytes = response.content
        if not shared and response["Content-Type"].startswith("text/html"):
            # The visitor's form token out, as cache_public_page does.
            text = response.content.decode(response.charset)
            body = _TOKEN.sub(rf"\g<1>{PLACEHOLDER}\g<2>", text)
        headers = [(h, v) for h, v in response.items() if h.lower() not in _NOT_KEPT]
        return (response.status_code, body, headers)

    @staticmethod
    def _answer(status: int, body: str | bytes, headers: list[tuple[str, str]]) -> HttpResponse:
        response = HttpResponse(body, status=status)
        for header, value in headers:
            response.headers[header] = value
        response.headers["Content-Length"] = str(len(response.content))
        response.headers["X-Page-Cache"] = "hit"
        return response

    def serve_shared(self, request: HttpRequest, entry: tuple) -> HttpResponse | None:
        """The page for nginx to keep, as _share made it, or None for the whole stack: the
        page holds a token of this visitor's CSRF secret (_share would not share it)."""
        status, body, headers = entry
        # With CSRF_USE_SESSIONS the secret lives in the session, and this visitor has none.
        if not settings.CSRF_USE_SESSIONS and settings.CSRF_COOKIE_NAME in request.COOKIES:
            # The visitor's secret as the stack would read it (a malformed cookie: a new,
            # random one, which no page holds).
            self.csrf.process_request(request)
            if holds_token(_as_text(body), request.META.get("CSRF_COOKIE")):
                return None
        return self._answer(status, body, headers)

    def serve(self, request: HttpRequest, entry: tuple) -> HttpResponse | None:
        status, body, headers = entry
        form = isinstance(body, str) and PLACEHOLDER in body
        if form:
            if settings.CSRF_USE_SESSIONS:
                return None  # the token lives in the session: the whole stack
            # Reads the visitor's CSRF cookie (or notes that a new one is needed) ...
            self.csrf.process_request(request)
            body = body.replace(PLACEHOLDER, get_token(request))
        response = self._answer(status, body, headers)
        if form:
            # ... and sets it, as CsrfViewMiddleware does below for a page with a form.
            self.csrf.process_response(request, response)
        return response
