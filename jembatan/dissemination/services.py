"""Writing, publishing, correcting and withdrawing information; what KIMs do with it.

Every write goes through a function here, inside a transaction, with an audit row.
Fan-out to the inboxes, syncing re-published posts after a correction, reminders and
reach counting run in the background (dissemination.tasks).
"""

from __future__ import annotations

import datetime
import functools
import secrets
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import audit_for, audit_record, audited_update, snapshot
from jembatan.accounts.models import AuditLog, Membership, Role, User
from jembatan.accounts.notifications import notify
from jembatan.communities.models import PENGURUS, Kim, KimMembership
from jembatan.core.attachments import check_attachment, storage_name
from jembatan.core.images import delete_files, removed_on_failure
from jembatan.core.pagecache import content_changed
from jembatan.core.richtext import sanitize_html
from jembatan.core.slugs import free_slug
from jembatan.core.tasks import enqueue_on_commit
from jembatan.core.transitions import Machine, Transition
from jembatan.dissemination.access import Area, get_items_for_user, get_publishing_areas_for_user
from jembatan.dissemination.audit_actions import AuditAction
from jembatan.dissemination.models import Attachment, Delivery, Feedback, InfoItem, ShareLink
from jembatan.regions.models import Region
from jembatan.sites.access import can_edit_post, can_publish_post, can_write_posts
from jembatan.sites.models import Post
from jembatan.sites.services import (
    post_create,
    post_sync_from_source,
    post_transition,
    posts_withdraw_source,
)

ITEM_FIELDS = [
    "title",
    "slug",
    "summary",
    "body",
    "category",
    "priority",
    "valid_from",
    "valid_until",
    "scope",
    "area",
    "office",
    "status",
    "published_at",
]
TEXT_FIELDS = ["title", "summary", "body", "category", "priority", "valid_from", "valid_until"]
MAX_ATTACHMENTS = 10
FAN_OUT_BATCH = 2000
# Short-link codes: no 0/O or 1/l/I, so a code read aloud or copied by hand survives.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 7
I = InfoItem.Status  # noqa: E741
# Who may take a step: whoever manages the item (can_manage_item), checked first.
# "update" edits a draft or corrects a published item; both keep the status.
ITEM_MACHINE = Machine(
    noun=gettext_lazy("informasi"),
    transitions={
        "update": Transition({I.DRAFT, I.PUBLISHED}, None, gettext_lazy("Ubah informasi")),
        "publish": Transition({I.DRAFT}, I.PUBLISHED, gettext_lazy("Terbitkan dan kirim ke KIM")),
        "withdraw": Transition({I.PUBLISHED}, I.WITHDRAWN, gettext_lazy("Tarik informasi ini")),
        "nudge": Transition({I.PUBLISHED}, None, gettext_lazy("Ingatkan KIM yang belum bertindak")),
    },
)


def _require_step(item: InfoItem, action: str) -> Transition:
    """The step, or the translated refusal when the item's status does not allow it."""
    return ITEM_MACHINE.require_state(action, item.status, item.get_status_display())


def can_manage_item(user: User, item: InfoItem) -> bool:
    return get_items_for_user(user).filter(pk=item.pk).exists()


def _require_manage(user: User, item: InfoItem) -> None:
    if not can_manage_item(user, item):
        raise PermissionDenied(_("Anda tidak berhak mengelola informasi ini."))


# --- Items ------------------------------------------------------------------------


def _clean_text(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in TEXT_FIELDS if k in data}
    errors: dict[str, str] = {}
    for name in ("title", "summary"):
        if name in values:
            values[name] = " ".join((values[name] or "").split())
            if not values[name]:
                errors[name] = _("Bagian ini wajib diisi.")
    if "body" in values:
        values["body"] = sanitize_html(values["body"])
        if not values["body"]:
            errors["body"] = _("Isi informasi tidak boleh kosong.")
    if "category" in values and values["category"] not in InfoItem.Category.values:
        errors["category"] = _("Kategori tidak dikenal.")
    if "priority" in values and values["priority"] not in InfoItem.Priority.values:
        errors["priority"] = _("Prioritas tidak dikenal.")
    start, end = values.get("valid_from"), values.get("valid_until")
    if start and end and end < start:
        errors["valid_until"] = _("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai.")
    if errors:
        raise ValidationError(errors)
    return values


