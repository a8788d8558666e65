"""``tenant`` in every template: the kabupaten/kota the request's host serves, or None
(exempt paths, unknown hosts, pages rendered outside a request). The base template takes
from it the name and logo in the header, the header colour (a ``tenant-<palette>`` class:
the CSP allows no inline style) and the contact in the footer."""

from __future__ import annotations

from django.http import HttpRequest

from jembatan.tenants.models import Tenant


def tenant(request: HttpRequest) -> dict[str, Tenant | None]:
    return {"tenant": getattr(request, "tenant", None)}
