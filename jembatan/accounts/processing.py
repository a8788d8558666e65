"""The record of processing of a citizen's personal data (UU 27/2022 Pasal 31): who read
it (``AccessRecord``, one row per reader, object and day) and who changed it (the audit
rows), shown to the data subject on their private page; and the erasure of the personal
text inside those audit rows (the audit keeps the fact, not the content).

Who is named by role and office ("Petugas OPD · Dinas PUPR"), not by the person's name:
the subject's right is to know which part of the government handled their data and when;
the officer's own name is personal data of the officer, and stays in the audit log that
the data protection officer and the lembaga may read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from jembatan.accounts.audit import _tenant_id, audit_for
from jembatan.accounts.models import AccessRecord, AuditLog, Membership, Role, User
from jembatan.core.personal_data import ERASED, scrub_text
from jembatan.tenants.models import Tenant


def access_record(*, actor: User, target: models.Model, tenant: Tenant | None = None) -> None:
    """Record that ``actor`` read ``target`` today (at most one row a day: a conflict with
    today's row is ignored, in one query)."""
    if actor is None or not actor.is_authenticated:
        return
    AccessRecord.objects.bulk_create(
        [
            AccessRecord(
                actor=actor,
                target_type=ContentType.objects.get_for_model(target),
                target_id=str(target.pk),
                day=timezone.localdate(),
                tenant_id=_tenant_id(tenant, target),
            )
        ],
        ignore_conflicts=True,
    )


def access_for(target: models.Model) -> models.QuerySet[AccessRecord]:
    return AccessRecord.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    )


def _scrub_json(value: Any, values: list[str]) -> Any:
    if isinstance(value, str):
        return scrub_text(value, values)
    if isinstance(value, list):
        return [_scrub_json(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, values) for k, v in value.items()}
    return value


def audit_scrub(
    *, target: models.Model, values: Iterable[str], whole_note: Iterable[str] = ()
) -> int:
    """Remove personal text from the audit rows of ``target``: the note of an action in
    ``whole_note`` (the citizen's own text) becomes the marker; elsewhere each of
    ``values`` (a name, a number) is replaced wherever it appears (note, before, after,
    the object's name). Action, time and actor stay. Returns the rows changed."""
    values = [v for v in values if v]
    whole = set(whole_note)
    changed = 0
    for row in audit_for(target).only("id", "action", "note", "before", "after", "target_repr"):
        note = ERASED if row.action in whole and row.note else scrub_text(row.note, values)
        before = _scrub_json(row.before, values)
        after = _scrub_json(row.after, values)
        shown = scrub_text(row.target_repr, values)
        if (note, before, after, shown) != (row.note, row.before, row.after, row.target_repr):
            AuditLog.objects.filter(pk=row.pk).update(
                note=note, before=before, after=after, target_repr=shown
            )
            changed += 1
    return changed


@dataclass(frozen=True)
class Entry:
    when: datetime.datetime
    what: str
    who: str
    viewed: bool


def role_labels(user_ids: Iterable[int], kabupaten_code: str) -> dict[int, str]:
    """Each user's government roles in the kabupaten, in words ("Petugas OPD · Dinas
    PUPR"); a user without one is not named."""
    labels: dict[int, list[str]] = {}
    rows = Membership.objects.filter(user_id__in=set(user_ids)).select_related("office", "region")
    for row in rows:
        if row.role == Role.OPERATOR:
            text = str(Role(row.role).label)
        elif row.role == Role.OPD_OFFICER and row.office is not None:
            if row.office.kabupaten_id != kabupaten_code:
                continue
            text = f"{Role(row.role).label} · {row.office.name}"
        elif row.role == Role.CAMAT and row.region is not None:
            if not row.region.code.startswith(f"{kabupaten_code}."):
                continue
            text = f"{Role(row.role).label} · {row.region.name}"
        else:
            if row.region_id != kabupaten_code:
                continue
            text = str(Role(row.role).label)
        labels.setdefault(row.user_id, []).append(text)
    return {user: ", ".join(sorted(set(texts))) for user, texts in labels.items()}


def processing_record(
    target: models.Model,
    *,
    kabupaten_code: str,
    subject_actions: Iterable[str] = (),
    subject_user_ids: Iterable[int] = (),
    limit: int = 200,
) -> list[Entry]:
    """Who read or changed ``target``, newest first: its audit rows and access records.
    ``subject_actions``: actions the data subject takes without an account (their
    follow-up, their correction), shown as "Anda"; ``subject_user_ids``: accounts that
    act for the subject (the KIM member who recorded the case)."""
    audits = list(audit_for(target).order_by("-created_at", "-id")[:limit])
    reads = list(access_for(target).order_by("-day", "-id")[:limit])
    actors = {a.actor_id for a in audits if a.actor_id} | {r.actor_id for r in reads if r.actor_id}
    labels = role_labels(actors, kabupaten_code)
    mine = set(subject_actions)
    helpers = set(subject_user_ids)

    def who(actor_id: int | None, action: str = "") -> str:
        if actor_id is None:
            return _("Anda") if action in mine else _("Sistem (otomatis)")
        if actor_id in helpers:
            return _("Yang mencatat untuk Anda")
        return labels.get(actor_id) or _("Pengguna lain")

    entries = [
        Entry(a.created_at, str(a.action_label), who(a.actor_id, a.action), False) for a in audits
    ]
    entries += [
        Entry(r.created_at, _("Data dilihat petugas"), who(r.actor_id), True) for r in reads
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
