"""Notifications: one service to send them, a registry of what each kind says.

Apps register their kinds at import time (``register_kind`` in their notifications
module, imported by their AppConfig.ready) with a lazily translated title and text;
a notification row keeps only the kind and its parameters, so the list in /kelola/
and the email read in the reader's language, and a changed wording applies to old
rows too.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jembatan.accounts.models import Notification, User
from jembatan.core import links
from jembatan.core.tasks import enqueue_on_commit


@dataclass(frozen=True)
class Kind:
    title: str | Promise  # "%(item)s" placeholders filled from params
    text: str | Promise


KINDS: dict[str, Kind] = {}
_batch = threading.local()


def register_kind(name: str, *, title: str | Promise, text: str | Promise = "") -> None:
    KINDS[name] = Kind(title=title, text=text)


def _fill(template: str | Promise, params: dict[str, Any]) -> str:
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def notification_title(notification: Notification) -> str:
    kind = KINDS.get(notification.kind)
    return _fill(kind.title, notification.params) if kind else _("Pemberitahuan")


def notification_text(notification: Notification) -> str:
    kind = KINDS.get(notification.kind)
    return _fill(kind.text, notification.params) if kind else ""


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    key: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    email: bool = True,
) -> int:
    """Notify each recipient once per ``key``; returns how many were new.

    Recipients already notified under ``key`` are skipped (a unique constraint decides,
    so two workers racing create one row). Email goes out in the background after commit.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    users = {u.pk: u for u in recipients if u.is_active}
    if not users:
        return 0
    existing = set(
        Notification.objects.filter(key=key, recipient_id__in=users).values_list(
            "recipient_id", flat=True
        )
    )
    rows = [
        Notification(recipient_id=pk, kind=kind, key=key, params=params or {}, url=url)
        for pk in users
        if pk not in existing
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if rows and email:
        keys = getattr(_batch, "keys", None)
        if keys is not None:
            keys.append(key)
        else:
            enqueue_on_commit("jembatan.accounts.tasks.send_notification_emails", key)
    return len(rows)


@contextlib.contextmanager
def notification_batch() -> Iterator[None]:
    """Mail the notifications made inside the block in one background run at its end,
    so that whoever gets many of one kind gets one digest (NOTIFICATION_DIGEST_AFTER)
    rather than a mail each: the deadline check once found 36 overdue cases for one person."""
    if getattr(_batch, "keys", None) is not None:  # nested: the outer batch mails
        yield
        return
    _batch.keys = []
    try:
        yield
    finally:
        # Also when the block failed half-way: the notifications it made are kept and
        # would never be mailed otherwise (a later run finds them made and skips them).
        keys = list(dict.fromkeys(_batch.keys))
        _batch.keys = None
        if keys:
            enqueue_on_commit("jembatan.accounts.tasks.send_notification_emails", keys)


def digest_after() -> int:
    return settings.NOTIFICATION_DIGEST_AFTER


def digest_mail(notifications: list[Notification]) -> tuple[str, str]:
    """Subject and body of one mail listing several notifications."""
    count = len(notifications)
    subject = ngettext("%(count)s pemberitahuan baru", "%(count)s pemberitahuan baru", count) % {
        "count": count
    }
    lines = [
        _("Ringkasan pemberitahuan untuk Anda. Semuanya juga tampil di ruang kerja Anda."),
        "",
    ]
    for notification in notifications:
        lines.append(f"- {notification_title(notification)}")
        if notification.url:
            lines.append(f"  {absolute_url(notification.url)}")
    return subject, "\n".join(lines)


def notifications_for_user(user: User):
    return Notification.objects.filter(recipient=user)


def notification_mark_read(
    *, user: User, ids: Iterable[int] | None = None, url: str | None = None
) -> int:
    """Mark the user's notifications read (all unread ones when ids and url are None);
    ``url``: those that link to this page (opening a case reads what was about it)."""
    from django.utils import timezone

    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if url is not None:
        rows = rows.filter(url=url)
    with transaction.atomic():
        return rows.update(read_at=timezone.now())


def absolute_url(path: str) -> str:
    """A notification's link in full (core.links: the host of the request, or of the
    request that queued the mail; SITE_URL for the periodic jobs)."""
    return links.absolute_url(path) if path.startswith("/") else path
