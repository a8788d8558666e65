"""Who moderates the dialogue, and what only the dialogue has: reports with reasons, blocks.

The states, decisions, threshold and word matching are core.moderation's (the same as the
site comments'); the kabupaten's Diskominfo decides, and edits the word list
(``WordFilter``), which every moderated text of the kabupaten is screened against. Every
moderator action writes an audit row in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jembatan.accounts.audit import audit_record, snapshot
from jembatan.accounts.models import Membership, Role, User
from jembatan.accounts.notifications import notify
from jembatan.core import moderation
from jembatan.dialogue.access import can_moderate
from jembatan.dialogue.audit_actions import AuditAction
from jembatan.dialogue.models import Block, Comment, Reply, Report, Visibility, WordFilter
from jembatan.dialogue.otp import Participant

AUTO_HIDE_REPORTS = moderation.REPORTS_TO_HOLD
Contribution = Comment | Reply


def kabupaten_words(kabupaten_code: str) -> list[str]:
    """The kabupaten's filtered words (registered with core.moderation in apps.py)."""
    return list(
        WordFilter.objects.filter(kabupaten_id=kabupaten_code).values_list("word", flat=True)
    )


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
    target: dict[str, Contribution] = (
        {"comment": item} if isinstance(item, Comment) else {"reply": item}
    )
    try:
        with transaction.atomic():
            Report.objects.create(
                kabupaten_id=item.kabupaten_id, reason=reason, reporter_key=reporter_key, **target
            )
            held = moderation.count_report(type(item), item.pk)
            if held is not None:
                audit_record(
                    actor=None,
                    action=AuditAction.AUTO_HOLD,
                    target=held,
                    before={"visibility": Visibility.PUBLISHED},
                    after=snapshot(held, ["visibility", "report_count"]),
                )
                tell_moderators(held)
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
    with transaction.atomic():
        locked, before, after = moderation.decide(type(item), item.pk, action)
        audit_record(
            actor=actor,
            action=AuditAction(f"dialogue.{action}"),
            target=locked,
            before=before,
            after=after,
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
            action=AuditAction.BLOCK,
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
            action=AuditAction.UNBLOCK,
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
        audit_record(actor=actor, action=AuditAction.WORD_ADD, target=row, after={"word": word})
    return row


def word_remove(*, actor: User, row: WordFilter) -> None:
    _require_moderator(actor, row.kabupaten_id)
    with transaction.atomic():
        audit_record(
            actor=actor, action=AuditAction.WORD_REMOVE, target=row, before={"word": row.word}
        )
        row.delete()
