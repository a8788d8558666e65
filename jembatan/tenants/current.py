"""The tenant of the work in progress.

In a request it is the one ``TenantMiddleware`` resolved from the host (``request.tenant``);
in a background task it is the tenant of the host of the request that queued it (the
task keeps that request's base URL, ``core.links``); otherwise there is none, and code that
needs one takes it from the row it works on (``tenant_for_region(case.kabupaten_id)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone

from jembatan.core.links import current_base
from jembatan.tenants.models import Tenant
from jembatan.tenants.resolve import primary_host, tenant_for_host, tenant_for_region

_current: ContextVar[Tenant | None] = ContextVar("jembatan_tenant", default=None)


def current_tenant() -> Tenant | None:
    tenant = _current.get()
    if tenant is not None:
        return tenant
    base = current_base(fallback=False)
    host = urlsplit(base).hostname if base else None
    return tenant_for_host(host) if host else None


def serving_domain() -> str | None:
    """The primary host of the tenant being served (core.links' domain source)."""
    tenant = _current.get()
    return primary_host(tenant) or None if tenant is not None else None


@contextmanager
def serving(tenant: Tenant | None) -> Iterator[Tenant | None]:
    """Work for ``tenant`` outside a request (a periodic job, a command): it is the current
    tenant, its time zone is active, and links use its primary host."""
    if tenant is None:
        yield None
        return
    token = _current.set(tenant)
    try:
        with timezone.override(tenant.time_zone):
            yield tenant
    finally:
        _current.reset(token)


def current_code() -> str | None:
    tenant = current_tenant()
    return tenant.code if tenant is not None else None


def request_tenant(request: HttpRequest) -> Tenant:
    """The tenant a public view serves; 404 where the host has none (exempt paths)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        raise Http404
    return tenant


def served_code() -> str:
    """The region code of the tenant being served (request or task); 404 when none."""
    code = current_code()
    if code is None:
        raise Http404
    return code


def current_site_name() -> str:
    """The display name of the tenant being served (request or task), else SITE_NAME:
    feed and calendar titles, mails and texts about the work in progress."""
    tenant = current_tenant()
    return tenant.name if tenant is not None and tenant.name else settings.SITE_NAME


def site_name_for_region(code: str | None) -> str:
    """The display name of the tenant serving ``code`` (a case's, a training's kabupaten):
    mails and documents about a row are sent in its tenant's name, whatever host or task
    sends them; else the one served, else SITE_NAME."""
    tenant = tenant_for_region(code)
    return tenant.name if tenant is not None and tenant.name else current_site_name()
