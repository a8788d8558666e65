"""Duplicates and merging: the same problem reported twice becomes one case.

Staff see, on a case's page, the likely duplicates of it: cases of the same desa and
category, received within ``DUPLICATE_DAYS`` of it, still open, whose text shares enough
words with it (a word overlap that reads the same on SQLite and PostgreSQL), and only the
cases the user may see (``access.get_cases_for_user``, so confidential ones follow its
rules). Merging closes the duplicate as "duplikat" with ``merged_into`` pointing at the
original; the duplicate's reporter is told the original's tracking code and its public
page, and from then on gets the original's public steps too (``services._tell_citizen``
queues ``tasks.tell_follower`` for each of them, which calls ``send_to_follower``).

The original is never a confidential case: its code would then reach another citizen
(and, through a public duplicate's page, anyone), and with it the answers meant for its
own reporter. A confidential duplicate may be merged into a public original: its own
text stays hidden, and its page shows only the original's code.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from jembatan.accounts.audit import audit_record, audited_update
from jembatan.accounts.models import User
from jembatan.aspirations.access import get_cases_for_user, may_see_case
from jembatan.aspirations.audit_actions import AuditAction
from jembatan.aspirations.models import Aspiration, CaseEvent
from jembatan.aspirations.models import Status as S
from jembatan.aspirations.services import (
    _check_version,
    _staff,
    _tell_citizen,
    _verifier,
    case_version,
    display_code,
)
from jembatan.core.gateway import gateway_enabled, send_text
from jembatan.core.links import absolute_url
from jembatan.tenants.current import site_name_for_region

DUPLICATE_DAYS = 60
MAX_CANDIDATES = 5
# Cases of one desa and category looked at for one page (the newest first).
MAX_LOOKED_AT = 50
# Share of distinct words two texts have in common (Jaccard) from which they are shown.
MIN_SIMILARITY = 0.2
WORD = re.compile(r"\w+")
# Words that say nothing about what a case is about.
STOPWORDS = frozenset(
    WORD.findall(
        """yang dan atau dari untuk dengan pada oleh karena agar supaya ini itu sudah belum
        tidak ada akan bisa dapat juga sangat saat sejak sampai kami kita saya mereka kalian
        mohon tolong bapak ibu pak para warga desa dusun lagi masih telah sedang harus hari
        bulan tahun banyak sekali segera"""
    )
)


def words(text: str) -> frozenset[str]:
    return frozenset(
        w for w in WORD.findall((text or "").lower()) if len(w) >= 3 and w not in STOPWORDS
    )


def overlap(first: frozenset[str], second: frozenset[str]) -> float:
    """How alike two texts are (their ``words``): the share of their distinct words they
    have in common."""
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


# --- Who may merge what -----------------------------------------------------------------


def may_close_as_duplicate(user: User, case: Aspiration) -> bool:
    """Who may close this case as a duplicate: Diskominfo (and operators) at any open
    stage. KIM pengurus do not close cases: they flag a likely duplicate (services.
    aspiration_flag) for Diskominfo to confirm."""
    if case.status in (S.DONE, S.CLOSED):
        return False
    if _staff(user, case):
        return True
    return case.status in (S.RECEIVED, S.VERIFIED) and _verifier(user, case)


def merge_problem(duplicate: Aspiration, original: Aspiration) -> str:
    """Why ``duplicate`` cannot be merged into ``original`` (empty when it can)."""
    if duplicate.pk == original.pk:
        return _("Aspirasi tidak dapat digabung dengan dirinya sendiri.")
    if duplicate.kabupaten_id != original.kabupaten_id:
        return _("Aspirasi dari kabupaten lain tidak dapat digabung.")
    if duplicate.status in (S.DONE, S.CLOSED):
        return _("Aspirasi yang sudah selesai atau ditutup tidak dapat digabung ke aspirasi lain.")
    if original.merged_into_id is not None or original.status == S.CLOSED:
        # A merged case is closed; one merged into the duplicate would make a circle.
        return _("Aspirasi tujuan sudah ditutup atau digabung. Pilih aspirasi yang masih berjalan.")
    if original.visibility == Aspiration.Visibility.CONFIDENTIAL:
        return _(
            "Aspirasi rahasia tidak dapat menjadi tujuan penggabungan: pelapor aspirasi lain "
            "akan dapat mengikutinya."
        )
    return ""


def may_merge(user: User, duplicate: Aspiration, original: Aspiration) -> bool:
    """Whether the page offers this merge (the service checks again, on locked rows)."""
    return (
        not merge_problem(duplicate, original)
        and may_close_as_duplicate(user, duplicate)
        and may_see_case(user, original)
    )


# --- Likely duplicates ------------------------------------------------------------------


@dataclass
class Candidate:
    case: Aspiration
    score: float
    version: str
    # The candidate may be merged into the case on the page / the case into the candidate.
    into_this: bool
    into_candidate: bool

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def duplicate_candidates(user: User, case: Aspiration) -> list[Candidate]:
    """The likely duplicates of ``case`` that ``user`` may see, the most alike first."""
    if case.status == S.CLOSED:
        return []
    window = datetime.timedelta(days=DUPLICATE_DAYS)
    rows = (
        get_cases_for_user(user)
        .filter(
            kabupaten_id=case.kabupaten_id,
            region_id=case.region_id,
            category_id=case.category_id,
            created_at__gte=case.created_at - window,
            created_at__lte=case.created_at + window,
        )
        .exclude(pk=case.pk)
        .exclude(status__in=[S.DONE, S.CLOSED])
        .order_by("-created_at", "-id")[:MAX_LOOKED_AT]
    )
    mine = words(case.description)
    scored = []
    for other in rows:
        score = overlap(mine, words(other.description))
        if score >= MIN_SIMILARITY:
            scored.append((score, other))
    scored.sort(key=lambda pair: (-pair[0], pair[1].created_at))
    # Every candidate is of the page's kabupaten: Diskominfo's right is asked once.
    staff = _staff(user, case)

    def closable(other: Aspiration) -> bool:
        if staff:
            return other.status not in (S.DONE, S.CLOSED)
        return may_close_as_duplicate(user, other)

    page_case_closable = closable(case)
    return [
        Candidate(
            case=other,
            score=score,
            version=case_version(other),
            into_this=not merge_problem(other, case) and closable(other),
            into_candidate=page_case_closable and not merge_problem(case, other),
        )
        for score, other in scored[:MAX_CANDIDATES]
    ]


# --- The merge --------------------------------------------------------------------------


def aspiration_merge(
    *,
    actor: User,
    duplicate: Aspiration,
    original: Aspiration,
    version: str | None = None,
) -> Aspiration:
    """Close ``duplicate`` as a duplicate of ``original``; returns the duplicate.

    ``version``: the duplicate's ``case_version`` when the page was loaded (``None`` for
    callers that keep none); a changed duplicate refuses the merge. Both rows are locked
    (in id order, so that two merges never wait on each other); cases merged earlier into
    the duplicate follow the original from now on. The duplicate's reporter is told, by
    the usual mail and SMS of a public step, the original's code and public page."""
    if duplicate.pk == original.pk:
        raise ValidationError(_("Aspirasi tidak dapat digabung dengan dirinya sendiri."))
    with transaction.atomic():
        locked = {
            row.pk: row
            for row in Aspiration.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, original.pk])
            .order_by("pk")
        }
        dup, orig = locked[duplicate.pk], locked[original.pk]
        # A finished duplicate is refused below, with its reason.
        open_dup = dup.status not in (S.DONE, S.CLOSED)
        if (open_dup and not may_close_as_duplicate(actor, dup)) or not may_see_case(actor, orig):
            raise PermissionDenied(_("Anda tidak berhak melakukan tindakan ini."))
        _check_version(dup, version)
        problem = merge_problem(dup, orig)
        if problem:
            raise ValidationError(problem, code="merge")
        from_status = dup.status
        dup, _changed = audited_update(
            actor=actor,
            instance=dup,
            data={
                "status": S.CLOSED,
                "close_reason": Aspiration.CloseReason.DUPLICATE,
                "merged_into": orig,
            },
            action=AuditAction.MERGE,
            note=orig.code,
        )
        params = {"code": display_code(orig.code), "link": public_link(orig)}
        event = CaseEvent.objects.create(
            aspiration=dup,
            kind=CaseEvent.Kind.STATUS,
            from_status=from_status,
            to_status=S.CLOSED,
            body=_(
                "Digabung dengan aspirasi %(code)s, yang membahas hal yang sama. "
                "Perkembangannya dapat diikuti di %(link)s"
            )
            % params,
            actor=actor,
        )
        # For the staff of the original only. A confidential duplicate is not named: the
        # camat reads internal notes, and a code opens the case's public page (Diskominfo
        # finds it in "merged here", which follows the access rules).
        if dup.visibility == Aspiration.Visibility.CONFIDENTIAL:
            note = _(
                "Sebuah aspirasi rahasia digabung ke aspirasi ini; pelapornya kini mengikutinya."
            )
        else:
            note = _(
                "Aspirasi %(code)s digabung ke aspirasi ini; pelapornya kini mengikutinya."
            ) % {"code": display_code(dup.code)}
        CaseEvent.objects.create(
            aspiration=orig,
            kind=CaseEvent.Kind.NOTE,
            body=note,
            is_public=False,
            actor=actor,
        )
        # Whoever followed the duplicate now follows the original (no chains to walk).
        for follower in Aspiration.objects.select_for_update().filter(merged_into=dup):
            audited_update(
                actor=actor,
                instance=follower,
                data={"merged_into": orig},
                action=AuditAction.MERGE,
                note=orig.code,
            )
        _tell_citizen(dup, event)
        audit_record(actor=actor, action=AuditAction.MERGE_INTO, target=orig, note=dup.code)
    return dup


