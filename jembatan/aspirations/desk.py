"""The staff desk's own steps beside the workflow: an officer takes a case, an office
asks for more time. Both are refused on a page older than the case, as workflow steps
are (services.case_version)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from jembatan.accounts.audit import audit_record, snapshot
from jembatan.accounts.models import User
from jembatan.accounts.notifications import notify
from jembatan.aspirations.models import Aspiration, CaseEvent
from jembatan.aspirations.models import Status as S
from jembatan.aspirations.services import (
    _check_version,
    _handler,
    _office_side,
    _tell_citizen,
    _verifier,
    case_url,
    case_version,
    display_code,
)

# An office may push its deadline this far at most: a longer job is a new promise,
# for Diskominfo to make.
MAX_EXTENSION_DAYS = 60


def may_take(user: User, case: Aspiration) -> bool:
    return (
        case.status not in (S.DONE, S.CLOSED)
        and case.assignee_id != user.pk
        and (_handler(user, case) or _verifier(user, case))
    )


def aspiration_take(*, actor: User, case: Aspiration, version: str | None = None) -> Aspiration:
    """An officer takes the case ("Ditangani oleh …"); taking over from a colleague
    tells the colleague."""
    with transaction.atomic():
        locked = Aspiration.objects.select_for_update().get(pk=case.pk)
        if not (_handler(actor, locked) or _verifier(actor, locked)):
            raise PermissionDenied(_("Anda tidak berhak menangani aspirasi ini."))
        _check_version(locked, version)
        if locked.status in (S.DONE, S.CLOSED):
            raise ValidationError(_("Aspirasi ini sudah selesai atau ditutup."))
        if locked.assignee_id == actor.pk:
            return locked
        previous = locked.assignee
        before = snapshot(locked, ["assignee"])
        locked.assignee = actor
        locked.save(update_fields=["assignee", "updated_at"])
        audit_record(
            actor=actor,
            action="aspiration.take",
            target=locked,
            before=before,
            after=snapshot(locked, ["assignee"]),
        )
        if previous is not None:
            notify(
                recipients=[previous],
                kind="aspiration.taken_over",
                key=f"aspiration.taken_over:{locked.pk}:{previous.pk}:{case_version(locked)}",
                params={"code": display_code(locked.code), "name": str(actor)},
                url=case_url(locked),
            )
    return locked


def may_extend(user: User, case: Aspiration) -> bool:
    return case.status in (S.DISPOSED, S.IN_PROGRESS) and _office_side(user, case)


def aspiration_extend(
    *,
    actor: User,
    case: Aspiration,
    new_due: datetime.date | None,
    reason: str,
    version: str | None = None,
) -> Aspiration:
    """The office asks for more time: the answer deadline moves to ``new_due`` and the
    citizen is told why (a public step of the timeline, mailed like the others)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Aspiration.objects.select_for_update().get(pk=case.pk)
        if not _office_side(actor, locked):
            raise PermissionDenied(_("Anda tidak berhak melakukan tindakan ini."))
        _check_version(locked, version)
        if locked.status not in (S.DISPOSED, S.IN_PROGRESS):
            raise ValidationError(
                _("Hanya aspirasi yang sedang ditindaklanjuti yang dapat diperpanjang.")
            )
        today = timezone.localdate()
        errors = {}
        if new_due is None or new_due <= max(today, locked.answer_due or today):
            errors["new_due"] = _("Pilih tanggal sesudah batas waktu sekarang.")
        elif new_due > today + datetime.timedelta(days=MAX_EXTENSION_DAYS):
            errors["new_due"] = _("Paling lama %(days)s hari dari hari ini.") % {
                "days": MAX_EXTENSION_DAYS
            }
        if len(reason) < 5:
            errors["reason"] = _("Tuliskan alasannya untuk warga.")
        elif len(reason) > 2000:
            errors["reason"] = _("Paling panjang 2.000 huruf.")
        if errors:
            raise ValidationError(errors)
        before = snapshot(locked, ["answer_due"])
        locked.answer_due = new_due
        locked.save(update_fields=["answer_due", "updated_at"])
        event = CaseEvent.objects.create(
            aspiration=locked,
            kind=CaseEvent.Kind.ANSWER,
            body=_("Batas waktu jawaban diperpanjang sampai %(date)s. Alasannya: %(reason)s")
            % {"date": formats.date_format(new_due, "j F Y"), "reason": reason},
            is_public=True,
            actor=actor,
            office=locked.office,
        )
        _tell_citizen(locked, event)
        audit_record(
            actor=actor,
            action="aspiration.extend",
            target=locked,
            before=before,
            after=snapshot(locked, ["answer_due"]),
            note=reason,
        )
    return locked
