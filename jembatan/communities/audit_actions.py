"""The audit actions of the KIM registry and their meaning for a reader (a KIM's history)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    KIM_CREATE = "kim.create", _("KIM didaftarkan")
    KIM_UPDATE = "kim.update", _("Profil diubah")
    KIM_VERIFY = "kim.verify", _("KIM diverifikasi")
    MEMBER_ADD = "kim.member_add", _("Anggota ditambahkan")
    MEMBER_UPDATE = "kim.member_update", _("Keanggotaan diubah")
    USER_CREATE = "user.create", _("Akun dibuat")
    FORUM_CREATE = "forum.create", _("Forum KIM dibentuk")
    FORUM_UPDATE = "forum.update", _("Forum KIM diubah")
    FORUM_PENGURUS_ADD = "forum.pengurus_add", _("Pengurus forum ditambahkan")
    FORUM_PENGURUS_END = "forum.pengurus_end", _("Masa jabatan pengurus forum berakhir")
