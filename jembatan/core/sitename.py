"""The name the site is shown under on a page: its tenant's, else SITE_NAME.

Core knows no app: the tenant is read duck-typed from ``request.tenant`` (set by
jembatan.tenants.middleware, None on exempt paths and unknown hosts), whose ``name`` is the
display name of the kabupaten/kota served ("Jembatan Kabupaten Bengkayang").
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_name(request: HttpRequest | None = None) -> str:
    tenant = getattr(request, "tenant", None) if request is not None else None
    return str(getattr(tenant, "name", "") or "") or settings.SITE_NAME
