"""The clocks of a case, as SP4N-LAPOR! counts them.

Dasar hukum (the defaults; each is configurable per kabupaten in its Tenant, the first
two per category too):

- Verification **and** referral to the office within 3 working days of receipt
  (``verify_days``; LAPOR!'s own FAQ, PermenPANRB 62/2018 on SP4N as replaced by
  PermenPANRB 5/2025): one clock from "diterima" until "didisposisikan", so a case
  verified but not referred stays on it.
- The office's first response within 5 working days of the referral (``answer_days``;
  the same sources, Perpres 76/2013 on complaints about public services): marking the
  case in progress, a public answer or finishing it.
- Completion within at most 60 days of the referral (``complete_days``). The rule says
  "paling lama 60 (enam puluh) hari" without "hari kerja", so these are calendar days;
  counting from the referral, the moment the office holds the complete file.

"Tunda" (on hold) stops every clock; resuming moves each running deadline by the time it
was paused, in its own unit (working days for the first two, calendar days for the last).

Working days come from core.workdays (weekends, national holidays, cuti bersama and the
kabupaten's own holidays).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from jembatan.aspirations.models import ANSWER_STAGE, VERIFY_STAGE, Aspiration
from jembatan.core.workdays import add_working_days, local_date, working_days_between
from jembatan.tenants.resolve import tenant_for_region

# The rule's values, used when a kabupaten has no tenant row (tests, old installs).
VERIFY_DAYS = 3
RESPONSE_DAYS = 5
COMPLETE_DAYS = 60

CLOCK_LABELS: dict[str, Any] = {
    "verify": _("Verifikasi dan penerusan ke instansi"),
    "response": _("Respons pertama instansi"),
    "complete": _("Penyelesaian"),
}


@dataclass(frozen=True)
class Clock:
    name: str  # verify, response, complete
    due: datetime.date

    @property
    def label(self) -> str:
        return str(CLOCK_LABELS[self.name])


def complete_days(kabupaten_code: str) -> int:
    tenant = tenant_for_region(kabupaten_code)
    return tenant.complete_days if tenant is not None else COMPLETE_DAYS


def response_due(start: datetime.datetime, *, days: int, kabupaten_code: str) -> datetime.date:
    """The first response's deadline: ``days`` working days after ``start``."""
    return add_working_days(start, days, kabupaten_code=kabupaten_code)


def completion_due(start: datetime.datetime, *, kabupaten_code: str) -> datetime.date:
    """The completion deadline: the tenant's calendar days after ``start``'s local date."""
    return local_date(start, kabupaten_code) + datetime.timedelta(
        days=complete_days(kabupaten_code)
    )


def running_clocks(case: Aspiration) -> list[Clock]:
    """The clocks running on the case now, earliest first (none on hold or closed)."""
    clocks: list[Clock] = []
    if case.status in VERIFY_STAGE and case.verify_due:
        clocks.append(Clock("verify", case.verify_due))
    elif case.status in ANSWER_STAGE:
        if case.first_response_at is None and case.answer_due:
            clocks.append(Clock("response", case.answer_due))
        if case.complete_due:
            clocks.append(Clock("complete", case.complete_due))
    return sorted(clocks, key=lambda c: c.due)


def overdue_clocks(case: Aspiration, today: datetime.date) -> list[Clock]:
    return [c for c in running_clocks(case) if c.due < today]


def mark_first_response(case: Aspiration, when: datetime.datetime) -> bool:
    """Record the office's first response on ``case`` (not saved); the answer stage's
    live deadline becomes the completion deadline. False when it was recorded before."""
    if case.first_response_at is not None:
        return False
    case.first_response_at = when
    if case.complete_due is not None:
        case.answer_due = case.complete_due
    return True


def completion_limit(start: datetime.datetime, *, kabupaten_code: str) -> datetime.date:
    """The latest completion date the rule allows ("paling lama 60 hari" since the
    referral): an office's extension may not pass it. A kabupaten promising less than
    the rule (complete_days below 60) leaves its offices room up to the rule's 60."""
    days = max(complete_days(kabupaten_code), COMPLETE_DAYS)
    return local_date(start, kabupaten_code) + datetime.timedelta(days=days)


def start_answer_clocks(case: Aspiration, when: datetime.datetime, *, response_days: int) -> None:
    """Referral (or a citizen's dispute): the first response and completion clocks
    start again from ``when`` (not saved)."""
    case.first_response_at = None
    case.answer_due = response_due(when, days=response_days, kabupaten_code=case.kabupaten_id)
    case.response_due = case.answer_due
    case.complete_due = completion_due(when, kabupaten_code=case.kabupaten_id)
    case.complete_limit = completion_limit(when, kabupaten_code=case.kabupaten_id)


def resume_shift(case: Aspiration, now: datetime.datetime) -> dict[str, int]:
    """Move the deadlines of a case leaving "tunda" by the time it was on hold (not
    saved): working-day deadlines by the working days paused, the calendar one by the
    calendar days. Returns the shift, for the audit row."""
    code = case.kabupaten_id
    held = case.held_at or now
    # Working days from the day it was put on hold up to the day before it resumed: a
    # case held on Monday and resumed on Wednesday lost Monday and Tuesday.
    held_day = local_date(held, code)
    resumed_day = local_date(now, code)
    paused_work = working_days_between(
        held_day - datetime.timedelta(days=1),
        resumed_day - datetime.timedelta(days=1),
        kabupaten_code=code,
    )
    paused_days = max((resumed_day - held_day).days, 0)

    def shift_work(due: datetime.date | None) -> datetime.date | None:
        if due is None or paused_work == 0:
            return due
        return add_working_days(due, paused_work, kabupaten_code=code)

    case.verify_due = shift_work(case.verify_due)
    if case.complete_due is not None:
        case.complete_due = case.complete_due + datetime.timedelta(days=paused_days)
    if case.complete_limit is not None:
        case.complete_limit = case.complete_limit + datetime.timedelta(days=paused_days)
    if case.first_response_at is None:
        case.response_due = shift_work(case.response_due)
    if case.first_response_at is None:
        case.answer_due = shift_work(case.answer_due)
    else:
        case.answer_due = case.complete_due
    return {"working_days": paused_work, "days": paused_days}
