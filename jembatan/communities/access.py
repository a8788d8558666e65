"""Which KIMs a user may see and manage. Every view reaches KIM data through here."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jembatan.accounts.access import (
    AnyUser,
    actor,
    administered_kabupaten,
    administers_kabupaten,
    get_memberships_for_user,
    get_officer_office_ids_for_user,
    is_operator,
    region_scope_q,
    supervised_regions,
)
from jembatan.accounts.models import Role
from jembatan.communities.models import PENGURUS, Forum, Kim, KimMembership, Position
from jembatan.core.compiled import CompiledQuery

_MEMO_KEY = "kim_memberships"


def _kim_memberships_of(user_id: int) -> QuerySet[KimMembership]:
    return (
        KimMembership.objects.filter(user_id=user_id, is_active=True)
        .select_related("kim", "kim__region", "kim__kabupaten")
        .order_by("kim__name", "kim_id")
    )


# Read on every workspace page (the home, the desk): compiled to SQL once per process.
_kim_memberships = CompiledQuery(_kim_memberships_of, -424242)


def get_kim_memberships_for_user(user: AnyUser) -> list[KimMembership]:
    """The user's active KIM memberships with their KIM (region, kabupaten), read once per
    request and kept with the user's roles (accounts.access.actor)."""
    if not user.is_authenticated:
        return []
    memo = actor(user).memo
    if _MEMO_KEY not in memo:
        memo[_MEMO_KEY] = _kim_memberships(user.pk)
    return memo[_MEMO_KEY]


def whole_kabupaten_codes(user: AnyUser) -> tuple[str, ...] | None:
    """The kabupaten codes when administering them is all the user's access (Diskominfo
    there: no office, no kecamatan, no province, no KIM of their own, not an operator
    over every kabupaten); None for anyone else. Every such user with the same codes is
    given the same rows by the access helpers: what is worked out from those rows alone
    may be shared between them (the workspace's today counts, the desk's list)."""
    if not user.is_authenticated or is_operator(user):
        return None
    codes = tuple(region.code for region in administered_kabupaten(user))
    if not codes or tuple(region.code for region in supervised_regions(user)) != codes:
        return None  # no Diskominfo role, or a camat's kecamatan or a province besides
    if get_officer_office_ids_for_user(user) or get_kim_memberships_for_user(user):
        return None
    if any(m.role != Role.KABUPATEN_ADMIN for m in get_memberships_for_user(user)):
        return None
    return codes


def get_kim_positions_for_user(user: AnyUser) -> dict[int, str]:
    """The user's position in each KIM they are an active member of, by KIM id."""
    return {m.kim_id: m.position for m in get_kim_memberships_for_user(user)}


def is_pengurus_anywhere(user: AnyUser) -> bool:
    """Whether the user is pengurus of at least one KIM (no query after the first)."""
    return any(m.position in PENGURUS for m in get_kim_memberships_for_user(user))


def get_member_kims_for_user(user: AnyUser, *, pengurus_only: bool = False) -> list[Kim]:
    """The active KIMs the user is an active member (or pengurus) of, by name; their
    region and kabupaten are loaded. Without a query after the first in a request."""
    return [
        m.kim
        for m in get_kim_memberships_for_user(user)
        if m.kim.is_active and (not pengurus_only or m.position in PENGURUS)
    ]


def get_kims_for_user(user: AnyUser) -> QuerySet[Kim]:
    """KIMs the user works in: their own, or those under their kabupaten or kecamatan."""
    if not user.is_authenticated:
        return Kim.objects.none()
    if is_operator(user):
        return Kim.objects.all()
    own = list(get_kim_positions_for_user(user))
    supervised = region_scope_q(supervised_regions(user))
    return Kim.objects.filter(Q(pk__in=own) | supervised)


def get_kim_for_user(user: AnyUser, slug: str) -> Kim:
    """One KIM the user works in, or 404 (never 403: the KIM's private side stays unseen)."""
    kim = get_kims_for_user(user).filter(slug=slug).first()
    if kim is None:
        raise Http404(_("KIM tidak ditemukan."))
    return kim


def get_position(user: AnyUser, kim: Kim) -> str | None:
    return get_kim_positions_for_user(user).get(kim.pk)


def can_manage_members(user: AnyUser, kim: Kim) -> bool:
    """The KIM's ketua, Diskominfo of its kabupaten, and operators."""
    if get_position(user, kim) == Position.KETUA:
        return True
    return administers_kabupaten(user, kim.kabupaten_id)


def can_edit_profile(user: AnyUser, kim: Kim) -> bool:
    """Ketua and sekretaris edit the KIM's profile; so does Diskominfo of its kabupaten."""
    if get_position(user, kim) in {Position.KETUA, Position.SEKRETARIS}:
        return True
    return administers_kabupaten(user, kim.kabupaten_id)


def is_pengurus(user: AnyUser, kim: Kim) -> bool:
    return get_position(user, kim) in PENGURUS


def get_forums_for_user(user: AnyUser) -> QuerySet[Forum]:
    """Forum KIM the user manages: those of the kabupaten they administer (Diskominfo)."""
    if not user.is_authenticated:
        return Forum.objects.none()
    if is_operator(user):
        return Forum.objects.all()
    return Forum.objects.filter(kabupaten_id__in=[r.code for r in administered_kabupaten(user)])


def get_forum_for_user(user: AnyUser, slug: str) -> Forum:
    """One forum the user manages, or 404 (as for a KIM, never 403)."""
    forum = get_forums_for_user(user).select_related("region").filter(slug=slug).first()
    if forum is None:
        raise Http404(_("Forum KIM tidak ditemukan."))
    return forum


def can_manage_forum(user: AnyUser, forum: Forum) -> bool:
    """Diskominfo of the forum's kabupaten (and operators) keep its record."""
    return administers_kabupaten(user, forum.kabupaten_id)
