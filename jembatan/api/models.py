"""API tokens: what integrations send as "Authorization: Bearer <token>"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HashedSecret(models.Model):
    """What a token and an aggregator key share: a name, the first characters of the
    secret (its owner recognises it in a list), the SHA-256 of the secret (the secret
    itself is shown once, when it is made, and never stored), when it was made, last
    used and revoked."""

    name = models.CharField(_("nama"), max_length=80)
    key_prefix = models.CharField(_("awalan"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class ApiToken(HashedSecret):
    """A user's token. Only the SHA-256 of the secret is stored: the token itself is shown
    once, when it is made; the prefix lets its owner recognise it in the list afterwards.
    A token acts as its user and may do no more than that user may in the workspace."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    expires_at = models.DateTimeField(_("berlaku sampai"))

    class Meta(HashedSecret.Meta):
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_created",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_idx")]

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class AggregatorKey(HashedSecret):
    """An Open311 key of an aggregator (a city app, a LAPOR!-style bridge) that speaks for
    many citizens: sent as ``api_key``, it gets its own limits per minute and per hour
    instead of the citizen's, and its own idempotency scope. Made by the Diskominfo of its
    kabupaten in the workspace; only the SHA-256 of the secret is stored (the key is shown
    once), the prefix lets the admin recognise it in the list."""

    kabupaten = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    per_minute = models.PositiveIntegerField(_("batas per menit"))
    per_hour = models.PositiveIntegerField(_("batas per jam"))
    is_active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta(HashedSecret.Meta):
        verbose_name = _("kunci aplikasi pengumpul")
        verbose_name_plural = _("kunci aplikasi pengumpul")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(per_minute__gte=1, per_hour__gte=models.F("per_minute")),
                name="api_aggregator_key_limits_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=True, revoked_at__isnull=True)
                | models.Q(is_active=False, revoked_at__isnull=False),
                name="api_aggregator_key_revoked_when_inactive",
            ),
        ]
        indexes = [models.Index(fields=["kabupaten", "is_active"], name="api_aggkey_kabupaten_idx")]
