"""The requester of public information (PPID) as a data subject (UU 27/2022), registered
with ``core.personal_data``: the copy of their data, the correction of their contact,
erasure (at their request or after ``PPID_REQUESTER_RETENTION_DAYS``) and the requests
touched in a time window (the breach runbook).

Erasure removes the identity the standard of service asked for (name, NIK, deed of a legal
entity, address, occupation, phone, e-mail), deletes the copy of the KTP from storage,
replaces the requester's own texts (the purpose of use, the objection) with a marker and
removes their name or number wherever another text of the request or its audit rows
quotes it. The request stays in the register (its number, body, dates, outcome and the
information asked for): the annual PPID report counts it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.audit import audited_update
from jembatan.accounts.contact import clean_contact_correction
from jembatan.accounts.models import AuditLog, User
from jembatan.accounts.processing import audit_scrub, processing_record
from jembatan.core.personal_data import ERASED, Kind, Touched, personal_data_registry, scrub_text
from jembatan.core.tasks import enqueue_on_commit
from jembatan.disclosure.audit_actions import AuditAction
from jembatan.disclosure.models import InformationRequest, Objection, RequestStatus

KEY = "disclosure.requester"
IDENTITY_FIELDS = [
    "requester_name",
    "requester_nik",
    "requester_legal_basis",
    "requester_address",
    "requester_occupation",
    "requester_phone",
    "requester_email",
]
CORRECTABLE = ["requester_name", "requester_address", "requester_phone", "requester_email"]
SUBJECT_ACTIONS = {
    AuditAction.REQUEST_SUBMIT,
    AuditAction.OBJECTION_SUBMIT,
    AuditAction.REQUESTER_CORRECT,
}


def retention_days() -> int:
    return settings.PPID_REQUESTER_RETENTION_DAYS


def requester_erase(*, request: InformationRequest, actor: User | None = None, reason: str) -> bool:
    """Erase the requester's identity from ``request``; False when it was gone already.
    The identity copy is deleted from storage once the transaction has committed."""
    with transaction.atomic():
        locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.requester_erased_at is not None:
            return False
        values = [getattr(locked, f) for f in IDENTITY_FIELDS]
        if locked.requester_phone.startswith("+62"):
            values.append("0" + locked.requester_phone[3:])
        values = [v for v in values if v and v != ERASED]
        if locked.identity_file:
            name, storage = locked.identity_file.name, locked.identity_file.storage
            transaction.on_commit(lambda: storage.delete(name))
        data: dict[str, Any] = dict.fromkeys(IDENTITY_FIELDS, "")
        data |= {
            "requester_name": ERASED,
            "requester_address": ERASED,
            "purpose": ERASED,
            "identity_file": "",
            "requester_erased_at": timezone.now(),
            "answer_text": scrub_text(locked.answer_text, values),
            "extension_reason": scrub_text(locked.extension_reason, values),
            "information": scrub_text(locked.information, values),
        }
        audited_update(
            actor=actor,
            instance=locked,
            data=data,
            action=AuditAction.REQUESTER_ERASE,
            note=reason,
            # The row says that it happened and when, never what was erased.
            omit=[f for f in data if f != "requester_erased_at"],
        )
        objection = Objection.objects.filter(request=locked).first()
        if objection is not None:
            Objection.objects.filter(pk=objection.pk).update(
                text=ERASED, decision_text=scrub_text(objection.decision_text, values)
            )
            audit_scrub(target=objection, values=values)
        audit_scrub(target=locked, values=values)
    return True


def may_erase_now(request: InformationRequest) -> bool:
    """Whether the requester may have their identity erased from their own page: once the
    request is answered and any objection decided. Before, the PPID needs it to answer
    (a legal obligation, UU 27/2022 Pasal 15 and 20 ayat 2 huruf c; UU 14/2008 Pasal 22)."""
    if request.requester_erased_at is not None or request.status != RequestStatus.ANSWERED:
        return False
    objection = Objection.objects.filter(request=request).first()
    return objection is None or objection.status == Objection.Status.DECIDED


def _erase(subject: InformationRequest, *, actor: User | None = None, reason: str) -> bool:
    return requester_erase(request=subject, actor=actor, reason=reason)


def purge_requesters(*, now: datetime.datetime | None = None) -> int:
    """The retention rule: erase the identity of requesters whose request was answered,
    and any objection decided, longer ago than the retention period."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    old = (
        InformationRequest.objects.filter(
            status=RequestStatus.ANSWERED, answered_at__lt=cutoff, requester_erased_at=None
        )
        .filter(
            Q(objection__isnull=True)
            | Q(objection__status=Objection.Status.DECIDED, objection__decided_at__lt=cutoff)
        )
        .order_by("id")
    )
    cleared = 0
    for request in old.iterator(chunk_size=500):
        cleared += personal_data_registry.erase(KEY, request, reason="retention")
    return cleared


def requester_correct(
    *, request: InformationRequest, data: dict[str, str], actor: User | None = None
) -> bool:
    """The requester corrects their name, address, phone or e-mail (UU 27/2022 Pasal 6);
    an empty field keeps its value. Audited without the values."""
    if request.requester_erased_at is not None:
        raise ValidationError(_("Data pribadi permohonan ini sudah dihapus."))
    values = clean_contact_correction(
        data,
        texts={
            "requester_name": (3, 150, _("Tulis nama lengkap pemohon sesuai identitas.")),
            "requester_address": (5, 300, _("Tulis alamat lengkap pemohon.")),
        },
        phone_field="requester_phone",
        email_field="requester_email",
    )
    with transaction.atomic():
        locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
        before = {"email": locked.requester_email, "phone": locked.requester_phone}
        _locked, changed = audited_update(
            actor=actor,
            instance=locked,
            data=values,
            action=AuditAction.REQUESTER_CORRECT,
            omit=CORRECTABLE,
        )
        # The contact replaced hears of it: whoever holds a leaked link cannot take the
        # answers over unseen.
        for kind, field in (("email", "requester_email"), ("phone", "requester_phone")):
            if before[kind] and values.get(field, before[kind]) != before[kind]:
                enqueue_on_commit(
                    "jembatan.disclosure.tasks.tell_old_contact", request.pk, kind, before[kind]
                )
    return changed


