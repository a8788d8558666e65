"""Who sees which aspirations, and who may see who sent them.

Staff reach cases only through get_cases_for_user / get_case_for_user (and lists, counts
and exports start from get_cases_for_user). OPD officers see the cases sent to their
office and nothing else; a KIM sees the cases of the places it serves; a camat those of
the kecamatan. A confidential ("rahasia") case is narrower still: Diskominfo of its
kabupaten, the officers of the office it is referred to, the KIM member who recorded it
and platform operators, nobody else (not the other members of the KIM, not the camat).
The reporter's contact data is shown only to Diskominfo of the kabupaten and to the KIM
that recorded the case for a neighbour (for a confidential case: the member who did).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jembatan.accounts.access import (
    AnyUser,
    administered_kabupaten,
    administers_kabupaten,
    get_memberships_for_user,
    get_officer_office_ids_for_user,
    is_operator,
    region_scope_q,
)
from jembatan.accounts.models import Role
from jembatan.aspirations.models import AnswerFile, Aspiration, CaseFlag
from jembatan.communities.access import get_kim_positions_for_user, get_member_kims_for_user
from jembatan.communities.models import Kim
from jembatan.regions.models import Region


def _kim_area_q(kims) -> Q:
    return region_scope_q([k.region for k in kims], field="region")


def get_cases_for_user(user: AnyUser) -> QuerySet[Aspiration]:
    cases = Aspiration.objects.select_related("category", "region", "office", "kabupaten")
    if not user.is_authenticated:
        return cases.none()
    if is_operator(user):
        return cases
    # Diskominfo sees every case of its kabupaten, confidential ones included: the codes
    # (known without a query) as a plain condition, which the kabupaten indexes answer
    # alone (a count of the desk's list reads the index, not every case's row).
    administered = Q(kabupaten_id__in=[r.code for r in administered_kabupaten(user)])
    memberships = get_memberships_for_user(user)
    camat = [m.region for m in memberships if m.role == Role.CAMAT and m.region is not None]
    offices = get_officer_office_ids_for_user(user)
    area = (
        region_scope_q(camat, field="region")
        | Q(office_id__in=offices)
        | _kim_area_q(get_member_kims_for_user(user))
    )
    # The confidentiality rule applies on top of the area: a case in one's area is not
    # enough to open a confidential one. ((A or B) and (C or A) is A or (B and C).)
    confidential_ok = (
        ~Q(visibility=Aspiration.Visibility.CONFIDENTIAL)
        | Q(office_id__in=offices)
        | Q(recorded_by=user)
    )
    return cases.filter(administered | (area & confidential_ok))


def may_see_case(user: AnyUser, case: Aspiration) -> bool:
    """The same rule as get_cases_for_user, for one case already in hand."""
    return get_cases_for_user(user).filter(pk=case.pk).exists()


def _confidential_for_others(user: AnyUser, case: Aspiration) -> bool:
    """A confidential case that a KIM reaches only through the member who recorded it."""
    return case.visibility == Aspiration.Visibility.CONFIDENTIAL and (
        not user.is_authenticated or case.recorded_by_id != user.pk
    )


def get_case_for_user(user: AnyUser, code: str) -> Aspiration:
    case = get_cases_for_user(user).filter(code=code).first()
    if case is None:
        raise Http404(_("Aspirasi tidak ditemukan."))
    return case


def administers(user: AnyUser, case: Aspiration) -> bool:
    return administers_kabupaten(user, case.kabupaten_id)


def serves_as_kim(user: AnyUser, case: Aspiration, *, pengurus_only: bool = True) -> bool:
    """A KIM pengurus of the place the case is about (or of the KIM that recorded it);
    for a confidential case, only the member who recorded it."""
    if _confidential_for_others(user, case):
        return False
    kims = get_member_kims_for_user(user, pengurus_only=pengurus_only)
    return any(
        k.pk == case.kim_id
        or case.region_id == k.region_id
        or case.region_id.startswith(f"{k.region_id}.")
        for k in kims
    )


def handles(user: AnyUser, case: Aspiration) -> bool:
    """An officer of the office the case is assigned to."""
    if case.office_id is None or not user.is_authenticated:
        return False
    return case.office_id in get_officer_office_ids_for_user(user)


def is_camat_for(user: AnyUser, case: Aspiration) -> bool:
    """The camat of the kecamatan the case is in. A camat reads the case, adds internal
    notes and nudges the office; never changes its status, office or deadlines, and never
    sees a confidential case or the reporter's identity."""
    if not user.is_authenticated or case.visibility == Aspiration.Visibility.CONFIDENTIAL:
        return False
    return any(
        m.role == Role.CAMAT
        and m.region_id
        and (case.region_id == m.region_id or case.region_id.startswith(f"{m.region_id}."))
        for m in get_memberships_for_user(user)
    )


def get_open_flags_for_user(user: AnyUser) -> QuerySet[CaseFlag]:
    """Flags of KIM pengurus still waiting for Diskominfo, on the cases the user
    administers (Diskominfo of the kabupaten, operators): the count on the desk."""
    rows = CaseFlag.objects.filter(outcome="").select_related("aspiration", "flagged_by")
    if is_operator(user):
        return rows
    # Diskominfo sees every case of its kabupaten, confidential ones included: the codes
    # (known without a query) on the case itself, no join to the regions.
    codes = [r.code for r in administered_kabupaten(user)]
    return rows.filter(aspiration__kabupaten_id__in=codes)


def get_answer_file_for_user(user: AnyUser, case: Aspiration, pk: int) -> AnswerFile | None:
    """An answer's file for staff who may see the case; None for anyone else (the
    reporter's own route checks their key and that the answer is public)."""
    if not may_see_case(user, case):
        return None
    return AnswerFile.objects.filter(aspiration=case, pk=pk).first()


def can_see_reporter(user: AnyUser, case: Aspiration) -> bool:
    if is_operator(user) or administers(user, case):
        return True
    if case.kim_id is None or not user.is_authenticated:
        return False
    if _confidential_for_others(user, case):
        return False
    return case.kim_id in get_kim_positions_for_user(user)


def get_recording_kims_for_user(user: AnyUser) -> QuerySet[Kim]:
    """KIMs in which the user may record an aspiration for a neighbour (any member)."""
    kims = [k.pk for k in get_member_kims_for_user(user)]
    if not kims:  # most staff: nothing to build or read
        return Kim.objects.none()
    return Kim.objects.filter(pk__in=kims).select_related("region")


def regions_for_kim(kim: Kim) -> QuerySet[Region]:
    """The desa/kelurahan a KIM serves: its own, or every one of its kecamatan."""
    if kim.region.level == Region.Level.KECAMATAN:
        return Region.objects.filter(parent=kim.region).order_by("name")
    return Region.objects.filter(pk=kim.region_id)
