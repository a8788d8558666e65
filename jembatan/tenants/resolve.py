"""From a host name to its tenant, without a database query on a cache hit.

Every worker keeps a snapshot of all tenants and their hosts (one query each, a few
hundred rows even for the whole country) for ``SNAPSHOT_SECONDS``. Saving or deleting a
tenant or a host clears this process's snapshot at once and bumps a version in the shared
cache, which the other processes compare at most once per ``VERSION_CHECK_SECONDS``.

KIM hosts come first: a host mapped to a KIM (``settings.KIM_HOSTS``) belongs to the
tenant of that KIM's kabupaten. The KIM registry is a floor above, so it registers a
source (``register_host_source``) that names the region of a KIM host.
"""

from __future__ import annotations

import logging
import threading
import time
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction

from jembatan.tenants.models import Tenant, TenantHost

SNAPSHOT_SECONDS = 300.0
VERSION_CHECK_SECONDS = 2.0
_VERSION_KEY = "tenants:version"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    by_host: dict[str, Tenant] = field(default_factory=dict)
    by_code: dict[str, Tenant] = field(default_factory=dict)
    primary_host: dict[str, str] = field(default_factory=dict)
    version: Any = None
    loaded: float = 0.0
    # What is worked out from this snapshot alone (the tenants by name, the tenants of a
    # set of regions), kept with it: a change of tenant or host makes a new snapshot.
    derived: dict[Any, tuple[Tenant, ...]] = field(default_factory=dict, compare=False)


_lock = threading.Lock()
_state: dict[str, Any] = {"snapshot": None, "checked": 0.0}
_host_sources: list[Callable[[str], str | None]] = []


def register_host_source(source: Callable[[str], str | None]) -> None:
    """``source(host)`` names the region code of a host owned by a floor above (a KIM's
    own host), or None. Sources are asked before the tenants' own hosts."""
    if source not in _host_sources:
        _host_sources.append(source)


def _shared_version() -> Any:
    try:
        return cache.get(_VERSION_KEY)
    except Exception:  # the shared cache down: the local lifetime still bounds staleness
        return None


def _load() -> Snapshot:
    # Two queries whatever the number of tenants. The hosts are plain tuples: a
    # prefetch_related would build two querysets per tenant, most of a cold load's time
    # with the 514 kabupaten/kota of the country (bench/tenants.py).
    by_id = {
        tenant.pk: tenant
        for tenant in Tenant.objects.filter(is_active=True).select_related("region")
    }
    by_code = {tenant.code: tenant for tenant in by_id.values()}
    by_host: dict[str, Tenant] = {}
    primary: dict[str, str] = {}
    rows = TenantHost.objects.filter(tenant__is_active=True).values_list(
        "tenant_id", "host", "is_primary"
    )
    # The primary host first, then by name: a tenant without one answers on its first.
    for tenant_id, host, _primary in sorted(rows, key=lambda r: (not r[2], r[1].lower())):
        tenant = by_id.get(tenant_id)
        if tenant is None:  # deactivated between the two queries
            continue
        by_host[host.lower()] = tenant
        primary.setdefault(tenant.code, host.lower())
    return Snapshot(by_host, by_code, primary, _shared_version(), time.monotonic())


def snapshot() -> Snapshot:
    now = time.monotonic()
    current: Snapshot | None = _state["snapshot"]
    if current is not None and now - current.loaded < SNAPSHOT_SECONDS:
        if now - _state["checked"] < VERSION_CHECK_SECONDS:
            return current
        _state["checked"] = now
        if _shared_version() == current.version:
            return current
    fresh = _load()
    with _lock:
        _state["snapshot"] = fresh
        _state["checked"] = now
    return fresh


def clear() -> None:
    """Forget this process's snapshot (tests; done by the signals below)."""
    with _lock:
        _state["snapshot"] = None
        _state["checked"] = 0.0


def _bump() -> None:
    clear()
    try:
        cache.set(_VERSION_KEY, time.time_ns(), None)
    except Exception:  # the others then see the change when their snapshot expires
        logger.warning("tenants: could not publish a change to the shared cache", exc_info=True)


def changed(**kwargs: Any) -> None:
    """post_save/post_delete receiver: this process now, the others within seconds."""
    _bump()
    transaction.on_commit(_bump, using=kwargs.get("using"))


def tenant_for_host(host: str) -> Tenant | None:
    """The active tenant answering on ``host`` (no port), KIM hosts first; or None."""
    host = host.lower().rstrip(".")
    snap = snapshot()
    for source in _host_sources:
        code = source(host)
        if code:
            return snap.by_code.get(code[:5])
    return snap.by_host.get(host)


def tenant_for_region(code: str | None) -> Tenant | None:
    """The active tenant of a region code (any level within a kabupaten) or None."""
    if not code:
        return None
    return snapshot().by_code.get(code[:5])


def primary_host(tenant: Tenant) -> str:
    """The tenant's main host name ("" when it has none)."""
    return snapshot().primary_host.get(tenant.code, "")


# Distinct sets of regions kept per snapshot (one per combination of staff roles asked
# about); past that the kept answers are dropped and worked out again.
DERIVED_MAX_ENTRIES = 4096


def _by_name(snap: Snapshot) -> tuple[Tenant, ...]:
    tenants = snap.derived.get("by name")
    if tenants is None:
        tenants = tuple(sorted(snap.by_code.values(), key=lambda t: t.name))
        snap.derived["by name"] = tenants
    return tenants


def all_tenants() -> list[Tenant]:
    """Every active tenant, by name (sorted once per snapshot)."""
    return list(_by_name(snapshot()))


def tenants_within(codes: Iterable[str]) -> list[Tenant]:
    """The active tenants, by name, whose kabupaten/kota holds or lies in one of the
    region ``codes``: a kabupaten or a place in it names its tenant, a province each
    tenant in it. Worked out once per snapshot and set of codes: a staff request asks
    with the regions of the user's roles, and scanning every tenant of the country each
    time cost a page most of a millisecond."""
    wanted = frozenset(codes)
    snap = snapshot()
    key = ("within", wanted)
    found = snap.derived.get(key)
    if found is None:
        found = tuple(
            t
            for t in _by_name(snap)
            if any(t.code == c[:5] or t.code.startswith(f"{c}.") for c in wanted)
        )
        if len(snap.derived) >= DERIVED_MAX_ENTRIES:
            snap.derived.clear()
        snap.derived[key] = found
    return list(found)


def zone_for_region(code: str | None) -> zoneinfo.ZoneInfo | None:
    """The time zone of the tenant serving a region, for deadlines (core.workdays)."""
    tenant = tenant_for_region(code)
    return zoneinfo.ZoneInfo(tenant.time_zone) if tenant is not None else None


def gateway_for_region(code: str | None) -> tuple[str, str] | None:
    """The (url, secret) of the SMS gateway of the tenant serving a region (core.gateway),
    or None when that tenant has no gateway of its own (the settings' gateway then)."""
    tenant = tenant_for_region(code)
    if tenant is None or not tenant.sms_gateway_url:
        return None
    return tenant.sms_gateway_url, tenant.sms_gateway_secret
