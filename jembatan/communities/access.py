"""Which KIMs a user may see and manage. Every view reaches KIM data through here."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jembatan.accounts.access import (
    AnyUser,
    get_administered_kabupaten_for_user,
    get_supervised_regions_for_user,
    is_operator,
    region_scope_q,
    roles_generation,
)
from jembatan.communities.models import PENGURUS, Kim, KimMembership, Position


def get_kims_for_user(user: AnyUser) -> QuerySet[Kim]:
    """KIMs the user works in: their own, or those under their kabupaten or kecamatan."""
    if not user.is_authenticated:
        return Kim.objects.none()
    if is_operator(user):
        return Kim.objects.all()
    own = KimMembership.objects.filter(user=user, is_active=True).values("kim_id")
    supervised = region_scope_q(list(get_supervised_regions_for_user(user)))
    return Kim.objects.filter(Q(pk__in=own) | supervised)


def get_kim_for_user(user: AnyUser, slug: str) -> Kim:
    """One KIM the user works in, or 404 (never 403: the KIM's private side stays unseen)."""
    kim = get_kims_for_user(user).filter(slug=slug).first()
    if kim is None:
        raise Http404(_("KIM tidak ditemukan."))
    return kim


def get_position(user: AnyUser, kim: Kim) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        KimMembership.objects.filter(user=user, kim=kim, is_active=True)
        .values_list("position", flat=True)
        .first()
    )


def can_manage_members(user: AnyUser, kim: Kim) -> bool:
    """The KIM's ketua, Diskominfo of its kabupaten, and operators."""
    if get_position(user, kim) == Position.KETUA:
        return True
    return get_administered_kabupaten_for_user(user).filter(code=kim.kabupaten_id).exists()


def can_edit_profile(user: AnyUser, kim: Kim) -> bool:
    """Ketua and sekretaris edit the KIM's profile; so does Diskominfo of its kabupaten."""
    if get_position(user, kim) in {Position.KETUA, Position.SEKRETARIS}:
        return True
    return get_administered_kabupaten_for_user(user).filter(code=kim.kabupaten_id).exists()


def is_pengurus(user: AnyUser, kim: Kim) -> bool:
    return get_position(user, kim) in PENGURUS


def get_kim_memberships_for_user(user: AnyUser) -> list[KimMembership]:
    """The user's active KIM memberships with their KIMs, read once per user object while
    no role changes (the workspace asks for them from every entry it shows)."""
    if not user.is_authenticated:
        return []
    memo = user.__dict__.get("_jembatan_kim_memberships")
    if memo is None or memo[0] != roles_generation():
        rows = list(
            KimMembership.objects.filter(user=user, is_active=True)
            .select_related("kim")
            .order_by("kim__name")
        )
        memo = user.__dict__["_jembatan_kim_memberships"] = (roles_generation(), rows)
    return memo[1]


def get_positions_for_user(user: AnyUser) -> dict[int, str]:
    """{KIM id: position} of the user's active KIM memberships."""
    return {m.kim_id: m.position for m in get_kim_memberships_for_user(user)}


def is_pengurus_anywhere(user: AnyUser) -> bool:
    return any(m.position in PENGURUS for m in get_kim_memberships_for_user(user))
