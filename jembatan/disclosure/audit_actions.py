"""The audit actions of public information (PPID) and their meaning for a reader."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    BODY_CREATE = "ppid.body_create", _("Badan publik didaftarkan")
    BODY_SUPERIOR = "ppid.body_superior", _("Atasan PPID badan publik ditetapkan")
    SETTINGS_UPDATE = "ppid.settings_update", _("Pengaturan PPID diubah")
    REPORT_SAVE = "ppid.report_save", _("Laporan tahunan PPID disimpan")
    REPORT_PUBLISH = "ppid.report_publish", _("Laporan tahunan PPID diterbitkan")
    DOCUMENT_CREATE = "ppid.document_create", _("Informasi publik ditambahkan")
    DOCUMENT_UPDATE = "ppid.document_update", _("Informasi publik diubah")
    DOCUMENT_DELETE = "ppid.document_delete", _("Informasi publik dihapus")
    REQUEST_SUBMIT = "ppid.request_submit", _("Permohonan informasi diajukan")
    # The request's transitions: "ppid.request_<action>".
    REQUEST_EXTEND = "ppid.request_extend", _("Jangka waktu permohonan diperpanjang")
    REQUEST_ANSWER = "ppid.request_answer", _("Permohonan informasi dijawab")
    # disclosure.personal_data: the requester's data (UU 27/2022).
    REQUESTER_CORRECT = "ppid.requester_correct", _("Pemohon memperbaiki kontaknya")
    REQUESTER_ERASE = "ppid.requester_erase", _("Data pribadi pemohon dihapus")
    OBJECTION_SUBMIT = "ppid.objection_submit", _("Keberatan diajukan")
    OBJECTION_DECIDE = "ppid.objection_decide", _("Keberatan diputuskan")