def may_unmerge(user: User, case: Aspiration) -> bool:
    """Diskominfo of the kabupaten (and operators) may undo a merge."""
    return case.merged_into_id is not None and _staff(user, case)


def aspiration_unmerge(
    *, actor: User, duplicate: Aspiration, version: str | None = None
) -> Aspiration:
    """Undo a merge (Diskominfo): the duplicate goes back to the status it had before,
    its reporter is told and no longer follows the other case. Cases that followed the
    duplicate before its merge stay with the case they follow now."""
    with transaction.atomic():
        dup = Aspiration.objects.select_for_update().get(pk=duplicate.pk)
        if not _staff(actor, dup):
            raise PermissionDenied(_("Anda tidak berhak melakukan tindakan ini."))
        _check_version(dup, version)
        if dup.merged_into_id is None:
            raise ValidationError(_("Aspirasi ini tidak sedang digabung."))
        orig = Aspiration.objects.get(pk=dup.merged_into_id)
        merged = dup.events.filter(kind=CaseEvent.Kind.STATUS, to_status=S.CLOSED).last()
        back_to = merged.from_status if merged is not None and merged.from_status else S.RECEIVED
        dup, _changed = audited_update(
            actor=actor,
            instance=dup,
            data={"status": back_to, "close_reason": "", "merged_into": None},
            action=AuditAction.UNMERGE,
            note=orig.code,
        )
        event = CaseEvent.objects.create(
            aspiration=dup,
            kind=CaseEvent.Kind.STATUS,
            from_status=S.CLOSED,
            to_status=back_to,
            body=_(
                "Penggabungan dengan aspirasi %(code)s dibatalkan: aspirasi ini "
                "ditindaklanjuti sendiri lagi."
            )
            % {"code": display_code(orig.code)},
            actor=actor,
            office=dup.office if back_to in (S.DISPOSED, S.IN_PROGRESS) else None,
        )
        CaseEvent.objects.create(
            aspiration=orig,
            kind=CaseEvent.Kind.NOTE,
            body=_("Penggabungan aspirasi %(code)s ke aspirasi ini dibatalkan.")
            % {"code": display_code(dup.code)},
            is_public=False,
            actor=actor,
        )
        _tell_citizen(dup, event)
        audit_record(actor=actor, action=AuditAction.UNMERGE_FROM, target=orig, note=dup.code)
    return dup


