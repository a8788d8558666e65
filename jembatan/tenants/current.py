"""The tenant of the work in progress.

In a request it is the one ``TenantMiddleware`` resolved from the host (``request.tenant``);
in a background task it is the tenant of the host of the request that queued it (the
task keeps that request's base URL, ``core.links``); otherwise there is none, and code that
needs one takes it from the row it works on (``tenant_for_region(case.kabupaten_id)``).
"""

from __future__ import annotations

from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest

from jembatan.core.links import current_base
from jembatan.tenants.models import Tenant
from jembatan.tenants.resolve import tenant_for_host

_current: ContextVar[Tenant | None] = ContextVar("jembatan_tenant", default=None)


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


def current_site_name() -> str:
    """The display name of the tenant being served (request or task), else SITE_NAME:
    feed and calendar titles, mails and texts about the work in progress."""
    tenant = current_tenant()
    return tenant.name if tenant is not None and tenant.name else settings.SITE_NAME
