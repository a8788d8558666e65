"""Reader comments: posted without an account, moderated by the KIM's pengurus.

The states, decisions, reports and word filter are core.moderation's (the same as the
dialogue's); this module says who decides and what a comment is.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jembatan.accounts.audit import audit_record
from jembatan.accounts.models import User
from jembatan.core import moderation
from jembatan.core.moderation import Visibility
from jembatan.sites.access import can_approve_posts
from jembatan.sites.audit_actions import AuditAction
from jembatan.sites.models import Comment, Post

# Links are the spammer's payload: refused unless a KIM later opts in.
_LINK = re.compile(
    r"(https?://|www\.|\b[a-z0-9-]+\.(com|net|org|id|co|info|xyz|ly|me|io|biz)\b)", re.I
)
MAX_BODY = 2000


def comment_create(*, post: Post, name: str, body: str) -> Comment:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Nama wajib diisi.")})
    body = moderation.clean_text(body, max_length=MAX_BODY)
    if _LINK.search(body) or _LINK.search(name):
        raise ValidationError({"body": _("Komentar tidak boleh berisi tautan atau alamat situs.")})
    kim = post.kim
    first = Visibility.HELD if kim.comments_need_moderation else Visibility.PUBLISHED
    visibility, reason = moderation.screen(kim.kabupaten_id, f"{name}\n{body}", default=first)
    return Comment.objects.create(
        post=post, name=name[:80], body=body, visibility=visibility, held_reason=reason
    )


def comment_report(*, comment: Comment) -> None:
    """A reader flags a comment; enough flags hold it until a pengurus looks."""
    with transaction.atomic():
        moderation.count_report(Comment, comment.pk)


def comment_moderate(*, actor: User, comment: Comment, action: str) -> Comment:
    """A pengurus decides: one of core.moderation.MACHINE's actions."""
    moderation.MACHINE.step(action)
    if not can_approve_posts(actor, comment.post.kim):
        raise PermissionDenied(_("Hanya pengurus KIM yang dapat memoderasi komentar."))
    with transaction.atomic():
        locked, before, after = moderation.decide(Comment, comment.pk, action)
        audit_record(
            actor=actor,
            action=AuditAction.COMMENT_MODERATE,
            target=locked,
            before=before,
            after=after,
        )
    return locked
