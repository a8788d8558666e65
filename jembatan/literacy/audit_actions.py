"""The audit actions of training and learning and their meaning for a reader."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    TRAINING_CREATE = "literacy.training_create", _("Pelatihan dibuat")
    TRAINING_UPDATE = "literacy.training_update", _("Pelatihan diubah")
    # training_transition: "literacy.training_<action>" for each action of its table.
    TRAINING_OPEN = "literacy.training_open", _("Pendaftaran pelatihan dibuka")
    TRAINING_CLOSE = "literacy.training_close", _("Pendaftaran pelatihan ditutup")
    TRAINING_CANCEL = "literacy.training_cancel", _("Pelatihan dibatalkan")
    REGISTRATION_CREATE = "literacy.registration_create", _("Peserta mendaftar")
    REGISTRATION_CANCEL = "literacy.registration_cancel", _("Pendaftaran dibatalkan")
    CHECK_IN = "literacy.check_in", _("Kehadiran dicatat")
    CERTIFICATE_ISSUE = "literacy.certificate_issue", _("Sertifikat diterbitkan")
    CERTIFICATE_RENAME = "literacy.certificate_rename", _("Nama pada sertifikat diubah")
    MODULE_SAVE = "literacy.module_save", _("Modul belajar disimpan")
    LESSON_SAVE = "literacy.lesson_save", _("Pelajaran disimpan")
    LESSON_DELETE = "literacy.lesson_delete", _("Pelajaran dihapus")
    QUESTION_ADD = "literacy.question_add", _("Soal kuis ditambahkan")
    QUESTION_DELETE = "literacy.question_delete", _("Soal kuis dihapus")
    WEIGHTS_SAVE = "literacy.weights_save", _("Bobot skor KIM disimpan")
