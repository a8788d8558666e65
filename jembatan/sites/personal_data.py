"""A reader who commented on a KIM's post as a data subject (UU 27/2022), registered with
``core.personal_data``. No account and no contact is kept (sites.models.Comment): only
the name they typed, shown with the comment, and the comment itself.

- Erasure at their request (they name the comment; the KIM or Diskominfo erases it):
  the name and the text become the marker; the row stays so the thread of comments and
  the moderation record keep their shape; the name and the first words leave the audit
  rows (which name a comment by them).
- Retention (``SITE_COMMENT_NAME_RETENTION_DAYS`` after it was sent): the name leaves
  the comment, and the text, wherever it quotes it. The text stays: it is what the reader
  chose to publish under the post.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import audit_record
from jembatan.accounts.models import AuditLog, User
from jembatan.accounts.processing import audit_scrub
from jembatan.core.personal_data import ERASED, Kind, Touched, personal_data_registry, scrub_text
from jembatan.sites.audit_actions import AuditAction
from jembatan.sites.models import Comment

KEY = "sites.commenter"


def retention_days() -> int:
    return settings.SITE_COMMENT_NAME_RETENTION_DAYS


def commenter_erase(
    *, comment: Comment, actor: User | None = None, reason: str, keep_text: bool = False
) -> bool:
    """Erase the commenter's name (and the comment's text unless ``keep_text``: the
    retention rule); False when nothing was left."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        name = locked.name if locked.name != ERASED else ""
        # Audit rows name a comment by "<name>: <first words>" (its __str__).
        values = [name, str(locked)] if name else []
        body = scrub_text(locked.body, [name]) if keep_text else ERASED
        if not name and body == locked.body:
            return False
        if not keep_text:
            values.append(locked.body[:40])
        Comment.objects.filter(pk=locked.pk).update(name=ERASED, body=body)
        audit_scrub(target=locked, values=values)
        locked.name, locked.body = ERASED, body
        audit_record(
            actor=actor,
            action=AuditAction.COMMENT_NAME_ERASE if keep_text else AuditAction.COMMENT_ERASE,
            target=locked,
            note=reason,
        )
    return True


def _erase(subject: Comment, *, actor: User | None = None, reason: str) -> bool:
    return commenter_erase(comment=subject, actor=actor, reason=reason)


def purge_commenters(*, now: datetime.datetime | None = None) -> int:
    """The retention rule: the name leaves comments older than the retention period."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    old = Comment.objects.filter(created_at__lt=cutoff).exclude(name=ERASED).order_by("id")
    cleared = 0
    for comment in old.iterator(chunk_size=500):
        cleared += commenter_erase(comment=comment, reason="retention", keep_text=True)
    return cleared


def touched(since: datetime.datetime, until: datetime.datetime) -> list[Touched]:
    """Commenters whose comment changed in the window, by the comment's number: no
    contact is kept, so they are told through the public notice."""
    kind = ContentType.objects.get_for_model(Comment)
    audited = AuditLog.objects.filter(
        target_type=kind, created_at__gte=since, created_at__lt=until
    ).values_list("target_id", flat=True)
    changed = Comment.objects.filter(
        Q(pk__in=[int(i) for i in audited if i.isdecimal()])
        | Q(created_at__gte=since, created_at__lt=until)
    ).order_by("created_at", "id")
    return [
        Touched(
            kind=KEY,
            reference=f"komentar-{c.pk}",
            channels=(),
            contact={"nama": c.name} if c.name != ERASED else {},
            erased=c.name == ERASED,
        )
        for c in changed.iterator(chunk_size=500)
    ]


personal_data_registry.register(
    Kind(
        key=KEY,
        order=50,
        title=gettext_lazy("Pengirim komentar di situs KIM"),
        collected=gettext_lazy(
            "Nama yang Anda tulis dan isi komentar Anda. Tidak ada akun, email atau nomor "
            "HP yang diminta."
        ),
        purpose=gettext_lazy("Menampilkan komentar Anda di bawah berita KIM."),
        basis=gettext_lazy(
            "Persetujuan Anda saat mengirim komentar (UU 27/2022 Pasal 20 ayat 2 huruf a)."
        ),
        who_sees=gettext_lazy(
            "Nama dan komentar Anda tampil untuk umum setelah disetujui pengurus KIM; "
            "pengurus KIM melihatnya sebelum tampil."
        ),
        retention_text=gettext_lazy(
            "Nama Anda dilepas dari komentar %(days)s hari setelah dikirim. Untuk menghapus "
            "komentar lebih cepat, hubungi KIM atau Diskominfo dan sebutkan beritanya."
        ),
        erase=_erase,
        touched=touched,
        retention_days=retention_days,
    )
)
