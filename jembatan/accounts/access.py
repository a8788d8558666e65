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
    return _roles(user).filter(role=Role.OPERATOR).exists()


def _roles(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, user__is_active=True)


def get_memberships_for_user(user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return _roles(user).select_related("region", "office")


def get_administered_kabupaten_for_user(user: AnyUser) -> QuerySet[Region]:
    """Kabupaten whose KIMs the user administers (Diskominfo role; all for operators)."""
    kabupaten = Region.objects.filter(level=Region.Level.KABUPATEN)
    if is_operator(user):
        return kabupaten
    if not user.is_authenticated:
        return kabupaten.none()
    codes = _roles(user).filter(role=Role.KABUPATEN_ADMIN).values("region_id")
    return kabupaten.filter(code__in=codes)


def get_supervised_regions_for_user(user: AnyUser) -> QuerySet[Region]:
    """Kabupaten (admin) and kecamatan (camat) the user oversees, for scoping by prefix."""
    if not user.is_authenticated:
        return Region.objects.none()
    if is_operator(user):
        return Region.objects.filter(level=Region.Level.PROVINSI)
    codes = _roles(user).filter(role__in=[Role.KABUPATEN_ADMIN, Role.CAMAT]).values("region_id")
    return Region.objects.filter(code__in=codes)


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
