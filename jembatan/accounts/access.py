"""Who may act where, for government and platform roles.

Views never filter tenant data by hand: they ask these helpers (and the ones in
communities.access, which build on them) with the acting user.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.regions.models import Region

AnyUser = User | AnonymousUser


def is_operator(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(m.role == Role.OPERATOR for m in _role_rows(user))


def _roles(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, user__is_active=True)


# Bumped whenever a membership or a user is saved or deleted (accounts.apps): a user
# object keeps its roles read once (a page asks many helpers) until anything changes.
_generation = [0]


def roles_changed(**kwargs) -> None:
    _generation[0] += 1


def roles_generation() -> int:
    """Changes with every change of a role (memos of a user's roles compare it)."""
    return _generation[0]


def _role_rows(user: User) -> list[Membership]:
    """The user's memberships, read once per user object while nothing changes."""
    memo = user.__dict__.get("_jembatan_roles")
    if memo is None or memo[0] != _generation[0]:
        rows = list(_roles(user).select_related("region", "office", "office__kabupaten"))
        memo = user.__dict__["_jembatan_roles"] = (_generation[0], rows)
    return memo[1]


def get_memberships_for_user(user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    memberships = _roles(user).select_related("region", "office")
    # Already evaluated from the rows read once: iterating costs nothing, while filtering
    # or ordering it asks the database as before.
    memberships._result_cache = list(_role_rows(user))
    memberships._prefetch_done = True
    return memberships


def get_administered_kabupaten_for_user(user: AnyUser) -> QuerySet[Region]:
    """Kabupaten whose KIMs the user administers (Diskominfo role; all for operators)."""
    kabupaten_level = Region.Level.KABUPATEN
    kabupaten = Region.objects.filter(level=kabupaten_level)
    if is_operator(user):
        return kabupaten
    if not user.is_authenticated:
        return kabupaten.none()
    regions = {
        m.region_id: m.region
        for m in _role_rows(user)
        if m.role == Role.KABUPATEN_ADMIN and m.region_id and m.region.level == kabupaten_level
    }
    if not regions:
        return kabupaten.none()
    administered = kabupaten.filter(code__in=list(regions))
    administered._result_cache = [regions[code] for code in sorted(regions)]  # (as ordered)
    administered._prefetch_done = True
    return administered


def get_supervised_regions_for_user(user: AnyUser) -> QuerySet[Region]:
    """Kabupaten (admin) and kecamatan (camat) the user oversees, for scoping by prefix."""
    if not user.is_authenticated:
        return Region.objects.none()
    if is_operator(user):
        return Region.objects.filter(level=Region.Level.PROVINSI)
    regions = {
        m.region_id: m.region
        for m in _role_rows(user)
        if m.role in (Role.KABUPATEN_ADMIN, Role.CAMAT) and m.region_id
    }
    if not regions:
        return Region.objects.none()
    supervised = Region.objects.filter(code__in=list(regions))
    supervised._result_cache = [regions[code] for code in sorted(regions)]  # (as ordered)
    supervised._prefetch_done = True
    return supervised


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
        for r in get_supervised_regions_for_user(user)
    )


def get_offices_for_user(user: AnyUser) -> QuerySet[Office]:
    """Offices the user works for (OPD officers) or administers (kabupaten admins)."""
    if is_operator(user):
        return Office.objects.all()
    if not user.is_authenticated:
        return Office.objects.none()
    own = _roles(user).filter(role=Role.OPD_OFFICER).values("office_id")
    administered = get_administered_kabupaten_for_user(user).values("code")
    return Office.objects.filter(Q(pk__in=own) | Q(kabupaten_id__in=administered))


def get_roles_for_user(user: AnyUser) -> frozenset[str]:
    """The government and platform roles the user holds (``Role`` values); operators
    include superusers. The workspace asks it for every entry it may show."""
    if not user.is_authenticated:
        return frozenset()
    roles = {m.role for m in _role_rows(user)}
    if user.is_superuser:
        roles.add(Role.OPERATOR)
    return frozenset(roles)