def _clean_targets(
    area: Area, scope: str, kecamatan: Sequence[Region], kims: Sequence[Kim]
) -> tuple[list[Region], list[Kim]]:
    if scope not in InfoItem.Scope.values:
        raise ValidationError({"scope": _("Sasaran tidak dikenal.")})
    if scope == InfoItem.Scope.KECAMATAN:
        if not kecamatan:
            raise ValidationError({"target_kecamatan": _("Pilih sedikitnya satu kecamatan.")})
        for region in kecamatan:
            if region.level != Region.Level.KECAMATAN:
                raise ValidationError(
                    {"target_kecamatan": _("%(name)s bukan kecamatan.") % {"name": region.name}}
                )
            if not area.contains(region):
                raise ValidationError(
                    {
                        "target_kecamatan": _(
                            "Kecamatan %(name)s berada di luar wilayah Anda (%(area)s)."
                        )
                        % {"name": region.name, "area": area.label}
                    }
                )
        return list(kecamatan), []
    if scope == InfoItem.Scope.KIMS:
        if not kims:
            raise ValidationError({"target_kims": _("Pilih sedikitnya satu KIM.")})
        for kim in kims:
            if not area.contains(kim.region):
                raise ValidationError(
                    {
                        "target_kims": _("%(name)s berada di luar wilayah Anda (%(area)s).")
                        % {"name": kim.name, "area": area.label}
                    }
                )
            if not kim.is_active:
                raise ValidationError(
                    {"target_kims": _("%(name)s tidak aktif.") % {"name": kim.name}}
                )
        return [], list(kims)
    return [], []


def _area_for(actor: User, area_key: str) -> Area:
    areas = get_publishing_areas_for_user(actor)
    if not areas:
        raise PermissionDenied(_("Anda tidak berhak menerbitkan informasi."))
    for area in areas:
        if area.key == area_key:
            return area
    if not area_key and len(areas) == 1:
        return areas[0]
    raise ValidationError({"area": _("Pilih wilayah penerbit dari daftar.")})


def item_create(
    *,
    actor: User,
    area_key: str,
    data: dict[str, Any],
    kecamatan: Sequence[Region] = (),
    kims: Sequence[Kim] = (),
    files: Iterable[IO[bytes]] = (),
) -> InfoItem:
    area = _area_for(actor, area_key)
    values = _clean_text(data)
    scope = data.get("scope") or InfoItem.Scope.AREA
    target_kecamatan, target_kims = _clean_targets(area, scope, kecamatan, kims)
    checked = _check_files(files, existing=0)
    with removed_on_failure() as stored, transaction.atomic():
        item = InfoItem.objects.create(
            area=area.region,
            office=area.office,
            author=actor,
            scope=scope,
            slug=free_slug(InfoItem.objects.all(), values["title"], fallback="informasi"),
            **values,
        )
        item.target_kecamatan.set(target_kecamatan)
        item.target_kims.set(target_kims)
        _store_files(item, checked, stored)
        audit_record(
            actor=actor,
            action=AuditAction.INFO_CREATE,
            target=item,
            after=snapshot(item, ITEM_FIELDS)
            | {"targets": _target_summary(target_kecamatan, target_kims)},
        )
    return item


def _target_summary(kecamatan: Sequence[Region], kims: Sequence[Kim]) -> dict[str, list]:
    return {"kecamatan": [r.code for r in kecamatan], "kims": [k.pk for k in kims]}


