"""Adding a tenant and its hosts outside the workspace: ``manage.py tenant_add`` (the first
tenant of a fresh install, before anyone can sign in) and the demo.

The workspace page (/kelola/platform/tenant/) is where an operator changes tenants later:
it writes the audit rows. This module writes none, it reports what it did instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from jembatan.regions.models import Region
from jembatan.tenants.models import Palette, Tenant, TenantHost, TimeZone, province_zone

# A host name without scheme, port or wildcard: labels of letters, digits and hyphens.
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


class TenantSetupError(Exception):
    """A refusal, worded as one line for the operator."""


@dataclass
class TenantSetup:
    tenant: Tenant
    created: bool = False
    added_hosts: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def did_something(self) -> bool:
        return self.created or bool(self.added_hosts or self.changed)


def normalise_host(host: str) -> str:
    """``Jembatan.Example.ID.`` -> ``jembatan.example.id``; refuses what is not a host name."""
    cleaned = host.strip().lower().rstrip(".")
    if not _HOST.match(cleaned):
        raise TenantSetupError(
            f"{host!r} is not a host name (no scheme, port, path or wildcard: e.g. "
            "jembatan.example.go.id)."
        )
    return cleaned


def tenant_add(
    code: str,
    hosts: list[str],
    *,
    name: str | None = None,
    time_zone: str | None = None,
    palette: str | None = None,
    primary: str | None = None,
) -> TenantSetup:
    """Create the tenant of kabupaten/kota ``code`` (or keep the existing one) and give it
    ``hosts``. Idempotent: a second call with the same arguments changes nothing. On an
    existing tenant, ``name``, ``time_zone`` and ``palette`` change it only when given.

    The first host becomes the primary one when the tenant has none (``primary`` names
    another). Refuses, before writing anything: a code that is not a kabupaten/kota in the
    imported regions, a host another tenant answers on, a zone that is not Indonesian."""
    code = code.strip()
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise TenantSetupError(
            f"Region {code} is not in the database (a kabupaten/kota code such as 61.07; "
            "run `manage.py import_regions` first)."
        )
    if region.level != Region.Level.KABUPATEN:
        raise TenantSetupError(
            f"Region {code} ({region.name}) is a {region.get_level_display().lower()}, "
            "not a kabupaten/kota: a tenant is one kabupaten/kota."
        )
    if time_zone is not None and time_zone not in TimeZone.values:
        raise TenantSetupError(
            f"Time zone {time_zone!r} is not one of {', '.join(TimeZone.values)}."
        )
    if palette is not None and palette not in Palette.values:
        raise TenantSetupError(f"Palette {palette!r} is not one of {', '.join(Palette.values)}.")
    wanted = list(dict.fromkeys(normalise_host(h) for h in hosts))
    primary = normalise_host(primary) if primary else (wanted[0] if wanted else None)
    if primary is not None and primary not in wanted:
        wanted.append(primary)
    existing = Tenant.objects.filter(region=region).first()
    for host in wanted:
        owner = (
            TenantHost.objects.filter(host__iexact=host).select_related("tenant__region").first()
        )
        if owner is not None and (existing is None or owner.tenant_id != existing.pk):
            raise TenantSetupError(
                f"Host {host} already belongs to tenant {owner.tenant.name} ({owner.tenant.code})."
            )
        if host in settings.KIM_HOSTS:
            raise TenantSetupError(f"Host {host} is a KIM's own host (KIM_HOSTS).")

    with transaction.atomic():
        if existing is None:
            tenant = Tenant.objects.create(
                region=region,
                name=name or f"{settings.SITE_NAME} {region.name}",
                time_zone=time_zone or province_zone(region.code),
                palette=palette or Palette.HIJAU,
            )
            setup = TenantSetup(tenant, created=True)
        else:
            tenant, setup = existing, TenantSetup(existing)
            updates = {
                "name": name,
                "time_zone": time_zone,
                "palette": palette,
            }
            for attr, value in updates.items():
                if value is not None and getattr(tenant, attr) != value:
                    setattr(tenant, attr, value)
                    setup.changed.append(attr)
            if setup.changed:
                tenant.save(update_fields=setup.changed)
        has_primary = tenant.hosts.filter(is_primary=True).exists()
        known = {h.lower() for h in tenant.hosts.values_list("host", flat=True)}
        for host in wanted:
            if host in known:
                continue
            is_primary = not has_primary and host == primary
            TenantHost.objects.create(tenant=tenant, host=host, is_primary=is_primary)
            has_primary = has_primary or is_primary
            setup.added_hosts.append(host)
    return setup
