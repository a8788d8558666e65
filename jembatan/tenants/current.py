"""The tenant of the work in progress.

In a request it is the one ``TenantMiddleware`` resolved from the host (``request.tenant``);
in a background task it is the tenant of the host of the request that queued it (the
task keeps that request's base URL, ``core.links``); otherwise there is none, and code that
needs one takes it from the row it works on (``tenant_for_region(case.kabupaten_id)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from contextvars import ContextVar
from typing import TypeVar
from urllib.parse import urlsplit

from django.http import Http404, HttpRequest
from django.utils import timezone

from jembatan.core.links import current_base
from jembatan.tenants.models import Tenant
from jembatan.tenants.resolve import tenant_for_host

_current: ContextVar[Tenant | None] = ContextVar("jembatan_tenant", default=None)
T = TypeVar("T")


def current_tenant() -> Tenant | None:
    tenant = _current.get()
    if tenant is not None:
        return tenant
    base = current_base(fallback=False)
    host = urlsplit(base).hostname if base else None
    return tenant_for_host(host) if host else None


def current_code() -> str | None:
    tenant = current_tenant()
    return tenant.code if tenant is not None else None


def request_tenant(request: HttpRequest) -> Tenant:
    """The tenant a public view serves; 404 where the host has none (exempt paths)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        raise Http404
    return tenant


def tenant_code(request: HttpRequest) -> str:
    """The region code of the tenant a view serves ("61.07")."""
    return request_tenant(request).code


def served_code() -> str:
    """The region code of the tenant being served (request or task); 404 when none."""
    code = current_code()
    if code is None:
        raise Http404
    return code


def streamed(items: Iterable[T]) -> Iterator[T]:
    """``items`` produced as the tenant of now, in its time zone, when a streamed response
    is sent: after the middleware has let the request go (a generator that reads
    ``served_code()`` would 404 half way through a download, dates in the wrong zone).
    The tenant is read here, at the call, not when the first item is asked for."""
    return _as_tenant(current_tenant(), iter(items))


def _as_tenant(tenant: Tenant | None, iterator: Iterator[T]) -> Iterator[T]:
    while True:
        token = _current.set(tenant)
        try:
            with timezone.override(tenant.time_zone) if tenant is not None else nullcontext():
                item = next(iterator)
        except StopIteration:
            return
        finally:
            _current.reset(token)
        yield item
