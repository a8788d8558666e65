"""The staff desk's own steps beside the workflow: an officer takes a case, an office
asks for more time, Diskominfo names a case's officer, and one action on many cases from
the list (each case through its own service). All are refused on a page older than the
case, as workflow steps are (services.case_version)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import audited_update
from jembatan.accounts.models import Office, User
from jembatan.accounts.notifications import notification_batch, notify
from jembatan.aspirations.access import handles
from jembatan.aspirations.audit_actions import AuditAction
from jembatan.aspirations.deadlines import COMPLETE_DAYS, complete_days
from jembatan.aspirations.merge import aspiration_merge
from jembatan.aspirations.models import Aspiration, CaseEvent
from jembatan.aspirations.services import (
    CASE_STEPS,
    _check_version,
    _handler,
    _office_side,
    _staff,
    _tell_citizen,
    _verifier,
    aspiration_transition,
    case_url,
    case_version,
    display_code,
)
from jembatan.core.workdays import is_working_day, local_date


def _set_assignee(*, actor: User, case: Aspiration, assignee: User, action: str) -> None:
    """Name the case's officer on the locked row, with its audit row (take and assign)."""
    audited_update(actor=actor, instance=case, data={"assignee": assignee}, action=action)


def may_take(user: User, case: Aspiration) -> bool:
    return (
        CASE_STEPS["take"].starts_from(case.status)
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
        if not CASE_STEPS["take"].starts_from(locked.status):
            raise ValidationError(_("Aspirasi ini sudah selesai atau ditutup."))
        if locked.assignee_id == actor.pk:
            return locked
        previous = locked.assignee
        _set_assignee(actor=actor, case=locked, assignee=actor, action=AuditAction.TAKE)
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
    return CASE_STEPS["extend"].starts_from(case.status) and _office_side(user, case)


def aspiration_extend(
    *,
    actor: User,
    case: Aspiration,
    new_due: datetime.date | None,
    reason: str,
    version: str | None = None,
) -> Aspiration:
    """The office asks for more time to complete the case: the completion deadline moves
    to ``new_due``, a working day no later than the rule allows (complete_limit: 60 days
    since the referral). The first response's deadline never moves: it is the rule's 5
    working days. The citizen is told why, as an extension notice (not an answer)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Aspiration.objects.select_for_update().get(pk=case.pk)
        if not _office_side(actor, locked):
            raise PermissionDenied(_("Anda tidak berhak melakukan tindakan ini."))
        _check_version(locked, version)
        if not CASE_STEPS["extend"].starts_from(locked.status):
            raise ValidationError(
                _("Hanya aspirasi yang sedang ditindaklanjuti yang dapat diperpanjang.")
            )
        today = local_date(None, locked.kabupaten_id)
        current = locked.complete_due or today
        limit = locked.complete_limit
        errors = {}
        if new_due is None or new_due <= max(today, current):
            errors["new_due"] = _(
                "Pilih tanggal sesudah batas penyelesaian sekarang (%(date)s)."
            ) % {"date": formats.date_format(current, "j F Y")}
        elif not is_working_day(new_due, kabupaten_code=locked.kabupaten_id):
            errors["new_due"] = _(
                "%(date)s bukan hari kerja (akhir pekan atau hari libur). Pilih hari kerja."
            ) % {"date": formats.date_format(new_due, "l, j F Y")}
        elif limit is not None and new_due > limit:
            errors["new_due"] = _(
                "Paling lambat %(date)s: aturan memberi paling lama %(days)s hari sejak "
                "diteruskan ke instansi."
            ) % {
                "date": formats.date_format(limit, "j F Y"),
                "days": max(complete_days(locked.kabupaten_id), COMPLETE_DAYS),
            }
        if len(reason) < 5:
            errors["reason"] = _("Tuliskan alasannya untuk warga.")
        elif len(reason) > 2000:
            errors["reason"] = _("Paling panjang 2.000 huruf.")
        if errors:
            raise ValidationError(errors)
        assert new_due is not None  # refused above
        data: dict[str, Any] = {"complete_due": new_due}
        if locked.first_response_at is not None:
            data["answer_due"] = new_due  # past the first response, the live deadline
        audited_update(
            actor=actor,
            instance=locked,
            data=data,
            action=AuditAction.EXTEND,
            note=reason,
        )
        event = CaseEvent.objects.create(
            aspiration=locked,
            kind=CaseEvent.Kind.EXTENSION,
            body=_("Instansi meminta tambahan waktu sampai %(date)s. Alasannya: %(reason)s")
            % {"date": formats.date_format(new_due, "l, j F Y"), "reason": reason},
            is_public=True,
            actor=actor,
            office=locked.office,
        )
        _tell_citizen(locked, event)
    return locked


def may_be_assigned(officer: User, case: Aspiration) -> bool:
    """Who may be named as a case's officer: anyone who could take it themselves."""
    return officer.is_active and (_handler(officer, case) or _verifier(officer, case))


def aspiration_assign(
    *, actor: User, case: Aspiration, officer: User, version: str | None = None
) -> Aspiration:
    """Diskominfo (or an officer of the case's office) names the officer who handles the
    case; the officer is told. The officer must be of the side the case is on: one who
    could take it (an officer of its office, Diskominfo of its kabupaten)."""
    with transaction.atomic():
        locked = Aspiration.objects.select_for_update().get(pk=case.pk)
        if not (_staff(actor, locked) or handles(actor, locked)):
            raise PermissionDenied(_("Anda tidak berhak menugaskan petugas untuk aspirasi ini."))
        _check_version(locked, version)
        if not CASE_STEPS["assign"].starts_from(locked.status):
            raise ValidationError(_("Aspirasi ini sudah selesai atau ditutup."))
        # An office's officer names a colleague of that office; only Diskominfo (or an
        # operator) names someone of another side, Diskominfo included.
        if not may_be_assigned(officer, locked) or (
            not _staff(actor, locked) and not handles(officer, locked)
        ):
            raise ValidationError(
                _("%(name)s tidak dapat menangani aspirasi ini.") % {"name": str(officer)}
            )
        if locked.assignee_id == officer.pk:
            return locked
        _set_assignee(actor=actor, case=locked, assignee=officer, action=AuditAction.ASSIGN)
        if officer.pk != actor.pk:
            notify(
                recipients=[officer],
                kind="aspiration.assigned",
                key=f"aspiration.assigned:{locked.pk}:{officer.pk}:{case_version(locked)}",
                params={"code": display_code(locked.code), "name": str(actor)},
                url=case_url(locked),
            )
    return locked


# --- Bulk actions on the case list ----------------------------------------------------

# name: (label, steps of the workflow in order; "assign" is aspiration_assign)
BULK_ACTIONS: dict[str, tuple[Any, list[str]]] = {
    "verifikasi": (gettext_lazy("Verifikasi"), ["verify"]),
    "verifikasi-disposisi": (
        gettext_lazy("Verifikasi lalu disposisikan ke instansi"),
        ["verify", "dispose"],
    ),
    "disposisi": (gettext_lazy("Disposisikan ke instansi"), ["dispose"]),
    "tutup-spam": (gettext_lazy("Tutup: spam atau tidak pantas"), ["close"]),
    # Closing as a duplicate is a merge (aspirations.merge): the reporter follows the
    # original and is told its code, the citizen's page reads "Digabung dengan …".
    "tutup-duplikat": (gettext_lazy("Tutup: duplikat dari kode asli"), ["merge"]),
    "tugaskan": (gettext_lazy("Tugaskan ke petugas"), ["assign"]),
}
CLOSE_REASONS = {
    "tutup-spam": Aspiration.CloseReason.SPAM,
}
MAX_BULK = 100


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def aspirations_bulk(
    *,
    actor: User,
    cases: list[tuple[Aspiration, str | None]],
    action: str,
    office: Office | None = None,
    officer: User | None = None,
    original: Aspiration | None = None,
) -> BulkResult:
    """One action on many cases, each through the same service as on its own page (one
    audit row per step and case, the citizen and the office told as usual). Each case is
    its own transaction: a case the user may not act on, or one changed since the list
    was loaded (``version``), is skipped with the reason and the others go ahead. Steps
    of one case go together: "verify then refer" never leaves a case half done."""
    if action not in BULK_ACTIONS:
        raise ValidationError(_("Pilih tindakan."))
    steps = BULK_ACTIONS[action][1]
    if "dispose" in steps and office is None:
        raise ValidationError({"instansi": _("Pilih instansi tujuan.")})
    if "assign" in steps and officer is None:
        raise ValidationError({"petugas": _("Pilih petugas.")})
    if "merge" in steps and original is None:
        raise ValidationError({"asli": _("Tulis kode aspirasi asli.")})
    result = BulkResult()
    with notification_batch():
        for case, version in cases[:MAX_BULK]:
            try:
                with transaction.atomic():
                    for number, step in enumerate(steps):
                        # The page's version holds for the first step; the next ones
                        # follow this very change.
                        step_version = version if number == 0 else None
                        if step == "merge":
                            assert original is not None  # refused above
                            case = aspiration_merge(
                                actor=actor, duplicate=case, original=original, version=step_version
                            )
                        elif step == "assign":
                            assert officer is not None  # refused above
                            case = aspiration_assign(
                                actor=actor, case=case, officer=officer, version=step_version
                            )
                        else:
                            case = aspiration_transition(
                                actor=actor,
                                case=case,
                                action=step,
                                office=office,
                                reason=CLOSE_REASONS.get(action, ""),
                                version=step_version,
                            )
            except (ValidationError, PermissionDenied) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                result.skipped.append((case.code, " ".join(messages)))
            else:
                result.done.append(case.code)
    return result
