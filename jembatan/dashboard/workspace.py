"""The dashboard's buttons on the workspace home: the dashboard, the monthly report per office."""

from django.utils.translation import gettext_lazy as _

from jembatan.core.registry import TOOLS, Entry, workspace_registry
from jembatan.dashboard.access import can_read_dashboard, can_read_office_report

workspace_registry.register(
    Entry(
        key="dashboard.home",
        section=TOOLS,
        title=_("Dasbor"),
        url="dashboard:overview",
        order=90,
        visible=can_read_dashboard,
    ),
    Entry(
        key="dashboard.office_report",
        section=TOOLS,
        title=_("Laporan aspirasi per instansi"),
        url="dashboard:office_report",
        order=91,
        visible=can_read_office_report,
        secondary=True,
    ),
)