def item_update(
    *,
    actor: User,
    item: InfoItem,
    data: dict[str, Any],
    kecamatan: Sequence[Region] | None = None,
    kims: Sequence[Kim] | None = None,
    files: Iterable[IO[bytes]] = (),
    remove_attachments: Iterable[int] = (),
    correction_note: str = "",
) -> InfoItem:
    """Edit a draft freely; a published item is corrected (a note is required, targets
    stay as sent) and every KIM that re-published it is updated and told."""
    _require_manage(actor, item)
    values = _clean_text(data)
    correction_note = " ".join((correction_note or "").split())
    remove = {int(pk) for pk in remove_attachments if str(pk).isdecimal() and len(str(pk)) < 19}
    with removed_on_failure() as stored, transaction.atomic():
        locked = InfoItem.objects.select_for_update().get(pk=item.pk)
        _require_step(locked, "update")
        existing = locked.attachments.exclude(pk__in=remove).count()
        checked = _check_files(files, existing=existing)
        before = snapshot(locked, ITEM_FIELDS)
        changed = [k for k, v in values.items() if getattr(locked, k) != v]
        targets_changed = False
        if locked.status == I.DRAFT and kecamatan is not None and kims is not None:
            area = Area(region=locked.area, office=locked.office)
            scope = data.get("scope") or locked.scope
            target_kecamatan, target_kims = _clean_targets(area, scope, kecamatan, kims)
            if scope != locked.scope:
                changed.append("scope")
                values["scope"] = scope
            old = _target_summary(
                list(locked.target_kecamatan.all()), list(locked.target_kims.all())
            )
            new = _target_summary(target_kecamatan, target_kims)
            if old != new:
                locked.target_kecamatan.set(target_kecamatan)
                locked.target_kims.set(target_kims)
                targets_changed = True
        files_changed = bool(checked) or locked.attachments.filter(pk__in=remove).exists()
        if not changed and not targets_changed and not files_changed:
            return locked
        correcting = locked.status == I.PUBLISHED
        if correcting and not correction_note:
            raise ValidationError(
                {
                    "correction_note": _(
                        "Informasi ini sudah terbit: tuliskan apa yang diperbaiki. "
                        "Catatan ini tampil bagi pembaca dan dikirim ke KIM yang "
                        "menerbitkan ulang."
                    )
                }
            )
        for name in changed:
            setattr(locked, name, values[name])
        if correcting:
            locked.corrected_at = timezone.now()
            locked.correction_note = correction_note
        locked.save()
        removed = list(locked.attachments.filter(pk__in=remove))
        for attachment in removed:
            name = attachment.file.name
            attachment.delete()
            transaction.on_commit(functools.partial(_delete_stored, name))
        _store_files(locked, checked, stored)
        after = snapshot(locked, ITEM_FIELDS)
        audit_record(
            actor=actor,
            action=AuditAction.INFO_CORRECT if correcting else AuditAction.INFO_UPDATE,
            target=locked,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed}
            | ({"attachments_removed": [a.name for a in removed]} if removed else {})
            | ({"attachments_added": [c.name for c in checked]} if checked else {}),
            note=correction_note,
        )
        if correcting:
            enqueue_on_commit("jembatan.dissemination.tasks.sync_republished", locked.pk)
            transaction.on_commit(content_changed)
    return locked


def item_publish(*, actor: User, item: InfoItem) -> InfoItem:
    """Publish at once; the inboxes fill in the background (dissemination.tasks.fan_out)."""
    _require_manage(actor, item)
    with transaction.atomic():
        locked = InfoItem.objects.select_for_update().get(pk=item.pk)
        step = _require_step(locked, "publish")
        before = snapshot(locked, ["status", "published_at"])
        locked.status = step.leads_to(locked.status)
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.INFO_PUBLISH,
            target=locked,
            before=before,
            after=snapshot(locked, ["status", "published_at"]),
        )

        enqueue_on_commit("jembatan.dissemination.tasks.fan_out", locked.pk)
        transaction.on_commit(content_changed)
    return locked


def item_withdraw(*, actor: User, item: InfoItem, reason: str) -> InfoItem:
    """Withdraw: the item and every KIM's re-published copy leave the public sites in
    the same transaction; the KIMs that re-published it are told why."""
    _require_manage(actor, item)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasan penarikan.")})
    with transaction.atomic():
        locked = InfoItem.objects.select_for_update().get(pk=item.pk)
        step = _require_step(locked, "withdraw")
        before = snapshot(locked, ["status", "withdrawn_at"])
        locked.status = step.leads_to(locked.status)
        locked.withdrawn_at = timezone.now()
        locked.withdrawal_reason = reason[:300]
        locked.save(update_fields=["status", "withdrawn_at", "withdrawal_reason", "updated_at"])
        # Copies waiting for approval go back too, or an approver could still publish them.
        unpublished = posts_withdraw_source(
            actor=actor, posts=Post.objects.filter(delivery__item=locked), note=reason
        )
        audit_record(
            actor=actor,
            action=AuditAction.INFO_WITHDRAW,
            target=locked,
            before=before,
            after=snapshot(locked, ["status", "withdrawn_at"]) | {"posts_unpublished": unpublished},
            note=reason,
        )
        _notify_republishers(
            locked,
            kind="info.withdrawn",
            key=f"info.withdrawn:{locked.pk}",
            params={"item": locked.title, "reason": reason},
        )
        transaction.on_commit(content_changed)
    return locked


