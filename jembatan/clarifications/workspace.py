"""Clarifications on the workspace home: the tool button, and the rumours waiting."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jembatan.clarifications.access import can_handle_rumours, get_reports_for_user
from jembatan.clarifications.models import RumourReport
from jembatan.core.registry import TODAY, TOOLS, Entry, track_changes, workspace_registry


def waiting_count(user) -> int:
    return (
        get_reports_for_user(user)
        .filter(status__in=[RumourReport.Status.NEW, RumourReport.Status.IN_PROGRESS])
        .count()
    )


workspace_registry.register(
    Entry(
        key="clarifications.home",
        section=TOOLS,
        title=_("Klarifikasi isu"),
        url="clarifications:manage",
        order=75,
        visible=can_handle_rumours,
    ),
    Entry(
        key="clarifications.waiting",
        section=TODAY,
        title=_("Isu dari warga menunggu klarifikasi"),
        url="clarifications:manage",
        order=60,
        visible=can_handle_rumours,
        count=waiting_count,
        shared=True,
    ),
)

track_changes(RumourReport, lambda report: report.kabupaten_id)
