"""Who reads and answers rumour reports and clarifications.

- Diskominfo (kabupaten admin) handles every report and clarification of its kabupaten;
  platform operators everywhere.
- An OPD officer handles the reports Diskominfo assigned to their office, and the
  clarifications their office answers.
- The public reads published clarifications of the kabupaten served only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jembatan.accounts.access import (
    AnyUser,
    administers_any_kabupaten,
    administers_kabupaten,
    get_administered_kabupaten_for_user,
    get_officer_office_ids_for_user,
    is_operator,
)
from jembatan.clarifications.models import Clarification, RumourReport
from jembatan.tenants.current import served_code


def can_handle_rumours(user: AnyUser) -> bool:
    """Whether the workspace offers the rumour queue (no query after the user's roles)."""
    if not user.is_authenticated:
        return False
    return administers_any_kabupaten(user) or bool(get_officer_office_ids_for_user(user))


def _owned_q(user: AnyUser) -> Q:
    return Q(kabupaten__in=get_administered_kabupaten_for_user(user)) | Q(
        office_id__in=get_officer_office_ids_for_user(user)
    )


def get_reports_for_user(user: AnyUser) -> QuerySet[RumourReport]:
    rows = RumourReport.objects.select_related("kabupaten", "office", "clarification")
    if not user.is_authenticated:
        return rows.none()
    if is_operator(user):
        return rows
    return rows.filter(_owned_q(user))


def get_report_for_user(user: AnyUser, pk: int) -> RumourReport:
    row = get_reports_for_user(user).filter(pk=pk).first()
    if row is None:
        raise Http404(_("Laporan isu tidak ditemukan."))
    return row


def get_clarifications_for_user(user: AnyUser) -> QuerySet[Clarification]:
    rows = Clarification.objects.select_related("kabupaten", "office")
    if not user.is_authenticated:
        return rows.none()
    if is_operator(user):
        return rows
    return rows.filter(_owned_q(user))


def get_clarification_for_user(user: AnyUser, pk: int) -> Clarification:
    row = get_clarifications_for_user(user).filter(pk=pk).first()
    if row is None:
        raise Http404(_("Klarifikasi tidak ditemukan."))
    return row


def administers(user: AnyUser, kabupaten_code: str) -> bool:
    """Diskominfo of this kabupaten (or an operator): assigns offices and rejects."""
    return administers_kabupaten(user, kabupaten_code)


def published_clarifications() -> QuerySet[Clarification]:
    """The public's: published answers of the kabupaten served."""
    return Clarification.objects.filter(
        kabupaten_id=served_code(), status=Clarification.Status.PUBLISHED
    ).select_related("office", "kabupaten")