# --- Attachments ------------------------------------------------------------------


def _check_files(files: Iterable[IO[bytes]], *, existing: int) -> list:
    files = [f for f in files if f]
    if existing + len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": _("Paling banyak %(n)s lampiran per informasi.") % {"n": MAX_ATTACHMENTS}}
        )
    checked = []
    for file in files:
        try:
            checked.append(check_attachment(file))
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from None
    return checked


def _delete_stored(name: str) -> None:
    delete_files([name])


def _store_files(item: InfoItem, checked: list, stored: list[str]) -> None:
    """Save checked files, appending each stored name to ``stored`` so that the caller
    can delete them if its transaction fails."""
    for c in checked:
        attachment = Attachment(item=item, kind=c.kind, name=c.name, size=c.size, pages=c.pages)
        attachment.file.save(storage_name(c), c.content, save=False)
        stored.append(attachment.file.name)
        attachment.save()


# --- Fan-out ----------------------------------------------------------------------


def targeted_kims(item: InfoItem) -> QuerySet[Kim]:
    kims = Kim.objects.filter(is_active=True)
    if item.scope == InfoItem.Scope.KIMS:
        return kims.filter(pk__in=item.target_kims.values("pk"))
    if item.scope == InfoItem.Scope.KECAMATAN:
        condition = Q(pk__in=[])
        for code in item.target_kecamatan.values_list("code", flat=True):
            condition |= Q(region_id=code) | Q(region__parent_id=code)
        return kims.filter(condition)
    if item.area is None:
        return kims
    if item.area.level == Region.Level.KABUPATEN:
        return kims.filter(kabupaten_id=item.area.code)
    return kims.filter(Q(region_id=item.area.code) | Q(region__parent_id=item.area.code))


def item_fan_out(item_id: int) -> int:
    """Fill the inbox of every targeted KIM; safe to run again. Returns inbox rows made."""
    item = InfoItem.objects.filter(pk=item_id, status=I.PUBLISHED).select_related("area").first()
    if item is None:
        return 0
    now = timezone.now()
    before = Delivery.objects.filter(item_id=item.pk).count()
    batch: list[Delivery] = []
    for kim_id in targeted_kims(item).values_list("pk", flat=True).iterator(chunk_size=5000):
        batch.append(Delivery(item_id=item.pk, kim_id=kim_id, created_at=now))
        if len(batch) >= FAN_OUT_BATCH:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Delivery.objects.bulk_create(batch, ignore_conflicts=True)
    total = Delivery.objects.filter(item_id=item.pk).count()
    InfoItem.objects.filter(pk=item.pk).update(targeted_count=total, fanned_out_at=timezone.now())
    return total - before


def deliver_current_items(kim_id: int) -> int:
    """A KIM registered (or re-activated) after items were published still gets the ones
    that target it and are still valid. Returns the inbox rows made."""
    kim = Kim.objects.filter(pk=kim_id, is_active=True).select_related("region").first()
    if kim is None:
        return 0
    today = timezone.localdate()
    current = (
        InfoItem.objects.filter(status=I.PUBLISHED)
        .exclude(scope=InfoItem.Scope.KIMS)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .exclude(deliveries__kim=kim)
        .select_related("area")
    )
    made = [
        Delivery(item=item, kim=kim)
        for item in current
        if targeted_kims(item).filter(pk=kim.pk).exists()
    ]
    Delivery.objects.bulk_create(made, ignore_conflicts=True)
    for delivery in made:
        InfoItem.objects.filter(pk=delivery.item_id).update(
            targeted_count=Delivery.objects.filter(item_id=delivery.item_id).count()
        )
    return len(made)


# --- The KIM side -----------------------------------------------------------------


def delivery_mark_read(*, actor: User, delivery: Delivery) -> bool:
    """Mark read once; returns whether this call did it."""
    if not can_write_posts(actor, delivery.kim):
        raise PermissionDenied(_("Anda bukan anggota KIM ini."))
    done = Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return bool(done)


