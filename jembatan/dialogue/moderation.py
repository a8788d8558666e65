"""Moderation shared by comments and replies: filters, blocks, reports, hide and restore.

A text that matches the kabupaten's word filter is held (not shown) until a moderator
decides; a text reported by AUTO_HIDE_REPORTS different people is held too. Every
moderator action writes an audit row in the same transaction.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import audit_record, snapshot
from jembatan.accounts.models import Membership, Role, User
from jembatan.accounts.notifications import notify
from jembatan.dialogue.access import can_moderate
from jembatan.dialogue.models import Block, Comment, Reply, Report, Visibility, WordFilter
from jembatan.dialogue.otp import Participant

AUTO_HIDE_REPORTS = 3
Contribution = Comment | Reply

# Moderation transitions: which visibility an action may start from, and where it goes.
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "hide": ({Visibility.PUBLISHED, Visibility.HELD}, Visibility.HIDDEN),
    "restore": ({Visibility.HELD, Visibility.HIDDEN}, Visibility.PUBLISHED),
    # Reported but fine: it stays up and leaves the queue (the reports stay on record).
    "keep": ({Visibility.PUBLISHED}, Visibility.PUBLISHED),
}
ACTION_LABELS = {
    "hide": gettext_lazy("Sembunyikan"),
    "restore": gettext_lazy("Terbitkan lagi"),
    "keep": gettext_lazy("Biarkan tampil"),
}


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def filtered_word(kabupaten_code: str, text: str) -> str | None:
    """The first filtered word or phrase the text contains (whole words), or None."""
    words = WordFilter.objects.filter(kabupaten_id=kabupaten_code).values_list("word", flat=True)
    padded = f" {_normal(text)} "
    for word in words:
        if f" {_normal(word)} " in padded:
            return word
    return None


def is_blocked(kabupaten_code: str, participant: Participant) -> bool:
    blocks = Block.objects.filter(kabupaten_id=kabupaten_code)
    if participant.user_id is not None:
        return blocks.filter(user_id=participant.user_id).exists()
    return blocks.filter(contact_hash=participant.contact_hash).exists()


def require_not_blocked(kabupaten_code: str, participant: Participant) -> None:
    if is_blocked(kabupaten_code, participant):
        raise ValidationError(
            _("Anda diblokir dari forum dialog kabupaten ini dan tidak dapat mengirim tulisan.")
        )


def _moderators(kabupaten_code: str) -> list[User]:
    ids = Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id=kabupaten_code).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def tell_moderators(item: Contribution) -> None:
    """Staff of the kabupaten learn that a text waits in the queue (once per text)."""
    from django.urls import reverse

    kind = "comment" if isinstance(item, Comment) else "reply"
    transaction.on_commit(
        lambda: notify(
            recipients=_moderators(item.kabupaten_id),
            kind="dialogue.held",
            key=f"dialogue.held.{kind}.{item.pk}",
            params={"where": item.where},
            url=reverse("dialogue:moderation") + f"?kabupaten={item.kabupaten_id}",
        )
    )


# --- Reports -------------------------------------------------------------------------------


def contribution_report(*, item: Contribution, reporter_key: str, reason: str) -> bool:
    """Flag a text; returns False when this person had reported it already."""
    if reason not in Report.Reason.values:
        raise ValidationError(_("Pilih alasan laporan."))
    model = type(item)
    target: dict[str, Contribution] = (
        {"comment": item} if isinstance(item, Comment) else {"reply": item}
    )
    try:
        with transaction.atomic():
            Report.objects.create(
                kabupaten_id=item.kabupaten_id, reason=reason, reporter_key=reporter_key, **target
            )
            model.objects.filter(pk=item.pk).update(report_count=F("report_count") + 1)
            locked = model.objects.select_for_update().get(pk=item.pk)
            if (
                locked.report_count >= AUTO_HIDE_REPORTS
                and locked.visibility == Visibility.PUBLISHED
            ):
                locked.visibility = Visibility.HELD
                locked.held_reason = _("Dilaporkan %(n)s orang") % {"n": locked.report_count}
                locked.save(update_fields=["visibility", "held_reason"])
                audit_record(
                    actor=None,
                    action="dialogue.auto_hold",
                    target=locked,
                    before={"visibility": Visibility.PUBLISHED},
                    after=snapshot(locked, ["visibility", "report_count"]),
                )
                tell_moderators(locked)
    except IntegrityError:
        return False
    return True


# --- Moderator actions ---------------------------------------------------------------------


def _require_moderator(actor: User, kabupaten_code: str) -> None:
    if not can_moderate(actor, kabupaten_code):
        raise PermissionDenied(_("Anda tidak berhak memoderasi forum dialog kabupaten ini."))


def contribution_moderate(
    *, actor: User, item: Contribution, action: str, note: str = ""
) -> Contribution:
    _require_moderator(actor, item.kabupaten_id)
    if action not in TRANSITIONS:
        raise ValidationError(_("Tindakan tidak dikenal."))
    allowed_from, target = TRANSITIONS[action]
    model = type(item)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=item.pk)
        if locked.visibility not in allowed_from:
            raise ValidationError(
                _("Tulisan ini sudah berstatus “%(status)s”.")
                % {"status": locked.get_visibility_display()}
            )
        before = snapshot(locked, ["visibility", "held_reason", "report_count"])
        locked.visibility = target
        if action in ("restore", "keep"):
            # Decided: the reports so far no longer ask for a decision.
            locked.held_reason = ""
            locked.report_count = 0
        locked.save(update_fields=["visibility", "held_reason", "report_count"])
        audit_record(
            actor=actor,
            action=f"dialogue.{action}",
            target=locked,
            before=before,
            after=snapshot(locked, ["visibility", "held_reason", "report_count"]),
            note=note[:300],
        )
    return locked


def author_block(*, actor: User, item: Contribution, reason: str) -> Block:
    """Block the text's author (account or verified contact) in its kabupaten, and hide it."""
    _require_moderator(actor, item.kabupaten_id)
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise ValidationError(_("Tuliskan alasan pemblokiran."))
    identity = (
        {"user_id": item.author_id, "contact_hash": ""}
        if item.author_id
        else {"user": None, "contact_hash": item.contact_hash}
    )
    if not item.author_id and not item.contact_hash:
        raise ValidationError(_("Penulis tulisan ini tidak dapat diblokir."))
    lookup = {k: v for k, v in identity.items() if k in ("user_id", "contact_hash") and v}
    with transaction.atomic():
        block = Block.objects.filter(kabupaten_id=item.kabupaten_id, **lookup).first()
        if block is not None:
            raise ValidationError(_("Penulis ini sudah diblokir."))
        block = Block.objects.create(
            kabupaten_id=item.kabupaten_id,
            label=item.author_name,
            reason=reason,
            created_by=actor,
            **identity,
        )
        audit_record(
            actor=actor,
            action="dialogue.block",
            target=block,
            after=snapshot(block, ["kabupaten", "user", "label", "reason"]),
        )
        if item.visibility != Visibility.HIDDEN:
            contribution_moderate(actor=actor, item=item, action="hide", note=reason)
    return block


def block_lift(*, actor: User, block: Block) -> None:
    _require_moderator(actor, block.kabupaten_id)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="dialogue.unblock",
            target=block,
            before=snapshot(block, ["kabupaten", "user", "label", "reason"]),
        )
        block.delete()


def word_add(*, actor: User, kabupaten_code: str, word: str) -> WordFilter:
    _require_moderator(actor, kabupaten_code)
    word = " ".join((word or "").lower().split())[:80]
    if len(word) < 2:
        raise ValidationError({"word": _("Paling sedikit 2 huruf.")})
    with transaction.atomic():
        if WordFilter.objects.filter(kabupaten_id=kabupaten_code, word=word).exists():
            raise ValidationError({"word": _("Kata ini sudah ada di daftar.")})
        row = WordFilter.objects.create(kabupaten_id=kabupaten_code, word=word)
        audit_record(actor=actor, action="dialogue.word_add", target=row, after={"word": word})
    return row


def word_remove(*, actor: User, row: WordFilter) -> None:
    _require_moderator(actor, row.kabupaten_id)
    with transaction.atomic():
        audit_record(
            actor=actor, action="dialogue.word_remove", target=row, before={"word": row.word}
        )
        row.delete()
