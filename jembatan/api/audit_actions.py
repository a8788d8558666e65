"""The audit actions of the API (tokens, Open311 keys) and their meaning for a reader."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    TOKEN_CREATE = "api_token.create", _("Token API dibuat")
    TOKEN_REVOKE = "api_token.revoke", _("Token API dicabut")
    AGGREGATOR_KEY_CREATE = "api_aggregator_key.create", _("Kunci Open311 dibuat")
    AGGREGATOR_KEY_REVOKE = "api_aggregator_key.revoke", _("Kunci Open311 dicabut")