def _find_delivery(kim: Kim, item: InfoItem) -> Delivery:
    delivery = Delivery.objects.filter(kim=kim, item=item, item__status=I.PUBLISHED).first()
    if delivery is None:
        raise PermissionDenied(_("KIM ini bukan sasaran informasi ini."))
    return delivery


def republished_body(item: InfoItem, note: str) -> str:
    """The re-published post's text: the KIM's note, the original, its attachments."""
    with translation.override(settings.LANGUAGE_CODE):
        note_label = escape(_("Catatan KIM"))
        attachments_label = escape(_("Lampiran"))
        parts = []
        if note:
            lines = "<br>".join(escape(line) for line in note.strip().splitlines())
            parts.append(f"<blockquote><p><strong>{note_label}:</strong> {lines}</p></blockquote>")
        parts.append(item.body)
        attachments = list(item.attachments.all())
        # Images are shown as images; documents are listed as links.
        for a in attachments:
            if a.kind == Attachment.Kind.IMAGE:
                parts.append(
                    f'<figure><img src="{escape(a.file.url)}" alt="{escape(item.title)}"></figure>'
                )
        documents = [a for a in attachments if a.kind != Attachment.Kind.IMAGE]
        if documents:
            links = "".join(
                f'<li><a href="{escape(a.file.url)}">{escape(a.name)}</a></li>' for a in documents
            )
            parts.append(f"<p><strong>{attachments_label}:</strong></p><ul>{links}</ul>")
    return sanitize_html("".join(parts))


def delivery_republish(*, actor: User, kim: Kim, item: InfoItem, note: str = "") -> Post:
    """Re-publish an item on the KIM's site with one tap (idempotent: a second tap
    updates the note of the same post). Members whose posts need approval submit it."""
    delivery = _find_delivery(kim, item)
    if not can_write_posts(actor, kim):
        raise PermissionDenied(_("Anda bukan anggota KIM ini."))
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("Catatan setempat paling panjang 2.000 karakter.")})
    with transaction.atomic():
        # of=("self",): PostgreSQL cannot lock the nullable side of the post join.
        locked = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("post")
            .get(pk=delivery.pk)
        )
        if locked.post is not None:
            locked.post.kim = kim
            if not can_edit_post(actor, locked.post):
                raise PermissionDenied(
                    _("Hanya ketua atau sekretaris yang dapat mengubah terbitan ulang ini.")
                )
            locked.local_note = note
            locked.save(update_fields=["local_note"])
            _sync_post(locked.post, item, note, actor=actor)
            transaction.on_commit(content_changed)
            return locked.post
        post = post_create(
            actor=actor,
            kim=kim,
            data={
                "title": item.title,
                "summary": item.summary,
                "body": republished_body(item, note),
            },
            source_url=item.get_absolute_url(),
            source_name=item.publisher_name[:200],
        )
        post.kim = kim
        action = "publish" if can_publish_post(actor, post) else "submit"
        post = post_transition(actor=actor, post=post, action=action)
        now = timezone.now()
        locked.post = post
        locked.local_note = note
        locked.republished_at = now
        locked.read_at = locked.read_at or now
        locked.save(update_fields=["post", "local_note", "republished_at", "read_at"])
        audit_record(
            actor=actor,
            action=AuditAction.INFO_REPUBLISH,
            target=locked,
            after={"post": post.pk, "status": post.status, "note": note},
        )
    return post


def _sync_post(post: Post, item: InfoItem, note: str, *, actor: User | None) -> bool:
    """Bring a re-published post in line with the item; returns whether it changed."""
    return post_sync_from_source(
        actor=actor,
        post=post,
        data={
            "title": item.title,
            "summary": item.summary,
            "body": republished_body(item, note),
            "source_url": item.get_absolute_url(),
            "source_name": item.publisher_name[:200],
        },
        note=item.correction_note,
    )


def item_sync_republished(item_id: int) -> int:
    """After a correction: update every re-published copy and tell those KIMs once per
    correction. Returns the number of posts changed."""
    item = InfoItem.objects.filter(pk=item_id).select_related("office", "area").first()
    if item is None or item.status != I.PUBLISHED:
        return 0
    changed = 0
    deliveries = Delivery.objects.filter(item=item, post__isnull=False).select_related("post")
    for delivery in deliveries.iterator(chunk_size=500):
        with transaction.atomic():
            post = delivery.post  # never None: the query asks for a post
            if post is not None and _sync_post(post, item, delivery.local_note, actor=None):
                changed += 1
    if item.corrected_at is not None:
        _notify_republishers(
            item,
            kind="info.corrected",
            key=f"info.corrected:{item.pk}:{item.corrected_at.isoformat()}",
            params={"item": item.title, "note": item.correction_note},
        )
    if changed:
        content_changed()
    return changed


