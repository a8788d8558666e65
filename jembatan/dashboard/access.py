"""Who reads which dashboard.

An operator reads the whole country and drills down; a kabupaten admin (Diskominfo)
their kabupaten and its kecamatan; a camat their kecamatan; a KIM's pengurus their KIM.
A scope outside the user's rights is a 404, the same as a scope that does not exist:
nothing says whether it is there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.access import (
    AnyUser,
    administers_kabupaten,
    is_operator,
    supervised_regions,
    user_supervises_region,
)
from jembatan.communities.access import get_kim_for_user, get_member_kims_for_user, is_pengurus
from jembatan.communities.models import Kim
from jembatan.regions.models import Region

CODE = re.compile(r"^\d{2}(\.\d{2}){0,2}$")


@dataclass(frozen=True)
class Scope:
    """A region ("" for the whole country) or one KIM."""

    code: str
    name: str
    kim: Kim | None = None
    # Who reads it: lists of cases start from what this user may see (confidential
    # cases, aspirations.access). A scope without a viewer lists no case at all.
    viewer: Any = field(default=None, compare=False, repr=False)

    @property
    def level(self) -> int:
        return 0 if not self.code else len(self.code.split("."))

    @property
    def query(self) -> str:
        """The query string that names this scope on list and report links."""
        if self.kim is not None:
            return f"kim={self.kim.slug}"
        return f"wilayah={self.code}"


def get_dashboard_roots_for_user(user: AnyUser) -> list[str]:
    """Codes of the regions whose dashboards the user reads ("" = the whole country)."""
    if not user.is_authenticated:
        return []
    if is_operator(user):
        return [""]
    return [
        r.code
        for r in sorted(supervised_regions(user), key=lambda r: (r.level, r.code))
        if r.level in (Region.Level.KABUPATEN, Region.Level.KECAMATAN)
    ]


def get_dashboard_kims_for_user(user: AnyUser):
    """KIMs whose own dashboard the user reads as pengurus."""
    if not user.is_authenticated:
        return Kim.objects.none()
    own = [k.pk for k in get_member_kims_for_user(user, pengurus_only=True)]
    return Kim.objects.filter(pk__in=own, is_active=True).order_by("name")


def can_read_dashboard(user: AnyUser) -> bool:
    if get_dashboard_roots_for_user(user):
        return True
    return bool(get_member_kims_for_user(user, pengurus_only=True))


def get_scope_for_user(user: AnyUser, code: str | None) -> Scope:
    """The region scope asked for (or the user's first), or 404 when out of reach."""
    roots = get_dashboard_roots_for_user(user)
    if not roots:
        raise PermissionDenied(_("Dasbor ini hanya untuk staf pemerintah."))
    if code is None or code == roots[0]:
        code = roots[0]
    elif not CODE.match(code) or not any(
        root == "" or code == root or code.startswith(f"{root}.") for root in roots
    ):
        raise Http404(_("Wilayah tidak ditemukan."))
    if code == "":
        return Scope(code="", name=str(_("Indonesia")), viewer=user)
    region = Region.objects.filter(code=code, level__lte=Region.Level.KECAMATAN).first()
    if region is None:
        raise Http404(_("Wilayah tidak ditemukan."))
    return Scope(code=region.code, name=region.name, viewer=user)


def get_kim_scope_for_user(user: AnyUser, slug: str) -> Scope:
    """A KIM's dashboard: its pengurus, or staff over its region; otherwise 404."""
    kim = get_kim_for_user(user, slug)
    if not (is_pengurus(user, kim) or user_supervises_region(user, kim.region)):
        raise Http404(_("KIM tidak ditemukan."))
    return Scope(code=kim.region_id, name=kim.name, kim=kim, viewer=user)


def sees_confidential_counts(user: AnyUser, scope: Scope) -> bool:
    """Whether the scope's counted figures may include confidential cases: only for
    operators and Diskominfo of the kabupaten (the others with a dashboard, a camat, may
    not open them: aspirations.access). Lists are filtered case by case instead."""
    if is_operator(user):
        return True
    code = scope.code
    if len(code.split(".")) < Region.Level.KABUPATEN:
        return False
    return administers_kabupaten(user, code[:5])


def get_list_scope_for_user(user: AnyUser, *, code: str | None, kim_slug: str | None) -> Scope:
    if kim_slug:
        return get_kim_scope_for_user(user, kim_slug)
    return get_scope_for_user(user, code)


def region_q(scope: Scope, *, region: str, kabupaten: str | None = None) -> Q:
    """Rows in a region scope, through their region field (and the denormalised,
    indexed kabupaten field where the model has one)."""
    code = scope.code
    if not code:
        return Q()
    inside = Q(**{region: code}) | Q(**{f"{region}__startswith": f"{code}."})
    if kabupaten is None:
        return inside
    if scope.level == Region.Level.PROVINSI:
        return Q(**{f"{kabupaten}__startswith": f"{code}."})
    if scope.level == Region.Level.KABUPATEN:
        return Q(**{kabupaten: code})
    return Q(**{kabupaten: code[:5]}) & inside
