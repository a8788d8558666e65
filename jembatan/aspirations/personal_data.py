"""The reporter of an aspiration as a data subject (UU 27/2022), registered with
``core.personal_data``: what is kept about them, the copy they may download, the
correction of their contact, erasure (at their request or after the retention period)
and the cases touched in a time window (the breach runbook).

Erasure reaches every personal trace a case holds, not only the name and contact: the
reporter's own photos (deleted from storage), their follow-up texts and answers to the
office, the name or number quoted in any other text of the case (the description, staff
answers and notes, KIM flags), and the personal text inside the case's audit rows (the
row keeps action, time and actor). The case itself, its place and category, stays: the
government still answers it and counts it.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import audit_for, audited_update
from jembatan.accounts.contact import clean_contact_correction
from jembatan.accounts.models import AuditLog, User
from jembatan.accounts.processing import audit_scrub, processing_record
from jembatan.aspirations.audit_actions import AuditAction
from jembatan.aspirations.models import Aspiration, AspirationPhoto, CaseEvent, CaseFlag, Status
from jembatan.core.personal_data import ERASED, Kind, Touched, personal_data_registry, scrub_text
from jembatan.core.registry import kabupaten_changed
from jembatan.core.workdays import local_time

KEY = "aspirations.reporter"
CONTACT_FIELDS = ["reporter_name", "reporter_phone", "reporter_email"]
# The audit rows whose note is the citizen's own text.
CITIZEN_TEXT_ACTIONS = {AuditAction.FOLLOW_UP, AuditAction.CONFIRM, AuditAction.DISPUTE}
# What the reporter does without an account: shown as "Anda" in the record of processing.
SUBJECT_ACTIONS = {
    AuditAction.SUBMIT,
    AuditAction.FOLLOW_UP,
    AuditAction.CONFIRM,
    AuditAction.DISPUTE,
    AuditAction.CONTACT_ERASE,
    AuditAction.CONTACT_CORRECT,
    AuditAction.REPORTER_KEY,
}


def retention_days() -> int:
    return settings.ASPIRATION_CONTACT_RETENTION_DAYS


def retention_note() -> str:
    """The retention rule in words, as the privacy notice says it."""
    return str(personal_data_registry.get(KEY).retention_text) % {"days": retention_days()}


def _own_photos(case: Aspiration):
    return AspirationPhoto.objects.filter(aspiration=case, event=None)


def reporter_erase(*, case: Aspiration, actor: User | None = None, reason: str) -> bool:
    """Erase everything personal about the reporter of ``case``; False when nothing was
    left. Files are deleted from storage once the transaction has committed."""
    with transaction.atomic():
        locked = Aspiration.objects.select_for_update().get(pk=case.pk)
        values = [getattr(locked, f) for f in CONTACT_FIELDS]
        # The number as people write it too (0812..., not only +62812...).
        if locked.reporter_phone.startswith("+62"):
            values.append("0" + locked.reporter_phone[3:])
        values = [v for v in values if v]
        changed = False
        if values:
            data: dict[str, Any] = dict.fromkeys(CONTACT_FIELDS, "")
            if locked.visibility == Aspiration.Visibility.PUBLIC:
                data["visibility"] = Aspiration.Visibility.ANONYMOUS
            # The audit row says that it happened, never what was erased.
            audited_update(
                actor=actor,
                instance=locked,
                data=data,
                action=AuditAction.CONTACT_ERASE,
                note=reason,
                omit=CONTACT_FIELDS,
            )
            changed = True
        photos = list(_own_photos(locked))
        for photo in photos:
            transaction.on_commit(functools.partial(photo.file.storage.delete, photo.file.name))
        if photos:
            AspirationPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()
            changed = True
        # The citizen's own texts: their follow-ups, and what they wrote with their answer
        # to the office (a status step whose body is the note of the confirm/dispute row).
        own = Q(kind=CaseEvent.Kind.FOLLOW_UP)
        said = list(
            audit_for(locked)
            .filter(action__in=[AuditAction.CONFIRM, AuditAction.DISPUTE])
            .exclude(note__in=["", ERASED])
            .values_list("note", flat=True)
        )
        if said:
            own |= Q(kind=CaseEvent.Kind.STATUS, actor=None, body__in=said)
        changed |= bool(
            CaseEvent.objects.filter(own, aspiration=locked)
            .exclude(body=ERASED)
            .update(body=ERASED)
        )
        # Any other text of the case that quotes the reporter.
        if values:
            text = scrub_text(locked.description, values)
            place = scrub_text(locked.location, values)
            if (text, place) != (locked.description, locked.location):
                Aspiration.objects.filter(pk=locked.pk).update(description=text, location=place)
            for event in CaseEvent.objects.filter(aspiration=locked).exclude(body=""):
                body = scrub_text(event.body, values)
                if body != event.body:
                    CaseEvent.objects.filter(pk=event.pk).update(body=body)
            for flag in CaseFlag.objects.filter(aspiration=locked).exclude(note=""):
                note = scrub_text(flag.note, values)
                if note != flag.note:
                    CaseFlag.objects.filter(pk=flag.pk).update(note=note)
        changed |= bool(audit_scrub(target=locked, values=values, whole_note=CITIZEN_TEXT_ACTIONS))
        if changed:
            # Bulk updates and deletes send no signal: the desk's lists kept for the
            # kabupaten (the description, the photos filter) are read afresh.
            kabupaten_changed(locked.kabupaten_id)
    return changed


def _erase(subject: Aspiration, *, actor: User | None = None, reason: str) -> bool:
    return reporter_erase(case=subject, actor=actor, reason=reason)


def purge_reporters(*, now: datetime.datetime | None = None) -> int:
    """The retention rule: erase the reporter's data of cases resolved or closed longer
    ago than ``ASPIRATION_CONTACT_RETENTION_DAYS``. Returns how many were cleared."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    personal = (
        ~Q(reporter_name="")
        | ~Q(reporter_phone="")
        | ~Q(reporter_email="")
        | Q(photos__isnull=False, photos__event=None)
        | (Q(events__kind=CaseEvent.Kind.FOLLOW_UP) & ~Q(events__body=ERASED))
    )
    old = (
        Aspiration.objects.filter(status__in=[Status.DONE, Status.CLOSED], updated_at__lt=cutoff)
        .filter(personal)
        .distinct()
    )
    cleared = 0
    for case in old.iterator(chunk_size=500):
        cleared += personal_data_registry.erase(KEY, case, reason="retention")
    return cleared


