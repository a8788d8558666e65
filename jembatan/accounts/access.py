"""Who may act where, for government and platform roles.

Views never filter tenant data by hand: they ask these helpers (and the ones in
communities.access, which build on them) with the acting user.

The acting user's roles are read once per request: ``actor(user)`` loads every membership
in one query and keeps it on the user object (``request.user`` is one object for the
request). Saving or deleting a membership, a KIM membership, a KIM or a user forgets every
actor of the process (``forget_actors``), so a role granted in the same request counts at
once; ``User.refresh_from_db`` forgets the user's own.

Staff who act in several kabupaten/kota (an operator, a province officer) may choose one
in the workspace (``accounts.tenant_scope``): for that request every helper here answers
as if their roles reached that kabupaten only (``workspace_scope``) — a narrowing, never a
widening: a role above the kabupaten is read as a role over it, one elsewhere is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.core.compiled import CompiledQuery
from jembatan.regions.models import Region
from jembatan.tenants.resolve import tenant_for_region

AnyUser = User | AnonymousUser

ACTOR_ATTRIBUTE = "_jembatan_actor"
_generation = 0
# The kabupaten (region code) the workspace is narrowed to in this request, if chosen.
_scope: ContextVar[str | None] = ContextVar("jembatan_workspace_scope", default=None)


@contextmanager
def workspace_scope(code: str | None) -> Iterator[None]:
    """Answer every helper below as if the user's roles reached kabupaten ``code`` only
    (None: no narrowing). Set per request by ``WorkspaceScopeMiddleware``."""
    token = _scope.set(code or None)
    try:
        yield
    finally:
        _scope.reset(token)


def scoped_code() -> str | None:
    """The kabupaten the workspace is narrowed to in this request, or None."""
    return _scope.get()


def _within(code: str, scope: str) -> bool:
    return code == scope or code.startswith(f"{scope}.")


def _narrowed(regions: list[Region]) -> list[Region]:
    """The part of ``regions`` inside the scoped kabupaten: a region inside it is kept, a
    region holding it (a province) becomes the kabupaten, any other is dropped."""
    scope = _scope.get()
    if scope is None:
        return regions
    kept: dict[str, Region] = {}
    for region in regions:
        if _within(region.code, scope):
            kept[region.code] = region
        elif _within(scope, region.code):
            tenant = tenant_for_region(scope)
            if tenant is not None:
                kept[scope] = tenant.region
    return [kept[code] for code in sorted(kept)]


def forget_actors(*args: Any, **kwargs: Any) -> None:
    """Make every actor of this process stale (usable directly as a signal receiver)."""
    global _generation
    _generation += 1


@dataclass
class Actor:
    """A signed-in user's roles, loaded once: memberships with their region and office."""

    memberships: tuple[Membership, ...] = ()
    is_operator: bool = False
    generation: int = -1
    # Memos of the apps above (communities: the user's active KIM memberships).
    memo: dict[str, Any] = field(default_factory=dict)

    def _with_role(self, *roles: str) -> list[Membership]:
        return [m for m in self.memberships if m.role in roles]

    @property
    def administered_codes(self) -> list[str]:
        """Kabupaten the user administers (Diskominfo role), operators aside."""
        return [r.code for r in self.administered_regions]

    @property
    def administered_regions(self) -> list[Region]:
        scoped = _scoped_operator_region(self)
        if scoped is not None:
            return scoped
        regions = {
            m.region.code: m.region
            for m in self._with_role(Role.KABUPATEN_ADMIN)
            if m.region is not None and m.region.level == Region.Level.KABUPATEN
        }
        return _narrowed([regions[code] for code in sorted(regions)])

    @property
    def supervised_regions(self) -> list[Region]:
        """Kabupaten (admin) and kecamatan (camat) the user oversees, operators aside."""
        scoped = _scoped_operator_region(self)
        if scoped is not None:
            return scoped
        regions = {
            m.region.code: m.region
            for m in self._with_role(Role.KABUPATEN_ADMIN, Role.CAMAT)
            if m.region is not None
        }
        return _narrowed([regions[code] for code in sorted(regions)])

    @property
    def office_ids(self) -> list[int]:
        """Offices the user works for as an OPD officer."""
        scope = _scope.get()
        return sorted(
            {
                m.office_id
                for m in self._with_role(Role.OPD_OFFICER)
                if m.office_id
                and (scope is None or (m.office is not None and m.office.kabupaten_id == scope))
            }
        )


def _scoped_operator_region(me: Actor) -> list[Region] | None:
    """An operator who chose a kabupaten acts as its Diskominfo: that kabupaten alone."""
    scope = _scope.get()
    if scope is None or not me.is_operator:
        return None
    tenant = tenant_for_region(scope)
    return [tenant.region] if tenant is not None else []


def _memberships_of(user_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user_id=user_id, user__is_active=True)
        .select_related("region", "office", "office__kabupaten")
        .order_by("role", "region_id", "pk")
    )


# Read on every signed-in request: compiled to SQL once per process (a join of four
# tables cost more to compile each time than the database takes to answer it).
_memberships = CompiledQuery(_memberships_of, -424242)


def roles_read(user_id: int) -> tuple[CompiledQuery[Membership], tuple[int]]:
    """The read ``actor`` makes for this user, to be sent with others (core.compiled's
    ``read_together``)."""
    return _memberships, (user_id,)


def actor(user: AnyUser) -> Actor:
    """The user's roles, read from the database at most once per request."""
    if not user.is_authenticated:
        return Actor()
    cached = getattr(user, ACTOR_ATTRIBUTE, None)
    if cached is not None and cached.generation == _generation:
        return cached
    generation = _generation
    memberships = tuple(_memberships(user.pk))
    loaded = Actor(
        memberships=memberships,
        is_operator=user.is_superuser or any(m.role == Role.OPERATOR for m in memberships),
        generation=generation,
    )
    setattr(user, ACTOR_ATTRIBUTE, loaded)
    return loaded


