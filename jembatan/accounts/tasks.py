"""Background tasks of the accounts app."""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jembatan.accounts.invitations import account_invite_send
from jembatan.accounts.models import Notification, User
from jembatan.accounts.notifications import (
    absolute_url,
    digest_after,
    digest_mail,
    notification_text,
    notification_title,
)
from jembatan.core.tasks import RETRIES, RETRY_DELAY, claimed
from jembatan.tenants.current import current_site_name


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def send_invitation(
    user_id: int, base_url: str, invited_to: str, last_invited_at: datetime | None = None
) -> bool:
    """Mail the invitation to choose a password, at most once per enqueued invitation.

    ``last_invited_at`` is the user's ``invited_at`` when the invitation was enqueued. The
    run first claims the invitation by moving ``invited_at`` on with a compare-and-set
    UPDATE: if it has changed since, this invitation went out already (a retry, or a
    duplicate message) and nothing is sent. No row stays locked while the mail server is
    talked to (on SQLite that would hold the database's write lock). A mail failure gives
    the claim back and raises, so Huey tries again later. Returns whether a mail was sent.
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None or user.has_usable_password():
        return False
    claimed_at = timezone.now()
    claimed = User.objects.filter(pk=user_id, invited_at=last_invited_at).update(
        invited_at=claimed_at
    )
    if not claimed:
        return False
    try:
        sent = account_invite_send(user=user, base_url=base_url, invited_to=invited_to)
    except BaseException:
        User.objects.filter(pk=user_id, invited_at=claimed_at).update(invited_at=last_invited_at)
        raise
    if not sent:
        User.objects.filter(pk=user_id, invited_at=claimed_at).update(invited_at=last_invited_at)
    return sent


def _mailbox(user: User) -> str:
    """The recipient's address: the query below takes only users that have one."""
    assert user.email is not None
    return user.email


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def send_notification_emails(key: str | list[str]) -> int:
    """Mail every not-yet-mailed notification with this key (or these keys); returns how
    many mails went out.

    Each row is claimed with a compare-and-set on ``emailed_at`` before its mail is sent,
    so a retry or a duplicate task never mails a row twice. A failed mail gives its claim
    back and the task raises after the others, so Huey retries the ones that failed.
    Whoever has more than ``digest_after()`` rows of one kind among them gets those in
    one digest mail.
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation

    sent = 0
    failed: Exception | None = None
    keys = [key] if isinstance(key, str) else list(key)
    pending = list(
        Notification.objects.filter(
            key__in=keys,
            emailed_at__isnull=True,
            recipient__is_active=True,
            recipient__email__isnull=False,
        )
        .select_related("recipient")
        .order_by("created_at", "id")
    )
    groups: dict[tuple[int, str], list[Notification]] = {}
    for notification in pending:
        groups.setdefault((notification.recipient_id, notification.kind), []).append(notification)
    single = []
    for group in groups.values():
        if len(group) <= digest_after():
            single.extend(group)
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = digest_mail(group)
        try:
            rows = Notification.objects.filter(pk__in=[n.pk for n in group])
            with claimed(rows, "emailed_at") as mine:
                if not mine:
                    continue
                send_mail(
                    subject=f"[{current_site_name()}] {subject}",
                    message=body + "\n",
                    from_email=None,
                    recipient_list=[_mailbox(group[0].recipient)],
                )
        except Exception as exc:
            failed = exc
            continue
        sent += 1
    for notification in single:
        with translation.override(settings.LANGUAGE_CODE):
            subject = notification_title(notification)
            body = notification_text(notification)
            if notification.url:
                body = f"{body}\n\n{absolute_url(notification.url)}".strip()
        try:
            with claimed(Notification.objects.filter(pk=notification.pk), "emailed_at") as mine:
                if not mine:
                    continue
                send_mail(
                    subject=f"[{current_site_name()}] {subject}",
                    message=body + "\n",
                    from_email=None,
                    recipient_list=[_mailbox(notification.recipient)],
                )
        except Exception as exc:  # the claim was given back; the others still go out
            failed = exc
            continue
        sent += 1
    if failed is not None:
        raise failed
    return sent


def purge_login_records(now: datetime | None = None) -> int:
    """Delete sign-in records older than LOGIN_LOG_RETENTION_DAYS: the success log, the
    failure log and the attempt counters (a lockout lasts minutes, so an old counter
    protects nothing). Returns the number of rows deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.LOGIN_LOG_RETENTION_DAYS)
    deleted = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted


@db_periodic_task(crontab(minute="45", hour="2"), retries=RETRIES, retry_delay=RETRY_DELAY)
def purge_old_login_records() -> int:
    """Once a day (02:45 UTC): the retention rule for sign-in records."""
    return purge_login_records()
