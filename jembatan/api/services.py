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

from jembatan.accounts.audit import audit_record
from jembatan.accounts.models import User
from jembatan.api.models import ApiToken
from jembatan.communities.models import Kim
from jembatan.sites import services as site_services
from jembatan.sites.models import Post

TOKEN_PREFIX = "jbt_"  # noqa: S105 (a marker, not a secret: lets scanners spot leaks)
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
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            key_prefix=secret[:12],
            key_hash=hash_token(secret),
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action="api_token.create",
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
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            target=locked,
            before={"revoked_at": None},
            after={"revoked_at": locked.revoked_at},
        )
    return locked


def api_token_touch(*, token: ApiToken) -> None:
    """Note the use, at most once a minute (not a write on every request); no audit row."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


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
