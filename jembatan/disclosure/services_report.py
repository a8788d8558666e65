"""Writes of the annual PPID report (Perki SLIP 1/2021 Pasal 56) and its reminder.

The figures are counted from the requests (``report.py``); staff write the narrative
sections per kabupaten and year, then publish. From the kabupaten's reminder date
(1 March by default) until the report is published or its due date (31 March) passes,
Diskominfo sees it on the workspace home and is notified once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jembatan.accounts.access import administers_kabupaten
from jembatan.accounts.audit import audited_update
from jembatan.accounts.models import Membership, Role, User
from jembatan.accounts.notifications import notify
from jembatan.core.pagecache import content_changed
from jembatan.core.workdays import local_date
from jembatan.disclosure.audit_actions import AuditAction
from jembatan.disclosure.models import AnnualReport
from jembatan.disclosure.rules import report_window, settings_for
from jembatan.regions.models import Region

NARRATIVE_FIELDS = [
    "policy",
    "facilities",
    "staff",
    "budget",
    "disputes_text",
    "obstacles",
    "recommendations",
]
COUNT_FIELDS = ["disputes_commission", "disputes_court"]


def _check(actor: User, kabupaten: Region, year: int) -> None:
    if not administers_kabupaten(actor, kabupaten.code):
        raise PermissionDenied(_("Hanya Diskominfo kabupaten ini yang menyusun laporan PPID."))
    if not 2000 <= year <= local_date(None, kabupaten.code).year:
        raise ValidationError(_("Laporan hanya untuk tahun yang sudah berjalan."))


def annual_report_save(
    *, actor: User, kabupaten: Region, year: int, data: dict[str, Any]
) -> AnnualReport:
    """Save the narrative sections (and the dispute counts) of a year's report."""
    _check(actor, kabupaten, year)
    values: dict[str, Any] = {
        name: (data.get(name) or "").strip()[:6000] for name in NARRATIVE_FIELDS
    }
    for name in COUNT_FIELDS:
        value = data.get(name) or 0
        if not isinstance(value, int) or not 0 <= value <= 100000:
            raise ValidationError({name: _("Isi jumlah perkara (angka).")})
        values[name] = value
    with transaction.atomic():
        report, _created = AnnualReport.objects.select_for_update().get_or_create(
            kabupaten=kabupaten, year=year
        )
        report, _changed = audited_update(
            actor=actor,
            instance=report,
            data=values,
            action=AuditAction.REPORT_SAVE,
            omit=NARRATIVE_FIELDS,
        )
        if report.published_at is not None:
            transaction.on_commit(content_changed)
    return report


def annual_report_publish(*, actor: User, kabupaten: Region, year: int) -> AnnualReport:
    """Publish a year's report: its narrative then shows on the public report page. Every
    section the regulation names must be written first (Pasal 56)."""
    _check(actor, kabupaten, year)
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update().filter(kabupaten=kabupaten, year=year).first()
        )
        missing = [
            str(getattr(AnnualReport._meta.get_field(name), "verbose_name", name))
            for name in NARRATIVE_FIELDS
            if name != "disputes_text" and not getattr(report, name, "")
        ]
        if missing:
            raise ValidationError(
                _("Lengkapi dulu bagian laporan: %(sections)s.") % {"sections": ", ".join(missing)}
            )
        assert report is not None
        if report.published_at is not None:
            raise ValidationError(_("Laporan tahun ini sudah diterbitkan."))
        report, _changed = audited_update(
            actor=actor,
            instance=report,
            data={"published_at": timezone.now()},
            action=AuditAction.REPORT_PUBLISH,
        )
        transaction.on_commit(content_changed)
    return report


def report_due(kabupaten_code: str, *, today: date | None = None) -> tuple[int, date] | None:
    """(year, due date) when the kabupaten's report on last year is in its reminder window
    and not published; None otherwise."""
    today = today or local_date(None, kabupaten_code)
    year = today.year - 1
    window = report_window(settings_for(kabupaten_code), year)
    if window is None or not window[0] <= today <= window[1]:
        return None
    published = AnnualReport.objects.filter(
        kabupaten_id=kabupaten_code, year=year, published_at__isnull=False
    ).exists()
    return None if published else (year, window[1])


def remind_annual_reports(*, today: date | None = None) -> int:
    """Notify each kabupaten's Diskominfo once a year while its report is due. Returns how
    many were notified."""
    sent = 0
    codes = (
        Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region__level=Region.Level.KABUPATEN)
        .values_list("region_id", flat=True)
        .distinct()
    )
    for code in sorted(set(codes)):
        due = report_due(code, today=today)
        if due is None:
            continue
        year, deadline = due
        admins = User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id=code).values(
                "user_id"
            ),
        )
        sent += notify(
            recipients=admins,
            kind="ppid.report_due",
            key=f"ppid.report_due:{code}:{year}",
            params={"year": year, "due": deadline.isoformat()},
            url=reverse("disclosure:report", kwargs={"year": year}),
        )
    return sent