# --- The subject's own page --------------------------------------------------------------


def reporter_correct(*, case: Aspiration, data: dict[str, str], actor: User | None = None) -> bool:
    """The reporter corrects their name, phone or e-mail (UU 27/2022 Pasal 6). A field
    left empty keeps its value (erasing is a separate, explicit step). The audit row
    records which fields changed, not their values. Returns whether anything changed."""
    values = clean_contact_correction(
        data,
        texts={"reporter_name": (1, 120, _("Paling panjang 120 huruf."))},
        phone_field="reporter_phone",
        email_field="reporter_email",
    )
    with transaction.atomic():
        locked = Aspiration.objects.select_for_update().get(pk=case.pk)
        _locked, changed = audited_update(
            actor=actor,
            instance=locked,
            data=values,
            action=AuditAction.CONTACT_CORRECT,
            omit=CONTACT_FIELDS,
        )
    return changed


def reporter_copy(case: Aspiration) -> dict[str, Any]:
    """Everything kept about the reporter with this case, as JSON (UU 27/2022 Pasal 7
    and 13: a copy in a common, machine-readable format)."""
    follow_ups = case.events.filter(kind=CaseEvent.Kind.FOLLOW_UP).order_by("created_at", "id")

    def when(value: datetime.datetime) -> str:
        # In the kabupaten's own zone, with its offset, to the second: as the page shows.
        return local_time(value, case.kabupaten_id).replace(microsecond=0).isoformat()

    return {
        "kode_lacak": case.display_code,
        "jenis_laporan": case.get_report_type_display(),
        "diterima": when(case.created_at),
        "pelapor": {
            "nama": case.reporter_name,
            "telepon": case.reporter_phone,
            "email": case.reporter_email,
        },
        "tampil_untuk_umum": case.visibility,
        "saluran": case.channel,
        "kategori": case.category.name,
        "desa_kelurahan": case.region.name,
        "isi": case.description,
        "lokasi": case.location,
        "titik": (
            {"lintang": str(case.latitude), "bujur": str(case.longitude)}
            if case.latitude is not None
            else None
        ),
        "foto": [p.file.name.rsplit("/", 1)[-1] for p in _own_photos(case)],
        "keterangan_tambahan": [{"waktu": when(e.created_at), "isi": e.body} for e in follow_ups],
        "status": case.status,
        "penilaian": case.rating,
        "pemrosesan": [
            {"waktu": when(e.when), "apa": e.what, "siapa": e.who} for e in record_of(case)
        ],
    }