def public_link(case: Aspiration) -> str:
    """The public page of a case, in full, for messages (core.links: the request's host,
    or the host of the request that queued the task)."""
    return absolute_url(case.get_absolute_url())


def merged_note(case: Aspiration) -> str:
    """What lists and APIs say of a merged case ("Digabung dengan 7K3M-Q9XD"); empty for
    any other case."""
    return case.citizen_status if case.merged_into_id is not None else ""


# --- The followers ----------------------------------------------------------------------


def _once(key: str):
    """A claim in the shared cache for one message to one follower: a retry after the
    message went out finds it and sends nothing. Given back when sending fails."""
    return cache.add(key, 1, timeout=7 * 24 * 3600)


def send_to_follower(event_id: int, follower_id: int) -> bool:
    """Tell the reporter of a merged duplicate about a public step of the original: the
    step as its public page shows it, and the link to that page (never the original's
    private link, which is its own reporter's)."""
    event = CaseEvent.objects.select_related("aspiration", "office").filter(pk=event_id).first()
    follower = Aspiration.objects.filter(pk=follower_id).first()
    if event is None or follower is None or not event.is_public:
        return False
    original = event.aspiration
    if follower.merged_into_id != original.pk:
        return False
    sent = False
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "code": display_code(follower.code),
            "original": display_code(original.code),
            "step": event.citizen_step if event.to_status else _("jawaban baru"),
            "link": public_link(original),
            "site": site_name_for_region(original.kabupaten_id),
        }
        if follower.reporter_email and _once(f"aspiration-follower:{event_id}:{follower_id}:m"):
            context = params | {"event": event}
            try:
                send_mail(
                    subject=render_to_string("aspirations/email/follower_subject.txt", context)
                    .strip()
                    .replace("\n", " "),
                    message=render_to_string("aspirations/email/follower.txt", context),
                    from_email=None,
                    recipient_list=[follower.reporter_email],
                )
            except Exception:
                cache.delete(f"aspiration-follower:{event_id}:{follower_id}:m")
                raise
            sent = True
        if (
            follower.reporter_phone
            and gateway_enabled(original.kabupaten_id)
            and _once(f"aspiration-follower:{event_id}:{follower_id}:t")
        ):
            try:
                send_text(
                    follower.reporter_phone,
                    _(
                        "Aspirasi %(original)s (gabungan aspirasi Anda %(code)s): %(step)s. "
                        "Lihat %(link)s"
                    )
                    % params,
                    kabupaten_code=original.kabupaten_id,
                )
            except Exception:
                cache.delete(f"aspiration-follower:{event_id}:{follower_id}:t")
                raise
            sent = True
    return sent


def merged_text(case: Aspiration) -> str:
    """The text message telling a duplicate's reporter about the merge: short, with the
    original's code and public page (the event's body says the same at more length)."""
    original = case.merged_into
    assert original is not None  # asked only about a merged case
    return _("Aspirasi %(code)s digabung dengan aspirasi %(original)s. Ikuti di %(link)s") % {
        "code": display_code(case.code),
        "original": display_code(original.code),
        "link": public_link(original),
    }
