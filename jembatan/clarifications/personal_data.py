"""Whoever reported a rumour as a data subject (UU 27/2022), registered with
``core.personal_data``: erasure (at their request or after
``CLARIFICATION_CONTACT_RETENTION_DAYS``), the reports touched in a time window (the
breach runbook) and the privacy notice's texts.

What is personal here, and what erasure does with it:

- the e-mail and phone number, kept only to send the answer: emptied (the tasks empty
  them as soon as the answer went out, and rejection at once; this reaches the rest);
- the screenshot: deleted from storage. It is a picture of the submitter's own screen
  (their chat, their name, their contacts, their profile photo) and a picture cannot be
  scrubbed of them;
- the rumour text and link stay, with the submitter's own e-mail or number removed
  wherever they appear in it (and in the reason for rejection and the audit rows). The
  text is what the citizen saw going round, not something about them: the answer quotes
  it, the duplicate search matches new reports against it, and the kabupaten's record of
  which rumours circulated needs it. Once the contact and the screenshot are gone nothing
  in the report points to who sent it.

The report (its code, status, dates and answer) stays: the tracking page keeps working.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import audited_update
from jembatan.accounts.models import AuditLog, User
from jembatan.accounts.processing import audit_scrub
from jembatan.clarifications.audit_actions import AuditAction
from jembatan.clarifications.models import RumourReport
from jembatan.core.personal_data import ERASED, Kind, Touched, personal_data_registry, scrub_text

KEY = "clarifications.submitter"
CONTACT_FIELDS = ["contact_email", "contact_phone"]
# Texts of a report that may quote the submitter's contact.
TEXT_FIELDS = ["text", "link", "reject_reason"]


def retention_days() -> int:
    return settings.CLARIFICATION_CONTACT_RETENTION_DAYS


def contact_values(report: RumourReport) -> list[str]:
    """The submitter's contact as stored and as people write a number (0812...)."""
    values = [report.contact_email, report.contact_phone]
    if report.contact_phone.startswith("+62"):
        values.append("0" + report.contact_phone[3:])
    return [v for v in values if v]


def _scrub(text: str, values: list[str]) -> str:
    """``scrub_text``, and a number also as people space it ("0813 5555 0101")."""
    text = scrub_text(text, values)
    for value in values:
        digits = value.lstrip("+")
        if digits.isdecimal() and len(digits) >= 8:
            spaced = r"[\s.\-]*".join(re.escape(d) for d in value)
            text = re.sub(spaced, ERASED, text)
    return text


def scrubbed(report: RumourReport, values: list[str]) -> dict[str, str]:
    """The report's texts without ``values`` (only the fields that change)."""
    found = {}
    for name in TEXT_FIELDS:
        text = getattr(report, name)
        clean = _scrub(text, values)
        if clean != text:
            found[name] = clean
    return found


def submitter_erase(*, report: RumourReport, actor: User | None = None, reason: str) -> bool:
    """Erase the submitter's contact and screenshot from ``report`` (and their contact
    wherever a text quotes it); False when nothing was left. The file is deleted from
    storage once the transaction has committed."""
    with transaction.atomic():
        locked = RumourReport.objects.select_for_update().get(pk=report.pk)
        values = contact_values(locked)
        if not values and not locked.screenshot:
            return False
        if locked.screenshot:
            name, storage = locked.screenshot.name, locked.screenshot.storage
            transaction.on_commit(lambda: storage.delete(name))
        data: dict[str, Any] = dict.fromkeys(CONTACT_FIELDS, "") | {"screenshot": ""}
        data |= scrubbed(locked, values)
        # The row says that it happened and when, never what was erased.
        audited_update(
            actor=actor,
            instance=locked,
            data=data,
            action=AuditAction.SUBMITTER_ERASE,
            note=reason,
            omit=list(data),
        )
        audit_scrub(target=locked, values=values)
    return True


