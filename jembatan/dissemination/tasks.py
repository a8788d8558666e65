"""Background work of dissemination: fan-out, correction sync, reminders, reach counts."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jembatan.core.metrics import fanout_timer
from jembatan.core.tasks import RETRIES, RETRY_DELAY, enqueue_on_commit
from jembatan.dissemination.models import Delivery, InfoItem, ShareLink
from jembatan.dissemination.reach import bump, count_once, forget
from jembatan.dissemination.services import (
    deliver_current_items,
    item_fan_out,
    item_sync_republished,
    send_reminders,
)
from jembatan.tenants.current import current_code


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def fan_out(item_id: int) -> int:
    """Fill the targeted KIMs' inboxes (idempotent: existing rows are kept)."""
    with fanout_timer():  # jembatan_fanout_duration_seconds
        return item_fan_out(item_id)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def deliver_to_new_kim(kim_id: int) -> int:
    return deliver_current_items(kim_id)


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def sync_republished(item_id: int) -> int:
    return item_sync_republished(item_id)


@db_periodic_task(crontab(minute="*/15"), retries=RETRIES, retry_delay=RETRY_DELAY)
def remind_inactive_kims() -> int:
    return send_reminders()


@db_task(retries=2, retry_delay=5)
def record_hit(kind: str, pk: int, visitor: str) -> bool:
    """Count a view or click unless this visitor was counted for it within the window.

    kind: "item" (a view of the item page, no KIM), "delivery" (a view that came through
    a KIM: its re-published post, or the item page reached by its link), "link" (a click
    on a short link). Returns whether it counted.
    """
    targets = {
        "item": (InfoItem, "view_count"),
        "delivery": (Delivery, "view_count"),
        "link": (ShareLink, "click_count"),
    }
    if kind not in targets or not count_once(kind, pk, visitor):
        return False
    model, field = targets[kind]
    if (
        kind == "item"
        and not InfoItem.objects.filter(pk=pk, status=InfoItem.Status.PUBLISHED).exists()
    ):
        return False  # a forged beacon for a draft or withdrawn item
    try:
        return bool(bump(model, pk, field))
    except BaseException:
        forget(kind, pk, visitor)  # let the retry count it
        raise


@db_task(retries=2, retry_delay=5)
def record_view(item_id: int, kim_slug: str, post_id: int, visitor: str) -> bool:
    """A page view: of a KIM's re-published post (post_id), or of the item page, reached
    through a KIM's link (kim_slug) or directly. Attributed, then counted once.

    Only what the host the beacon came to serves counts (the task runs for that host's
    tenant): a beacon naming another kabupaten's item or post is a forgery."""
    code = current_code()
    deliveries = Delivery.objects.all()
    if code is not None:
        deliveries = deliveries.filter(kim__kabupaten_id=code)
    if post_id:
        delivery_id = deliveries.filter(post__pk=post_id).values_list("pk", flat=True).first()
        return bool(delivery_id) and record_hit.call_local("delivery", delivery_id, visitor)
    if code is not None and not InfoItem.objects.served().filter(pk=item_id).exists():
        return False
    if kim_slug:
        delivery_id = (
            deliveries.filter(item__pk=item_id, kim__slug=kim_slug)
            .values_list("pk", flat=True)
            .first()
        )
        if delivery_id:
            return record_hit.call_local("delivery", delivery_id, visitor)
    return record_hit.call_local("item", item_id, visitor)


def kim_saved(sender, instance, created: bool, **kwargs) -> None:
    """A new KIM receives the current items that target its area (in the background);
    connected to the KIM's post_save in DisseminationConfig.ready."""
    if not created or not instance.is_active or kwargs.get("raw"):
        return
    enqueue_on_commit(deliver_to_new_kim, instance.pk)
