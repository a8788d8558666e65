"""Resolve the request's tenant from its host, or refuse a host that serves none.

After ``KimHostMiddleware`` (a KIM's own host belongs to its kabupaten's tenant) and
``CurrentRequestMiddleware``. It sets ``request.tenant`` and activates the tenant's time
zone, so that every date a page shows and every deadline a form computes is in it.

A host that belongs to no tenant gets, for every path but the exempt ones (health,
static files, the Django admin), a plain page listing the tenants, or a 404 when
``TENANT_UNKNOWN_HOST`` is "404": never another tenant's data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    StreamingHttpResponse,
)
from django.http.request import split_domain_port
from django.template.loader import render_to_string

from jembatan.tenants.current import serving
from jembatan.tenants.models import Tenant
from jembatan.tenants.resolve import all_tenants, primary_host, tenant_for_host


def _exempt(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.TENANT_EXEMPT_PATHS)


def unknown_host_response(request: HttpRequest) -> HttpResponse:
    if settings.TENANT_UNKNOWN_HOST == "404":
        return HttpResponseNotFound(
            render_to_string("tenants/unknown_host.html", {"tenants": None}, request=request)
        )
    scheme = "https" if request.is_secure() else "http"
    _domain, port = split_domain_port(request.get_host())
    suffix = f":{port}" if port and port not in ("80", "443") else ""
    rows = [
        (tenant, f"{scheme}://{host}{suffix}/")
        for tenant in all_tenants()
        if (host := primary_host(tenant))
    ]
    return HttpResponseNotFound(
        render_to_string("tenants/unknown_host.html", {"tenants": rows}, request=request)
    )


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _exempt(request.path_info):
            # Health checks and files: no tenant, no query (a load balancer's probe must
            # not depend on the tenants table).
            request.tenant = None  # type: ignore[attr-defined]
            return self.get_response(request)
        domain, _port = split_domain_port(request.get_host())
        tenant = tenant_for_host(domain)
        request.tenant = tenant  # type: ignore[attr-defined]
        if tenant is None:
            return unknown_host_response(request)
        with serving(tenant):
            response = self.get_response(request)
        if isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse):
            # A streamed body (exports, open data) is read after this returns: each chunk
            # is made serving the tenant again, in its zone. A file is sent as it is (the
            # server's sendfile stays possible).
            response.streaming_content = _serving_each(response.streaming_content, tenant)
        return response


def _serving_each(chunks: Iterable[Any], tenant: Tenant) -> Iterator[Any]:
    iterator = iter(chunks)
    while True:
        with serving(tenant):
            chunk = next(iterator, _END)
        if chunk is _END:
            return
        yield chunk


_END = object()
