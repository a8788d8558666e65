"""The disclosure entries on the workspace home: the PPID button and the annual report
reminder (from the kabupaten's reminder date until it is published, by 31 March)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.access import administered_kabupaten, is_operator
from jembatan.core.registry import TODAY, TOOLS, Entry, track_changes, workspace_registry
from jembatan.core.workdays import local_date
from jembatan.disclosure.access import can_manage_ppid
from jembatan.disclosure.models import AnnualReport, PpidSettings
from jembatan.disclosure.services_report import report_due


def _report_due_count(user) -> int:
    """Kabupaten of the user whose report on last year is due (one Diskominfo: one)."""
    if is_operator(user):
        return 0  # the operator answers for no kabupaten's report
    return sum(report_due(region.code) is not None for region in administered_kabupaten(user))


def _report_url(user) -> str:
    return reverse("disclosure:report_text", kwargs={"year": local_date().year - 1})


workspace_registry.register(
    Entry(
        key="disclosure.home",
        section=TOOLS,
        title=_("PPID"),
        url="disclosure:manage",
        order=60,
        visible=can_manage_ppid,
    ),
    Entry(
        key="disclosure.annual_report",
        section=TODAY,
        title=_("Laporan tahunan PPID belum terbit"),
        help=_("Wajib diumumkan paling lambat 31 Maret (Perki 1/2021 Pasal 56)."),
        order=60,
        visible=lambda user: bool(administered_kabupaten(user)) and not is_operator(user),
        count=_report_due_count,
        shared=True,
        url_for=_report_url,
    ),
)

# The report's window is in the kabupaten's PPID settings.
track_changes(AnnualReport, lambda report: report.kabupaten_id)
track_changes(PpidSettings, lambda rules: rules.kabupaten_id)
