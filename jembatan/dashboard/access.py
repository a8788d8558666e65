"""Who reads which dashboard.

An operator reads the whole country and drills down; a province officer (a role at
province level) their province's roll-up and its kabupaten; a kabupaten admin (Diskominfo)
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
    administered_kabupaten,
    administers_kabupaten,
    get_administered_kabupaten_for_user,
    get_memberships_for_user,
    is_operator,
    supervised_regions,
    user_supervises_region,
)
from jembatan.accounts.models import Office, Role
from jembatan.aspirations.access import get_cases_for_user
from jembatan.aspirations.models import Aspiration, CaseEvent
from jembatan.communities.access import get_kim_for_user, get_member_kims_for_user, is_pengurus
from jembatan.communities.models import Kim
from jembatan.regions.models import Region
from jembatan.tenants.current import current_code

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
    # (a role at province level, a province officer: the province's roll-up)
    return [r.code for r in sorted(_own_regions(user), key=lambda r: (r.level, r.code))]


def _own_regions(user: AnyUser) -> list[Region]:
    """The regions of get_dashboard_roots_for_user, loaded with the user's roles (none for
    an operator, whose root is the whole country)."""
    if not user.is_authenticated or is_operator(user):
        return []
    levels = (Region.Level.PROVINSI, Region.Level.KABUPATEN, Region.Level.KECAMATAN)
    return [r for r in supervised_regions(user) if r.level in levels]


def within_roots(code: str, roots: list[str]) -> bool:
    """Whether a region code lies in (or is) one of the user's dashboard roots."""
    return any(root == "" or code == root or code.startswith(f"{root}.") for root in roots)


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
    elif not CODE.match(code) or not within_roots(code, roots):
        raise Http404(_("Wilayah tidak ditemukan."))
    if code == "":
        return Scope(code="", name=str(_("Indonesia")), viewer=user)
    # A reader's own top region (most open their own dashboard) came with their roles
    # (accounts.access.actor): no query. A region below it is looked up.
    region = next((r for r in _own_regions(user) if r.code == code), None)
    if region is None:
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


@dataclass(frozen=True)
class OfficeReportScope:
    """What the monthly aspirations report of a kabupaten covers for its reader.

    ``cases`` is every case the figures may draw on; the report itself decides, from the
    case events, which office held each one at the end of the month. ``office``: one
    office only (its figures and the list of its cases). ``own_office``: the reader is the
    head of that office and may choose no other."""

    kabupaten: Region
    office: Any = None
    own_office: bool = False
    cases: Any = None
    offices: list = field(default_factory=list, compare=False)
    kabupaten_choices: list = field(default_factory=list, compare=False)


def get_headed_offices_for_user(user: AnyUser):
    """Offices whose head (kepala instansi) the user is."""

    if not user.is_authenticated:
        return Office.objects.none()
    heads = [
        m.office_id
        for m in get_memberships_for_user(user)
        if m.role == Role.OPD_OFFICER and m.is_head
    ]
    return Office.objects.filter(pk__in=heads).order_by("name")


def can_read_office_report(user: AnyUser) -> bool:
    return bool(administered_kabupaten(user)) or any(
        m.role == Role.OPD_OFFICER and m.is_head for m in get_memberships_for_user(user)
    )


def get_office_report_scope_for_user(
    user: AnyUser, *, code: str | None, office_id: int | None
) -> OfficeReportScope:
    """Diskominfo (kabupaten admin) and operators: every office of a kabupaten they
    administer, or one of them; the head of an office: that office only. Other officers
    of an office, camat and KIM get no report (403); an office or kabupaten out of reach
    is a 404, as on the dashboards."""

    administered = get_administered_kabupaten_for_user(user).order_by("code")
    if administered.exists():
        if code:
            kabupaten = administered.filter(code=code).first() if CODE.match(code) else None
        else:
            # An operator administers every kabupaten: the one the platform serves first.
            kabupaten = administered.filter(code=current_code()).first() or administered.first()
        if kabupaten is None:
            raise Http404(_("Wilayah tidak ditemukan."))
        offices = list(Office.objects.filter(kabupaten=kabupaten).order_by("name"))
        office = None
        if office_id is not None:
            office = next((o for o in offices if o.pk == office_id), None)
            if office is None:
                raise Http404(_("Instansi tidak ditemukan."))
        choices = [] if is_operator(user) else list(administered)
        return OfficeReportScope(
            kabupaten=kabupaten,
            office=office,
            cases=get_cases_for_user(user).filter(kabupaten_id=kabupaten.code),
            offices=offices,
            kabupaten_choices=choices if len(choices) > 1 else [],
        )
    headed = list(get_headed_offices_for_user(user).select_related("kabupaten"))
    if not headed:
        raise PermissionDenied(
            _("Laporan ini untuk Diskominfo kabupaten/kota dan kepala instansi.")
        )
    office = (
        headed[0] if office_id is None else next((o for o in headed if o.pk == office_id), None)
    )
    if office is None:
        raise Http404(_("Instansi tidak ditemukan."))
    # The office's figures at the end of a past month include cases it held then and
    # has since passed on: every case ever referred to it (the report keeps those it
    # held at the month's end). No reporter data is read.
    referred = CaseEvent.objects.filter(office_id=office.pk).values("aspiration_id")
    return OfficeReportScope(
        kabupaten=office.kabupaten,
        office=office,
        own_office=True,
        cases=Aspiration.objects.filter(pk__in=referred, kabupaten_id=office.kabupaten_id),
        offices=headed,
    )


def get_monev_scopes_for_user(user: AnyUser) -> list[Region]:
    """The kabupaten and provinces whose monitoring and evaluation (monev) report the user
    reads: Diskominfo their kabupaten, the province officer (a Diskominfo role at province
    level) their province and its kabupaten; a camat or a KIM none."""
    roots = get_dashboard_roots_for_user(user)
    if "" in roots:
        # An operator: every kabupaten; the choice starts at the one being served.
        return []
    levels = (Region.Level.PROVINSI, Region.Level.KABUPATEN)
    return [r for r in supervised_regions(user) if r.level in levels and r.code in roots]


def get_monev_scope_for_user(user: AnyUser, code: str | None) -> Scope:
    """The kabupaten or province asked for (or the user's first); 403 for a user who
    reads no monev report, 404 for a region out of reach (as on the dashboards)."""
    roots = get_dashboard_roots_for_user(user)
    own = get_monev_scopes_for_user(user)
    if "" not in roots and not own:
        raise PermissionDenied(
            _("Laporan monev untuk Diskominfo kabupaten/kota dan Diskominfo provinsi.")
        )
    if not code:
        code = own[0].code if own else (current_code() or "")
    if not CODE.match(code) or len(code.split(".")) > Region.Level.KABUPATEN:
        raise Http404(_("Wilayah tidak ditemukan."))
    if "" not in roots and not within_roots(code, [r.code for r in own]):
        raise Http404(_("Wilayah tidak ditemukan."))
    region = Region.objects.filter(
        code=code, level__in=(Region.Level.PROVINSI, Region.Level.KABUPATEN)
    ).first()
    if region is None:
        raise Http404(_("Wilayah tidak ditemukan."))
    return Scope(code=region.code, name=region.name, viewer=user)
