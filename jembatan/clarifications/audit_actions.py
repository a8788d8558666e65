"""The audit actions of rumour reports and clarifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    REPORT_SUBMIT = "clarification.report_submit", _("Laporan isu diterima")
    REPORT_ASSIGN = "clarification.report_assign", _("Laporan isu diserahkan ke instansi")
    REPORT_REJECT = "clarification.report_reject", _("Laporan isu tidak ditindaklanjuti")
    REPORT_LINK = "clarification.report_link", _("Laporan isu dikaitkan dengan klarifikasi")
    REPORT_ANSWER = "clarification.report_answer", _("Laporan isu dijawab")
    # clarifications.personal_data: the submitter's contact and screenshot (UU 27/2022).
    SUBMITTER_ERASE = "clarification.submitter_erase", _("Data pribadi pelapor isu dihapus")
    CREATE = "clarification.create", _("Klarifikasi dibuat")
    UPDATE = "clarification.update", _("Klarifikasi diubah")
    PUBLISH = "clarification.publish", _("Klarifikasi diterbitkan")
