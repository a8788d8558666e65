"""API tokens (made, revoked) and the API's writes, through the owning apps' services."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jembatan.accounts.access import administers_kabupaten
from jembatan.accounts.audit import audit_record, audited_update
from jembatan.accounts.models import User
from jembatan.api.audit_actions import AuditAction
from jembatan.api.models import AggregatorKey, ApiToken
from jembatan.communities.models import Kim
from jembatan.regions.models import Region
from jembatan.sites import services as site_services
from jembatan.sites.models import Post

TOKEN_PREFIX = "jbt_"  # noqa: S105 (a marker, not a secret: lets scanners spot leaks)
AGGREGATOR_PREFIX = "jbk_"  # an Open311 aggregator key, told apart from a personal token
# Bounds of an aggregator key's limits: above the citizen's, below a flood.
MAX_PER_MINUTE = 1000
MAX_PER_HOUR = 50000
MAX_ACTIVE_AGGREGATOR_KEYS = 20
MAX_DAYS = 365
MAX_ACTIVE_TOKENS = 10
# Status a new post may be asked for -> the transition that leads there from a draft.
POST_ACTIONS: dict[str, str | None] = {
    Post.Status.DRAFT: None,
    Post.Status.REVIEW: "submit",
    Post.Status.PUBLISHED: "publish",
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _new_secret(prefix: str) -> tuple[str, dict[str, str]]:
    """A fresh secret with the prefix, and the fields stored for it: its first twelve
    characters (to recognise it in lists) and its hash (the secret itself is never kept)."""
    secret = prefix + secrets.token_urlsafe(32)
    return secret, {"key_prefix": secret[:12], "key_hash": hash_token(secret)}


def _note_use(row: ApiToken | AggregatorKey) -> None:
    """Note the use, at most once a minute (not a write on every request); no audit row."""
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > datetime.timedelta(minutes=1):
        type(row).objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now


def api_token_create(*, actor: User, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for the actor; returns it and its secret, which is never stored."""
    name = " ".join((name or "").split())[:80]
    if not name:
        raise ValidationError({"name": _("Beri nama token, mis. nama aplikasi yang memakainya.")})
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"days": _("Masa berlaku 1 sampai %(max)s hari.") % {"max": MAX_DAYS}}
        )
    now = timezone.now()
    with transaction.atomic():
        active = (
            ApiToken.objects.select_for_update()
            .filter(user=actor, revoked_at__isnull=True, expires_at__gt=now)
            .count()
        )
        if active >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("Paling banyak %(max)s token aktif: cabut token yang tidak dipakai lagi.")
                % {"max": MAX_ACTIVE_TOKENS}
            )
        secret, stored = _new_secret(TOKEN_PREFIX)
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            **stored,
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action=AuditAction.TOKEN_CREATE,
            target=token,
            after={"name": name, "prefix": token.key_prefix, "expires_at": token.expires_at},
        )
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied(_("Token ini bukan milik Anda."))
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        audited_update(
            actor=actor,
            instance=locked,
            data={"revoked_at": timezone.now()},
            action=AuditAction.TOKEN_REVOKE,
        )
    return locked


def api_token_touch(*, token: ApiToken) -> None:
    _note_use(token)


def aggregator_key_create(
    *, actor: User, kabupaten: Region, name: str, per_minute: int, per_hour: int
) -> tuple[AggregatorKey, str]:
    """A new Open311 aggregator key of a kabupaten its Diskominfo administers; returns it
    and its secret, which is shown once and never stored."""
    if kabupaten.level != Region.Level.KABUPATEN or not administers_kabupaten(
        actor, kabupaten.code
    ):
        raise PermissionDenied(_("Hanya admin kabupaten ini yang boleh membuat kuncinya."))
    name = " ".join((name or "").split())[:80]
    errors = {}
    if not name:
        errors["name"] = _("Beri nama kunci, mis. nama aplikasi pengumpul yang memakainya.")
    if not 1 <= per_minute <= MAX_PER_MINUTE:
        errors["per_minute"] = _("Batas per menit 1 sampai %(max)s.") % {"max": MAX_PER_MINUTE}
    if not 1 <= per_hour <= MAX_PER_HOUR:
        errors["per_hour"] = _("Batas per jam 1 sampai %(max)s.") % {"max": MAX_PER_HOUR}
    elif per_hour < per_minute:
        errors["per_hour"] = _("Batas per jam tidak boleh lebih kecil dari batas per menit.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        active = (
            AggregatorKey.objects.select_for_update()
            .filter(kabupaten=kabupaten, is_active=True)
            .count()
        )
        if active >= MAX_ACTIVE_AGGREGATOR_KEYS:
            raise ValidationError(
                _("Paling banyak %(max)s kunci aktif: cabut kunci yang tidak dipakai lagi.")
                % {"max": MAX_ACTIVE_AGGREGATOR_KEYS}
            )
        secret, stored = _new_secret(AGGREGATOR_PREFIX)
        key = AggregatorKey.objects.create(
            name=name,
            kabupaten=kabupaten,
            **stored,
            per_minute=per_minute,
            per_hour=per_hour,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.AGGREGATOR_KEY_CREATE,
            target=key,
            after={
                "name": name,
                "kabupaten": kabupaten.code,
                "prefix": key.key_prefix,
                "per_minute": per_minute,
                "per_hour": per_hour,
            },
        )
    return key, secret


def aggregator_key_revoke(*, actor: User, key: AggregatorKey) -> AggregatorKey:
    if not administers_kabupaten(actor, key.kabupaten_id):
        raise PermissionDenied(_("Hanya admin kabupaten ini yang boleh mencabut kuncinya."))
    with transaction.atomic():
        locked = AggregatorKey.objects.select_for_update().get(pk=key.pk)
        if not locked.is_active:
            return locked
        audited_update(
            actor=actor,
            instance=locked,
            data={"is_active": False, "revoked_at": timezone.now()},
            action=AuditAction.AGGREGATOR_KEY_REVOKE,
        )
    return locked


def aggregator_key_touch(*, key: AggregatorKey) -> None:
    _note_use(key)


def api_post_create(*, actor: User, kim: Kim, data: dict[str, Any], status: str) -> Post:
    """A post written through the API: created, then moved to the asked status, through
    the sites services and their permissions (a member writes drafts; whoever may publish
    may publish). All or nothing: a refused publish leaves no draft behind."""
    if status not in POST_ACTIONS:
        raise ValidationError({"status": _("Status tidak dikenal.")})
    with transaction.atomic():
        post = site_services.post_create(actor=actor, kim=kim, data=data)
        action = POST_ACTIONS[status]
        if action is not None:
            post.kim = kim
            post = site_services.post_transition(actor=actor, post=post, action=action)
    return post
