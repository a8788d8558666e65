"""Reader comments: posted without an account, moderated per KIM, audited when moderated."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jembatan.accounts.audit import audit_record, snapshot
from jembatan.accounts.models import User
from jembatan.core.pagecache import content_changed
from jembatan.sites.access import can_approve_posts
from jembatan.sites.audit_actions import AuditAction
from jembatan.sites.models import Comment, Post

# Links are the spammer's payload: refused unless a KIM later opts in.
_LINK = re.compile(
    r"(https?://|www\.|\b[a-z0-9-]+\.(com|net|org|id|co|info|xyz|ly|me|io|biz)\b)", re.I
)
REPORTS_TO_HIDE = 3


def comment_create(*, post: Post, name: str, body: str) -> Comment:
    name, body = " ".join(name.split()), body.strip().replace("\r\n", "\n")
    if not name:
        raise ValidationError({"name": _("Nama wajib diisi.")})
    if not body:
        raise ValidationError({"body": _("Komentar tidak boleh kosong.")})
    if _LINK.search(body) or _LINK.search(name):
        raise ValidationError({"body": _("Komentar tidak boleh berisi tautan atau alamat situs.")})
    status = (
        Comment.Status.PENDING if post.kim.comments_need_moderation else Comment.Status.APPROVED
    )
    return Comment.objects.create(post=post, name=name[:80], body=body[:2000], status=status)


def comment_report(*, comment: Comment) -> None:
    """A reader flags a comment; enough flags hide it until a moderator looks."""
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
        hidden = Comment.objects.filter(
            pk=comment.pk, report_count__gte=REPORTS_TO_HIDE, status=Comment.Status.APPROVED
        ).update(status=Comment.Status.PENDING)
    if hidden:
        # update() sends no signal: cached pages that still show the comment go stale here.
        content_changed()


def comment_moderate(*, actor: User, comment: Comment, status: str) -> Comment:
    if status not in Comment.Status.values:
        raise ValidationError(_("Status komentar tidak dikenal."))
    if not can_approve_posts(actor, comment.post.kim):
        raise PermissionDenied(_("Hanya pengurus KIM yang dapat memoderasi komentar."))
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        before = snapshot(locked, ["status", "report_count"])
        locked.status = status
        if status == Comment.Status.APPROVED:
            locked.report_count = 0  # a moderator has looked at it
        locked.save(update_fields=["status", "report_count"])
        audit_record(
            actor=actor,
            action=AuditAction.COMMENT_MODERATE,
            target=locked,
            before=before,
            after=snapshot(locked, ["status", "report_count"]),
        )
    return locked
