"""The audit actions of the platform pages of the workspace (the tenants) and their meaning."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    TENANT_CREATE = "tenant.create", _("Tenant (kabupaten/kota) dibuat")
    TENANT_UPDATE = "tenant.update", _("Pengaturan tenant diubah")
    TENANT_HOSTS = "tenant.hosts", _("Alamat host tenant diubah")
    TENANT_DEACTIVATE = "tenant.deactivate", _("Tenant dinonaktifkan")
    TENANT_ACTIVATE = "tenant.activate", _("Tenant diaktifkan kembali")