def contact_forget(*, report_id: int, field: str) -> None:
    """The answer went out through ``field`` (tasks): that contact served its purpose.
    Emptied, and taken out of the report's texts and audit rows too."""
    with transaction.atomic():
        locked = RumourReport.objects.select_for_update().filter(pk=report_id).first()
        if locked is None or not getattr(locked, field):
            return
        values = [getattr(locked, field)]
        if field == "contact_phone" and values[0].startswith("+62"):
            values.append("0" + values[0][3:])
        RumourReport.objects.filter(pk=report_id).update(**{field: ""}, **scrubbed(locked, values))
        audit_scrub(target=locked, values=values)


def _erase(subject: RumourReport, *, actor: User | None = None, reason: str) -> bool:
    return submitter_erase(report=subject, actor=actor, reason=reason)


def purge_submitters(*, now: datetime.datetime | None = None) -> int:
    """The retention rule: erase the contact and screenshot of every report sent longer
    ago than the retention period, answered or not (an answer never sent, a number the
    gateway could not reach, a screenshot kept after the answer). Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    old = (
        RumourReport.objects.filter(created_at__lt=cutoff)
        .filter(~Q(contact_email="") | ~Q(contact_phone="") | ~Q(screenshot=""))
        .order_by("id")
    )
    cleared = 0
    for report in old.iterator(chunk_size=500):
        cleared += personal_data_registry.erase(KEY, report, reason="retention")
    return cleared


def touched(since: datetime.datetime, until: datetime.datetime) -> list[Touched]:
    kind = ContentType.objects.get_for_model(RumourReport)
    audited = AuditLog.objects.filter(
        target_type=kind, created_at__gte=since, created_at__lt=until
    ).values_list("target_id", flat=True)
    changed = RumourReport.objects.filter(
        Q(pk__in=[int(i) for i in audited if i.isdecimal()])
        | Q(created_at__gte=since, created_at__lt=until)
        | Q(mailed_at__gte=since, mailed_at__lt=until)
        | Q(texted_at__gte=since, texted_at__lt=until)
    )
    found = []
    for report in changed.order_by("created_at", "id").iterator(chunk_size=500):
        contact = {"email": report.contact_email, "telepon": report.contact_phone}
        contact = {k: v for k, v in contact.items() if v}
        found.append(
            Touched(
                kind=KEY,
                reference=report.code,
                channels=tuple(contact),
                contact=contact,
                erased=not contact and not report.screenshot,
            )
        )
    return found


personal_data_registry.register(
    Kind(
        key=KEY,
        order=30,
        title=gettext_lazy("Pelapor isu (klarifikasi hoaks)"),
        collected=gettext_lazy(
            "Isi isu yang Anda lihat, tautannya, tangkapan layar bila Anda lampirkan, dan "
            "email atau nomor HP bila Anda ingin dikabari (semuanya selain isi isu boleh "
            "dikosongkan)."
        ),
        purpose=gettext_lazy(
            "Memeriksa kebenaran isu, menerbitkan klarifikasinya, dan mengirim jawabannya "
            "kepada Anda."
        ),
        basis=gettext_lazy(
            "Pelaksanaan tugas pemerintah daerah di bidang komunikasi dan informatika "
            "(UU 27/2022 Pasal 20 ayat 2 huruf e); kontak Anda dengan persetujuan Anda "
            "(Pasal 20 ayat 2 huruf a)."
        ),
        who_sees=gettext_lazy(
            "Hanya Diskominfo dan instansi yang diminta menjawab. Laporan Anda, tangkapan "
            "layar dan kontak Anda tidak pernah tampil untuk umum; yang terbit hanya "
            "klarifikasinya."
        ),
        retention_text=gettext_lazy(
            "Email dan nomor HP Anda dihapus begitu jawaban terkirim atau laporan tidak "
            "ditindaklanjuti; kontak dan tangkapan layar yang tersisa dihapus otomatis "
            "%(days)s hari setelah laporan dikirim."
        ),
        erase=_erase,
        touched=touched,
        retention_days=retention_days,
    )
)
