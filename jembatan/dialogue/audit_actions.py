"""The audit actions of consultations, polls and discussions and their meaning for a reader."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    CONSULTATION_CREATE = "dialogue.consultation_create", _("Konsultasi dibuat")
    CONSULTATION_UPDATE = "dialogue.consultation_update", _("Konsultasi diubah")
    CONSULTATION_PUBLISH = "dialogue.consultation_publish", _("Konsultasi dibuka")
    SECTION_RESPOND = "dialogue.section_respond", _("Tanggapan atas bagian ditulis")
    REPORT_PUBLISH = "dialogue.report_publish", _("Laporan konsultasi diterbitkan")
    COMMENT = "dialogue.comment", _("Komentar dikirim")
    THREAD_CREATE = "dialogue.thread_create", _("Diskusi dibuat")
    THREAD_LOCK = "dialogue.thread_lock", _("Diskusi dikunci")
    THREAD_UNLOCK = "dialogue.thread_unlock", _("Kunci diskusi dibuka")
    REPLY = "dialogue.reply", _("Balasan dikirim")
    DISSEMINATE = "dialogue.disseminate", _("Dikirim ke KIM sebagai informasi")
    POLL_CREATE = "dialogue.poll_create", _("Jajak pendapat dibuat")
    POLL_UPDATE = "dialogue.poll_update", _("Jajak pendapat diubah")
    POLL_PUBLISH = "dialogue.poll_publish", _("Jajak pendapat dibuka")
    POLL_RESPOND = "dialogue.poll_respond", _("Jawaban jajak pendapat dikirim")
    QUESTION_ADD = "dialogue.question_add", _("Pertanyaan ditambahkan")
    QUESTION_DELETE = "dialogue.question_delete", _("Pertanyaan dihapus")
    # Moderation: contribution_moderate writes "dialogue.<action>" for each of its actions.
    AUTO_HOLD = "dialogue.auto_hold", _("Ditahan otomatis karena laporan")
    HIDE = "dialogue.hide", _("Tulisan disembunyikan")
    RESTORE = "dialogue.restore", _("Tulisan diterbitkan lagi")
    KEEP = "dialogue.keep", _("Tulisan dibiarkan tampil")
    BLOCK = "dialogue.block", _("Penulis diblokir")
    UNBLOCK = "dialogue.unblock", _("Blokir penulis dicabut")
    WORD_ADD = "dialogue.word_add", _("Kata saringan ditambahkan")
    WORD_REMOVE = "dialogue.word_remove", _("Kata saringan dihapus")
    # dialogue.personal_data: a participant without an account (UU 27/2022).
    PARTICIPANT_ERASE = "dialogue.participant_erase", _("Data pribadi peserta dihapus")
