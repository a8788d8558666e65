"""Which tenant (kabupaten/kota) a member of staff works in, in the workspace.

Most staff work in one kabupaten: the one of the host they signed in on. Some act in
several: the platform operator (every tenant), a province officer (a role at province
level: every tenant of the province), someone with roles in two kabupaten. They choose one
in the workspace header (``workspace:tenant_switch``); the choice is kept in the session
and ``workspace_tenant(request)`` returns it while the user may still act there, otherwise
the host's tenant. Without a query: the roles come from ``access.actor`` (read once per
request) and the tenants from the per-process snapshot (``tenants.resolve``).
"""

from __future__ import annotations

from django.http import HttpRequest

from jembatan.accounts.access import AnyUser, actor, is_operator
from jembatan.accounts.models import Role
from jembatan.tenants.models import Tenant
from jembatan.tenants.resolve import all_tenants, snapshot, tenants_within

SESSION_KEY = "workspace_tenant"
# The switcher's value for "every kabupaten/kota of my roles" (no narrowing).
ALL_TENANTS = "semua"


def _staff_region_codes(user: AnyUser) -> set[str]:
    """The regions of the user's government roles (an OPD officer's: the office's kabupaten)."""
    codes: set[str] = set()
    for m in actor(user).memberships:
        if m.role == Role.OPD_OFFICER and m.office is not None:
            codes.add(m.office.kabupaten_id)
        elif m.region_id:
            codes.add(m.region_id)
    return codes


def tenants_for_user(user: AnyUser) -> list[Tenant]:
    """The active tenants the user may act in, by name: every one for an operator; for
    other staff, each tenant whose kabupaten holds, or lies in, a region of their roles."""
    if not user.is_authenticated:
        return []
    # Asked several times a request (the scope middleware, the header, the views): worked
    # out once per request and tenant snapshot, kept with the user's roles.
    current = snapshot()
    memo = actor(user).memo
    kept = memo.get("tenants")
    if kept is not None and kept[0] is current:
        return kept[1]
    if is_operator(user, platform=True):
        tenants = all_tenants()
    else:
        tenants = tenants_within(_staff_region_codes(user))
    memo["tenants"] = (current, tenants)
    return tenants


def scope_code(request: HttpRequest) -> str | None:
    """The kabupaten the access helpers are narrowed to for this request: the one the user
    chose; else, on the host of a tenant their roles do not reach, that tenant (they see
    nothing of theirs there); else None (their roles decide, as after "all")."""
    stored = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if stored == ALL_TENANTS:
        return None
    chosen = chosen_code(request)
    if chosen is not None:
        return chosen
    # On the host of a tenant the user's roles do not reach, they act for that tenant:
    # nothing of their own kabupaten is shown under another's name. Elsewhere their roles
    # decide (an operator, a province officer on a host of theirs: every kabupaten of theirs).
    tenant = getattr(request, "tenant", None)
    if tenant is None or any(t.code == tenant.code for t in tenants_for_user(request.user)):
        return None
    return tenant.code


def chosen_code(request: HttpRequest) -> str | None:
    """The tenant code the user chose in the workspace header, if still allowed."""
    code = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not code or code == ALL_TENANTS:
        return None
    allowed = {t.code for t in tenants_for_user(request.user)}
    return code if code in allowed else None


def workspace_tenant(request: HttpRequest) -> Tenant | None:
    """The tenant the workspace is scoped to: the user's choice if still allowed, else
    the tenant of the host (``request.tenant``)."""
    code = chosen_code(request)
    if code is not None:
        for tenant in tenants_for_user(request.user):
            if tenant.code == code:
                return tenant
    return getattr(request, "tenant", None)


def choose_workspace_tenant(request: HttpRequest, code: str) -> Tenant | None:
    """Keep the choice in the session when the user may act in that tenant; returns it
    (None: refused, nothing kept)."""
    tenant = next((t for t in tenants_for_user(request.user) if t.code == code), None)
    if tenant is not None:
        request.session[SESSION_KEY] = tenant.code
    return tenant


def forget_workspace_tenant(request: HttpRequest) -> None:
    """Every kabupaten/kota of the user's roles, whatever host they use (until they choose
    one again)."""
    request.session[SESSION_KEY] = ALL_TENANTS
