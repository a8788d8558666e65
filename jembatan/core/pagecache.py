"""Whole-page cache for anonymous visitors, invalidated whenever public content changes.

Pages with forms keep working: the per-visitor CSRF token is cut out before the
page is stored and put back for each visitor. Visitors with a session (signed in)
or a pending message always get a fresh page. Scheduled posts need no event: the
short lifetime brings them in within PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

VERSION_KEY = "pagecache:version"
PLACEHOLDER = "__CSRF_TOKEN__"
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def content_changed(**_kwargs) -> None:
    """Signal receiver: every cached page is stale from now on."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 60)
        if not seconds or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        version = cache.get_or_set(VERSION_KEY, 1, timeout=None)
        language = translation.get_language()
        key = f"pagecache:{version}:{language}:{request.get_host()}:{request.get_full_path()}"
        cached = cache.get(key)
        if cached is not None:
            status, content_type, body = cached
            response = HttpResponse(
                body.replace(PLACEHOLDER, get_token(request)) if PLACEHOLDER in body else body,
                status=status,
                content_type=content_type,
            )
            response.headers["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            body = response.content.decode(response.charset)
            cache.set(
                key,
                (200, response["Content-Type"], _TOKEN.sub(rf"\g<1>{PLACEHOLDER}\g<2>", body)),
                timeout=seconds,
            )
            response.headers["X-Page-Cache"] = "miss"
        return response

    return wrapper