def kim_contacts(kim_ids: Iterable[int]) -> QuerySet[User]:
    """The pengurus (ketua, sekretaris, bendahara) of the KIMs: who hears about an item."""
    members = KimMembership.objects.filter(
        kim_id__in=list(kim_ids), is_active=True, position__in=list(PENGURUS)
    ).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True)


def _notify_republishers(item: InfoItem, *, kind: str, key: str, params: dict) -> int:
    kim_ids = Delivery.objects.filter(item=item, post__isnull=False).values_list(
        "kim_id", flat=True
    )
    return notify(
        recipients=kim_contacts(kim_ids),
        kind=kind,
        key=key,
        params=params,
        url=item.get_absolute_url(),
    )


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def share_link_for(delivery: Delivery, channel: str) -> ShareLink:
    """The KIM's short link for a channel, made on first use."""
    if channel not in ShareLink.Channel.values:
        raise ValidationError(_("Saluran tidak dikenal."))
    link = ShareLink.objects.filter(delivery=delivery, channel=channel).first()
    if link is not None:
        return link
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ShareLink.objects.create(
                    delivery=delivery, channel=channel, code=_new_code()
                )
        except IntegrityError:
            link = ShareLink.objects.filter(delivery=delivery, channel=channel).first()
            if link is not None:  # another request made it first
                return link
    raise RuntimeError("No free short-link code after 5 attempts")


def _require_live(delivery: Delivery) -> None:
    if delivery.item.status != I.PUBLISHED:
        raise PermissionDenied(_("Informasi ini sudah ditarik."))


def delivery_share(*, actor: User, delivery: Delivery, channel: str) -> ShareLink:
    """A KIM member shares the item to a channel: its link, and the KIM counts as sharing."""
    if not can_write_posts(actor, delivery.kim):
        raise PermissionDenied(_("Anda bukan anggota KIM ini."))
    _require_live(delivery)
    link = share_link_for(delivery, channel)
    now = timezone.now()
    with transaction.atomic():
        first = Delivery.objects.filter(pk=delivery.pk, shared_at__isnull=True).update(
            shared_at=now, read_at=delivery.read_at or now
        )
        if first:
            audit_record(
                actor=actor,
                action=AuditAction.INFO_SHARE,
                target=delivery,
                after={"channel": channel},
            )
    return link


def feedback_send(*, actor: User, delivery: Delivery, body: str) -> Feedback:
    if not can_write_posts(actor, delivery.kim):
        raise PermissionDenied(_("Anda bukan anggota KIM ini."))
    _require_live(delivery)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Tuliskan tanggapan atau pertanyaan Anda.")})
    if len(body) > 2000:
        raise ValidationError({"body": _("Paling panjang 2.000 karakter.")})
    item = delivery.item
    with transaction.atomic():
        feedback = Feedback.objects.create(delivery=delivery, author=actor, body=body)
        audit_record(
            actor=actor, action=AuditAction.INFO_FEEDBACK, target=feedback, after={"body": body}
        )
        notify(
            recipients=_item_staff(item),
            kind="info.feedback",
            key=f"info.feedback:{feedback.pk}",
            params={"item": item.title, "kim": delivery.kim.name},
            url=reverse("dissemination:manage_reach", kwargs={"pk": item.pk}) + "#tanggapan",
        )
    return feedback


def _item_staff(item: InfoItem) -> list[User]:
    """Who answers feedback: the author, and the officers of the publishing office."""
    staff = {item.author_id}
    if item.office_id:
        staff |= set(
            Membership.objects.filter(office_id=item.office_id, role=Role.OPD_OFFICER).values_list(
                "user_id", flat=True
            )
        )
    return list(User.objects.filter(pk__in=staff, is_active=True))


