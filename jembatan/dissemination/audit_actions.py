"""The audit actions of development information and their meaning for a reader."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    INFO_CREATE = "info.create", _("Informasi dibuat")
    INFO_UPDATE = "info.update", _("Informasi diubah")
    INFO_CORRECT = "info.correct", _("Informasi dikoreksi")
    INFO_PUBLISH = "info.publish", _("Informasi diterbitkan")
    INFO_WITHDRAW = "info.withdraw", _("Informasi ditarik")
    INFO_REPUBLISH = "info.republish", _("Informasi diterbitkan ulang oleh KIM")
    INFO_SHARE = "info.share", _("Informasi dibagikan")
    INFO_FEEDBACK = "info.feedback", _("Tanggapan KIM dikirim")
    INFO_FEEDBACK_ANSWER = "info.feedback_answer", _("Tanggapan KIM dijawab")
    INFO_NUDGE = "info.nudge", _("KIM diingatkan")
