"""Absolute URLs: on the host the visitor used, never on a default that points elsewhere.

Every absolute URL the project writes (the open-data catalogue, feeds, mail links, the
SMS gateway's reply, a certificate's QR code) goes through ``absolute_url(path, request)``.
Its base, in this order:

1. the request given, or the request being served (``CurrentRequestMiddleware`` keeps
   it for the request's duration): ``request.build_absolute_uri``, whose host Django has
   validated against ALLOWED_HOSTS, so a KIM on its own host gets links on that host;
2. in a background task, the base captured from the request that queued it
   (``core.tasks.enqueue_on_commit`` stores it on the TaskRecord and sets it for the run);
3. ``settings.SITE_URL``, the hub's configured canonical address: work that no request
   started (periodic tasks, management commands).

A streamed response is read after the middleware has let the request go: a view that
streams computes ``request_base(request)`` first and passes the base along.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("jembatan_request", default=None)
_task_base: ContextVar[str] = ContextVar("jembatan_task_base", default="")
# Functions naming the canonical host of the work in progress (the tenants app registers
# the primary host of the tenant being served); core knows no app.
_domain_sources: list[Callable[[], str | None]] = []


def register_domain_source(source: Callable[[], str | None]) -> None:
    """``source()`` gives the canonical host of the tenant being served, or None."""
    if source not in _domain_sources:
        _domain_sources.append(source)


def _served_domain() -> str | None:
    for source in _domain_sources:
        domain = source()
        if domain:
            return domain
    return None


def request_base(request: HttpRequest) -> str:
    """The scheme and host of ``request`` ("https://bengkayang.example"), no slash."""
    return request.build_absolute_uri("/").rstrip("/")


def current_base(*, fallback: bool = True) -> str:
    """The base of the work in progress: the request served, else the base the running
    task was queued with, else (``fallback``) SITE_URL; "" when none and no fallback."""
    request = _request.get()
    if request is not None:
        return request_base(request)
    base = _task_base.get()
    if base:
        return base
    if not fallback:
        return ""
    domain = _served_domain()
    if domain:
        # Work for one tenant that no request started (a periodic job serving it): its
        # primary host, with SITE_URL's scheme and port.
        site = urlsplit(settings.SITE_URL)
        port = f":{site.port}" if site.port else ""
        return f"{site.scheme or 'https'}://{domain}{port}"
    return settings.SITE_URL.rstrip("/")


def canonical_domain(kim: str = "") -> str:
    """The canonical host name of a KIM (slug ``kim``): its own host in KIM_HOSTS if it has
    one, else the primary host of the tenant being served, else SITE_URL's. For identifiers
    that must not change with the host a visitor happened to use (calendar UIDs, Atom ids);
    never the request's Host."""
    if kim:
        for host, slug in settings.KIM_HOSTS.items():
            if slug == kim:
                return host
    return _served_domain() or urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute_url(path: str, request: HttpRequest | None = None, *, base: str = "") -> str:
    """``path`` ("/aspirasi/lacak/…") as an absolute URL; a URL that already has a scheme
    comes back as it is. ``request`` wins over ``base``, which wins over the current
    request or task (see the module's notes)."""
    if urlsplit(path).scheme:
        return path
    if not path.startswith("/"):
        path = "/" + path
    if request is not None:
        return request.build_absolute_uri(path)
    return (base.rstrip("/") if base else current_base()) + path


def set_task_base(base: str) -> Token:
    """For the task runner's start signal: the token goes back to ``reset_task_base`` when
    the run ends (a task run in-process inside another keeps the outer one's base)."""
    return _task_base.set(base or "")


def reset_task_base(token: Token | None) -> None:
    if token is None:
        return
    try:
        _task_base.reset(token)
    except (RuntimeError, ValueError):  # used already, or set in another context
        _task_base.set("")


class CurrentRequestMiddleware:
    """Keeps the request being served for ``absolute_url`` called without one (services,
    notifications, tasks run in-process). After CommonMiddleware, which has validated the
    host."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