def is_operator(user: AnyUser, *, platform: bool = False) -> bool:
    """Whether the user runs the platform (every kabupaten). An operator who chose one
    kabupaten in the workspace acts as its Diskominfo there and is not one for the
    helpers; ``platform=True`` asks about the platform's own tools (tenants, the whole
    audit trail, the switcher), which do not depend on that choice."""
    if not user.is_authenticated:
        return False
    operator = user.is_superuser or actor(user).is_operator
    if operator and not platform and _scope.get() is not None:
        return False
    return operator


def get_roles_for_user(user: AnyUser) -> frozenset[str]:
    """The government and platform roles the user holds (``Role`` values); operators
    include superusers. Without a query after the first in a request (``actor``)."""
    if not user.is_authenticated:
        return frozenset()
    roles = {m.role for m in actor(user).memberships}
    if is_operator(user):
        roles.add(Role.OPERATOR)
    elif is_operator(user, platform=True):
        # An operator narrowed to one kabupaten works there as its Diskominfo.
        roles.discard(Role.OPERATOR)
        roles.add(Role.KABUPATEN_ADMIN)
    return frozenset(roles)


def get_memberships_for_user(user: AnyUser) -> list[Membership]:
    """The user's government roles (region and office loaded), by role then region.

    Narrowed to the kabupaten chosen in the workspace: a role inside it or above it (a
    province) is kept as it is, a role elsewhere is dropped, and a narrowed operator holds
    the Diskominfo role of that kabupaten (an unsaved row, never written)."""
    me = actor(user)
    scope = _scope.get()
    if scope is None:
        return list(me.memberships)
    if is_operator(user, platform=True) and isinstance(user, User):
        tenant = tenant_for_region(scope)
        if tenant is None:
            return []
        return [Membership(user=user, role=Role.KABUPATEN_ADMIN, region=tenant.region)]
    kept = []
    for m in me.memberships:
        if m.role == Role.OPD_OFFICER:
            code = m.office.kabupaten_id if m.office is not None else ""
        else:
            code = m.region_id or ""
        if code and (_within(code, scope) or _within(scope, code)):
            kept.append(m)
    return kept


def get_administered_kabupaten_for_user(user: AnyUser) -> QuerySet[Region]:
    """Kabupaten whose KIMs the user administers (Diskominfo role; all for operators)."""
    kabupaten = Region.objects.filter(level=Region.Level.KABUPATEN)
    if is_operator(user):
        return kabupaten
    if not user.is_authenticated:
        return kabupaten.none()
    return kabupaten.filter(code__in=actor(user).administered_codes)


def administered_kabupaten(user: AnyUser) -> list[Region]:
    """The regions of get_administered_kabupaten_for_user as a list, by code: read once
    per request (for operators, every kabupaten)."""
    if not user.is_authenticated:
        return []
    me = actor(user)
    if not is_operator(user):
        return me.administered_regions
    if "all_kabupaten" not in me.memo:
        me.memo["all_kabupaten"] = list(get_administered_kabupaten_for_user(user).order_by("code"))
    return me.memo["all_kabupaten"]


def administers_kabupaten(user: AnyUser, code: str) -> bool:
    """Whether the user administers the kabupaten with this code (operators: every one)."""
    return any(region.code == code for region in administered_kabupaten(user))


def administers_any_kabupaten(user: AnyUser) -> bool:
    """Whether the user administers at least one kabupaten (operators: all of them)."""
    return bool(administered_kabupaten(user))


def get_supervised_regions_for_user(user: AnyUser) -> QuerySet[Region]:
    """Kabupaten (admin) and kecamatan (camat) the user oversees, for scoping by prefix."""
    if not user.is_authenticated:
        return Region.objects.none()
    if is_operator(user):
        return Region.objects.filter(level=Region.Level.PROVINSI)
    return Region.objects.filter(code__in=[r.code for r in actor(user).supervised_regions])


def supervised_regions(user: AnyUser) -> list[Region]:
    """The regions of get_supervised_regions_for_user as a list, by code: without a query
    for everyone but operators (every province)."""
    if is_operator(user):
        return list(get_supervised_regions_for_user(user).order_by("code"))
    return actor(user).supervised_regions


def region_scope_q(regions: QuerySet[Region] | list[Region], field: str = "region") -> Q:
    """A filter for objects whose region lies in (or is) any of the given regions."""
    condition = Q(pk__in=[])
    for region in regions:
        condition |= Q(**{f"{field}_id": region.code}) | Q(
            **{f"{field}__code__startswith": f"{region.code}."}
        )
    return condition


def user_supervises_region(user: AnyUser, region: Region) -> bool:
    if is_operator(user):
        return True
    return any(
        region.code == r.code or region.code.startswith(f"{r.code}.")
        for r in supervised_regions(user)
    )


def get_officer_office_ids_for_user(user: AnyUser) -> list[int]:
    """Offices the user works for as an OPD officer (operators aside)."""
    return actor(user).office_ids


def get_offices_for_user(user: AnyUser) -> QuerySet[Office]:
    """Offices the user works for (OPD officers) or administers (kabupaten admins)."""
    if is_operator(user):
        return Office.objects.all()
    if not user.is_authenticated:
        return Office.objects.none()
    me = actor(user)
    return Office.objects.filter(
        Q(pk__in=me.office_ids) | Q(kabupaten_id__in=me.administered_codes)
    )
