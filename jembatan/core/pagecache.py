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
the request header X-Shared-Cache, sent only for visitors without a session, a message,
a CSRF cookie or credentials, and the app answers X-Accel-Expires on a page it would
cache itself. Such a page carries no form token and sets no CSRF cookie (a shared copy
must hold nothing of one visitor): a script fetches a token on the first submit
(static/js/form-token.js, the view ``form_token``), and without script the
server's confirmation page (``csrf_failure``) asks to send the same form once more.

The version that invalidates every page lives in the cache when the cache is shared
(Redis). The embedded setup runs several gunicorn workers, each with its own local-memory
cache, so there the version also lives in a small file (PAGE_CACHE_VERSION_FILE) that
every worker reads: a change seen by one worker (a withdrawn item, an edited post)
reaches the pages cached by the others at once, not after PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

import functools
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

VERSION_KEY = "pagecache:version"
PLACEHOLDER = "__CSRF_TOKEN__"
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def _version_file() -> Path | None:
    path = settings.PAGE_CACHE_VERSION_FILE
    return Path(path) if path else None


def _file_version() -> str:
    """The shared version: the file's identity, read with one stat() call per request.
    Each bump replaces the file, so its inode and modification time change together."""
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
    # A new random token, swapped in atomically: two workers bumping at once still
    # both leave a value no page was stored under.
    path.parent.mkdir(parents=True, exist_ok=True)
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
    """How long nginx may keep this page for every anonymous visitor (0: not at all)."""
    if request.META.get("HTTP_X_SHARED_CACHE") != "1":
        return 0
    if settings.CSRF_COOKIE_NAME in request.COOKIES:
        return 0  # nginx sends none of these, but the app does not take its word for it
    return max(0, min(seconds, settings.SHARED_CACHE_SECONDS))


def _share(request: HttpRequest, response: HttpResponse, seconds: int) -> HttpResponse:
    """The page as nginx may store it: no visitor's form token, no CSRF cookie."""
    if response["Content-Type"].startswith("text/html"):
        text = response.content.decode(response.charset)
        response.content = _TOKEN.sub(r"\g<1>\g<2>", text).replace(PLACEHOLDER, "")
    # The template asked for a token: Django would set the CSRF cookie with this page.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    # nginx reads how long it may hand out the old copy while one request renders a new
    # one (stale-while-revalidate; nginx has no other bounded way to say it). Before
    # X-Accel-Expires: nginx 1.22 skips Cache-Control once that header has been read.
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
            f":{request.get_full_path() if query else request.path}"
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
            # A file (PDF, CSV, calendar) keeps its name and whether it downloads.
            kept = {h: response[h] for h in ("Content-Disposition",) if h in response}
            cache.set(key, (200, content_type, body, kept), timeout=seconds)
            response.headers["X-Page-Cache"] = "miss"
            if shared:
                _share(request, response, shared)
        return response

    return wrapper