def mask_nik(nik: str) -> str:
    """The NIK with only its last 4 digits: the copy and the data page are for checking
    what is kept, and the requester knows their own number. Whoever holds the private link
    (a forwarded mail, a shared phone) must not get a NIK to borrow money or register a SIM
    card with; the full number stays with the PPID, which shows it on a request in person."""
    if not nik:
        return ""
    return "*" * max(len(nik) - 4, 4) + nik[-4:] if len(nik) > 4 else "****"


def requester_copy(request: InformationRequest) -> dict[str, Any]:
    """Everything kept about the requester with this request, as JSON (Pasal 7 and 13);
    the NIK masked (``mask_nik``)."""
    objection = Objection.objects.filter(request=request).first()
    return {
        "nomor": request.number,
        "diterima": request.received_at.isoformat(),
        "badan_publik": request.body.name,
        "pemohon": {
            "jenis": request.requester_kind,
            "nama": request.requester_name,
            "nik": mask_nik(request.requester_nik),
            "akta_badan_hukum": request.requester_legal_basis,
            "alamat": request.requester_address,
            "pekerjaan": request.requester_occupation,
            "telepon": request.requester_phone,
            "email": request.requester_email,
            "salinan_identitas": bool(request.identity_file),
        },
        "informasi_yang_dimohon": request.information,
        "tujuan_penggunaan": request.purpose,
        "keberatan": objection.text if objection is not None else None,
        "identitas_dihapus": (
            request.requester_erased_at.isoformat() if request.requester_erased_at else None
        ),
        "pemrosesan": [
            {"waktu": e.when.isoformat(), "apa": e.what, "siapa": e.who} for e in record_of(request)
        ],
    }


def record_of(request: InformationRequest):
    return processing_record(
        request, kabupaten_code=request.body.kabupaten_id, subject_actions=SUBJECT_ACTIONS
    )


def touched(since: datetime.datetime, until: datetime.datetime) -> list[Touched]:
    types = ContentType.objects.get_for_models(InformationRequest, Objection)
    rows = AuditLog.objects.filter(created_at__gte=since, created_at__lt=until)
    request_ids = rows.filter(target_type=types[InformationRequest]).values_list(
        "target_id", flat=True
    )
    objection_ids = rows.filter(target_type=types[Objection]).values_list("target_id", flat=True)
    changed = InformationRequest.objects.filter(
        Q(pk__in=[int(i) for i in request_ids if i.isdecimal()])
        | Q(objection__pk__in=[int(i) for i in objection_ids if i.isdecimal()])
        | Q(updated_at__gte=since, updated_at__lt=until)
    ).distinct()
    found = []
    for request in changed.order_by("received_at", "id").iterator(chunk_size=500):
        contact = {"email": request.requester_email, "telepon": request.requester_phone}
        contact = {k: v for k, v in contact.items() if v}
        if request.requester_erased_at is None:
            contact = {"nama": request.requester_name, **contact}
        found.append(
            Touched(
                kind=KEY,
                reference=request.number,
                channels=tuple(k for k in ("email", "telepon") if k in contact),
                contact=contact,
                erased=request.requester_erased_at is not None,
            )
        )
    return found


personal_data_registry.register(
    Kind(
        key=KEY,
        order=20,
        title=gettext_lazy("Pemohon informasi publik (PPID)"),
        collected=gettext_lazy(
            "Nama, NIK, alamat, pekerjaan, nomor telepon dan email, salinan KTP (atau akta "
            "badan hukum), informasi yang dimohon, tujuan penggunaannya, dan keberatan "
            "bila Anda ajukan."
        ),
        purpose=gettext_lazy(
            "Melayani permohonan informasi publik dan keberatan Anda, mengirim jawaban, "
            "dan mencatatnya dalam register dan laporan PPID."
        ),
        basis=gettext_lazy(
            "Kewajiban hukum badan publik (UU 27/2022 Pasal 20 ayat 2 huruf c; UU 14/2008 "
            "tentang Keterbukaan Informasi Publik Pasal 22; Peraturan Komisi Informasi "
            "1/2021 tentang Standar Layanan Informasi Publik)."
        ),
        who_sees=gettext_lazy(
            "Hanya PPID badan publik yang Anda mintai informasi (untuk pemerintah desa, BPD "
            "dan BUMDes: Diskominfo selaku PPID Utama), atasannya yang memutus keberatan, "
            "dan operator platform; setiap kali identitas Anda dibuka tercatat dalam catatan "
            "pemrosesan data Anda. Pengurus KIM tidak pernah melihatnya. Identitas Anda tidak "
            "pernah tampil di register umum."
        ),
        retention_text=gettext_lazy(
            "Identitas, kontak dan salinan KTP Anda dihapus otomatis %(days)s hari setelah "
            "permohonan dijawab (dan keberatan, bila ada, diputus): cukup untuk keberatan, "
            "sengketa di Komisi Informasi dan banding."
        ),
        erase=_erase,
        touched=touched,
        retention_days=retention_days,
    )
)
