"""Who may act where, for government and platform roles.

Views never filter tenant data by hand: they ask these helpers (and the ones in
communities.access, which build on them) with the acting user.

The acting user's roles are read once per request: ``actor(user)`` loads every membership
in one query and keeps it on the user object (``request.user`` is one object for the
request). Saving or deleting a membership, a KIM membership, a KIM or a user forgets every
actor of the process (``forget_actors``), so a role granted in the same request counts at
once; ``User.refresh_from_db`` forgets the user's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.regions.models import Region

AnyUser = User | AnonymousUser

ACTOR_ATTRIBUTE = "_jembatan_actor"
_generation = 0


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
        regions = {
            m.region.code: m.region
            for m in self._with_role(Role.KABUPATEN_ADMIN)
            if m.region is not None and m.region.level == Region.Level.KABUPATEN
        }
        return [regions[code] for code in sorted(regions)]

    @property
    def supervised_regions(self) -> list[Region]:
        """Kabupaten (admin) and kecamatan (camat) the user oversees, operators aside."""
        regions = {
            m.region.code: m.region
            for m in self._with_role(Role.KABUPATEN_ADMIN, Role.CAMAT)
            if m.region is not None
        }
        return [regions[code] for code in sorted(regions)]

    @property
    def office_ids(self) -> list[int]:
        """Offices the user works for as an OPD officer."""
        return sorted({m.office_id for m in self._with_role(Role.OPD_OFFICER) if m.office_id})


def actor(user: AnyUser) -> Actor:
    """The user's roles, read from the database at most once per request."""
    if not user.is_authenticated:
        return Actor()
    cached = getattr(user, ACTOR_ATTRIBUTE, None)
    if cached is not None and cached.generation == _generation:
        return cached
    generation = _generation
    memberships = tuple(
        Membership.objects.filter(user=user, user__is_active=True)
        .select_related("region", "office", "office__kabupaten")
        .order_by("role", "region_id", "pk")
    )
    loaded = Actor(
        memberships=memberships,
        is_operator=user.is_superuser or any(m.role == Role.OPERATOR for m in memberships),
        generation=generation,
    )
    setattr(user, ACTOR_ATTRIBUTE, loaded)
    return loaded


def is_operator(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return actor(user).is_operator


def get_roles_for_user(user: AnyUser) -> frozenset[str]:
    """The government and platform roles the user holds (``Role`` values); operators
    include superusers. Without a query after the first in a request (``actor``)."""
    if not user.is_authenticated:
        return frozenset()
    roles = {m.role for m in actor(user).memberships}
    if is_operator(user):
        roles.add(Role.OPERATOR)
    return frozenset(roles)


def get_memberships_for_user(user: AnyUser) -> list[Membership]:
    """The user's government roles (region and office loaded), by role then region."""
    return list(actor(user).memberships)


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