def feedback_answer(*, actor: User, feedback: Feedback, answer: str) -> Feedback:
    item = feedback.delivery.item
    _require_manage(actor, item)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Tuliskan jawaban.")})
    if len(answer) > 2000:
        raise ValidationError({"answer": _("Paling panjang 2.000 karakter.")})
    answered_at = timezone.now()
    with transaction.atomic():
        feedback, _changed = audited_update(
            actor=actor,
            instance=feedback,
            data={"answer": answer, "answered_by": actor, "answered_at": answered_at},
            action=AuditAction.INFO_FEEDBACK_ANSWER,
        )
        kim = feedback.delivery.kim
        notify(
            recipients=[feedback.author],
            kind="info.answer",
            key=f"info.answer:{feedback.pk}:{answered_at.isoformat()}",
            params={"item": item.title},
            url=reverse("dissemination:inbox_item", kwargs={"kim": kim.slug, "pk": item.pk})
            + "#tanggapan",
        )
    return feedback


# --- Reminders ----------------------------------------------------------------------


def reminder_days() -> int:
    return settings.INFO_REMINDER_DAYS


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind the KIMs that have not acted (re-published or shared) N days after an item
    was published, once each: a delivery is claimed by setting reminded_at before anyone
    is notified, and the notification key is unique per item and person."""
    now = now or timezone.now()
    due = Delivery.objects.filter(
        item__status=I.PUBLISHED,
        item__published_at__lte=now - datetime.timedelta(days=reminder_days()),
        republished_at__isnull=True,
        shared_at__isnull=True,
        reminded_at__isnull=True,
        kim__is_active=True,
    ).filter(Q(item__valid_until__isnull=True) | Q(item__valid_until__gte=timezone.localdate(now)))
    reminded = 0
    for item_id in due.values_list("item_id", flat=True).distinct():
        item = InfoItem.objects.get(pk=item_id)
        ids = list(due.filter(item_id=item_id).values_list("pk", flat=True)[:5000])
        with transaction.atomic():
            claimed = Delivery.objects.filter(pk__in=ids, reminded_at__isnull=True)
            kim_ids = list(claimed.values_list("kim_id", flat=True))
            count = claimed.update(reminded_at=now)
            if not count:
                continue
            reminded += count
            notify(
                recipients=kim_contacts(kim_ids),
                kind="info.reminder",
                key=f"info.reminder:{item.pk}",
                params={"item": item.title, "days": reminder_days()},
                url=reverse("workspace:home"),
            )
    return reminded


# --- Nudges -------------------------------------------------------------------------

NUDGE_INTERVAL = datetime.timedelta(hours=24)


def nudges_of(item: InfoItem) -> QuerySet[AuditLog]:
    """The nudges sent for an item, newest first (the audit rows are the record)."""
    return audit_for(item).filter(action=AuditAction.INFO_NUDGE).order_by("-created_at", "-id")


def infoitem_nudge(*, actor: User, item: InfoItem) -> int:
    """Remind the pengurus of the KIMs that have not acted on an item (not re-published,
    not shared), at most once per item per NUDGE_INTERVAL; returns how many KIMs.

    The item row is locked while the last nudge is read, so two clicks at once send one."""
    _require_manage(actor, item)
    now = timezone.now()
    with transaction.atomic():
        locked = InfoItem.objects.select_for_update().get(pk=item.pk)
        _require_step(locked, "nudge")
        earlier = nudges_of(locked)
        last = earlier.first()
        if last is not None and last.created_at > now - NUDGE_INTERVAL:
            raise ValidationError(
                _("KIM sudah diingatkan %(when)s. Pengingat berikutnya dapat dikirim besok.")
                % {"when": timezone.localtime(last.created_at).strftime("%d-%m-%Y %H:%M")},
                code="rate_limited",
            )
        kim_ids = list(
            Delivery.objects.filter(
                item=locked,
                republished_at__isnull=True,
                shared_at__isnull=True,
                kim__is_active=True,
            ).values_list("kim_id", flat=True)
        )
        if not kim_ids:
            raise ValidationError(_("Semua KIM sasaran sudah bertindak."))
        sent = notify(
            recipients=kim_contacts(kim_ids),
            kind="info.nudge",
            # One notification per person per nudge (the nth nudge of this item).
            key=f"info.nudge:{locked.pk}:{earlier.count() + 1}",
            params={"item": locked.title},
            url=reverse("workspace:home"),
        )
        audit_record(
            actor=actor,
            action=AuditAction.INFO_NUDGE,
            target=locked,
            after={"kims": len(kim_ids), "recipients": sent},
        )
    return len(kim_ids)