def record_of(case: Aspiration):
    """Who read or changed the case, newest first (accounts.processing)."""
    helpers = [case.recorded_by_id] if case.recorded_by_id else []
    return processing_record(
        case,
        kabupaten_code=case.kabupaten_id,
        subject_actions=SUBJECT_ACTIONS,
        subject_user_ids=helpers,
    )


# --- Breach runbook: which reporters had records changed ---------------------------------


def touched(since: datetime.datetime, until: datetime.datetime) -> list[Touched]:
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(Aspiration)
    audited = AuditLog.objects.filter(
        target_type=kind, created_at__gte=since, created_at__lt=until
    ).values_list("target_id", flat=True)
    ids = {int(i) for i in audited if i.isdecimal()}
    changed = Aspiration.objects.filter(
        Q(pk__in=ids)
        | Q(updated_at__gte=since, updated_at__lt=until)
        | Q(events__created_at__gte=since, events__created_at__lt=until)
    ).distinct()
    found = []
    for case in changed.order_by("created_at", "id").iterator(chunk_size=500):
        contact = {"email": case.reporter_email, "telepon": case.reporter_phone}
        contact = {k: v for k, v in contact.items() if v}
        if case.reporter_name:
            contact = {"nama": case.reporter_name, **contact}
        found.append(
            Touched(
                kind=KEY,
                reference=case.display_code,
                channels=tuple(k for k in ("email", "telepon") if k in contact),
                contact=contact,
                erased=not contact,
            )
        )
    return found


personal_data_registry.register(
    Kind(
        key=KEY,
        order=10,
        title=gettext_lazy("Pengirim aspirasi"),
        collected=gettext_lazy(
            "Nama, nomor HP dan email (semuanya boleh dikosongkan), isi aspirasi, lokasi "
            "dan titik peta bila Anda berikan, foto (tanpa data lokasi foto), keterangan "
            "tambahan dan tanggapan Anda atas jawaban."
        ),
        purpose=gettext_lazy(
            "Meneruskan aspirasi Anda ke instansi yang berwenang, mengabarkan "
            "perkembangannya kepada Anda, dan menghubungi Anda bila petugas perlu "
            "keterangan."
        ),
        basis=gettext_lazy(
            "Pelaksanaan tugas pelayanan publik pemerintah daerah (UU 27/2022 Pasal 20 "
            "ayat 2 huruf e; UU 25/2009 tentang Pelayanan Publik; Perpres 76/2013 tentang "
            "Pengelolaan Pengaduan Pelayanan Publik)."
        ),
        who_sees=gettext_lazy(
            "Nama dan kontak Anda hanya dilihat Diskominfo dan KIM yang mencatatnya untuk "
            "Anda. Instansi yang menangani aspirasi melihat isinya, lokasinya dan fotonya, "
            "tanpa nama dan kontak Anda. Nama tampil untuk umum hanya bila Anda memilih "
            "“Publik”; nomor HP dan email tidak pernah tampil untuk umum."
        ),
        retention_text=gettext_lazy(
            "Nama, kontak, foto dan keterangan tambahan Anda dihapus otomatis "
            "%(days)s hari setelah aspirasi selesai atau ditutup."
        ),
        erase=_erase,
        touched=touched,
        retention_days=retention_days,
    )
)
