"""The audit actions of accounts (sign-in, two-factor) and their meaning for a reader."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    LOCK_CLEARED = "account.lock_cleared", _("Kunci masuk dibuka")
    BACKUP_CODE_USED = "two_factor.backup_code_used", _("Kode cadangan dipakai")
    BACKUP_REGENERATED = "two_factor.backup_regenerated", _("Kode cadangan dibuat ulang")
    DEVICE_ADDED = "two_factor.device_added", _("Perangkat verifikasi dua langkah ditambahkan")
    DEVICE_REMOVED = "two_factor.device_removed", _("Perangkat verifikasi dua langkah dihapus")
