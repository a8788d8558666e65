"""Writes of the PPID: bodies, the information list, requests, objections, deadlines.

Legal deadlines (UU 14/2008, Perki SLIP 1/2021), all in working days (core.workdays):
an answer within 10 days of receipt, extendable once by 7 with a written reason; an
objection within 30 days of the answer (or of the unanswered deadline); the superior's
decision within 30 days of the objection; a dispute at the Komisi Informasi within 14
days of that decision (or of its lapse). Each is the law's value unless the kabupaten
changed it (``rules.settings_for``).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import timezone as dt_timezone
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.access import administers_kabupaten
from jembatan.accounts.audit import audit_record, audited_create, audited_update, snapshot
from jembatan.accounts.contact import clean_phone_and_email
from jembatan.accounts.models import Membership, Office, User
from jembatan.accounts.notifications import notify
from jembatan.communities.models import KimMembership
from jembatan.core.attachments import check_attachment
from jembatan.core.images import removed_on_failure
from jembatan.core.pagecache import content_changed
from jembatan.core.storage import private_storage
from jembatan.core.tasks import enqueue_on_commit
from jembatan.core.transitions import Machine, Transition
from jembatan.core.workdays import add_working_days, local_date, working_days_between
from jembatan.disclosure.access import (
    body_managers,
    body_superiors,
    is_ppid_superior,
    kabupaten_admins,
    keeps_list,
    manages_body,
)
from jembatan.disclosure.audit_actions import AuditAction
from jembatan.disclosure.files import check_document_file
from jembatan.disclosure.models import (
    DESA_LEVEL_KINDS,
    InfoDocument,
    InformationRequest,
    Objection,
    Outcome,
    Pasal17,
    PpidSettings,
    PublicBody,
    RequesterMail,
    RequestStatus,
)
from jembatan.disclosure.rules import Commission, commission_for, settings_for
from jembatan.regions.models import Region

# The law's values, the defaults of PpidSettings (a kabupaten may set its own).
ANSWER_DAYS = 10  # UU 14/2008 Pasal 22 ayat (7)
EXTENSION_DAYS = 7  # Pasal 22 ayat (8)
OBJECTION_WINDOW_DAYS = 30  # Pasal 36 ayat (1)
OBJECTION_ANSWER_DAYS = 30  # Pasal 36 ayat (2)
DISPUTE_FILING_DAYS = 14  # UU 14/2008 Pasal 37 ayat (2)
REMINDER_DAYS = 2

REQUEST_FIELDS = [
    "status",
    "due_date",
    "extended_at",
    "extension_reason",
    "answered_at",
    "outcome",
    "refusal_grounds",
    "answer_text",
    "answer_file_name",
]
DOCUMENT_FIELDS = [
    "title",
    "summary",
    "category",
    "owner",
    "period",
    "format",
    "file_name",
    "exemption_ground",
    "exemption_reason",
    "exemption_harm",
    "is_published",
]
OBJECTION_FIELDS = ["status", "decision", "decision_text", "decided_at"]
NUMBER_RE = re.compile(r"^(PPID|KBR)-(\d{4})-(\d{6})$")


# --- Bodies -----------------------------------------------------------------------------


def public_body_create(
    *,
    actor: User,
    kind: str,
    kabupaten: Region,
    region: Region | None = None,
    office: Office | None = None,
    contact: str = "",
    own_name: str = "",
) -> PublicBody:
    """Register a body of a kabupaten (only its Diskominfo or an operator): the kabupaten,
    an OPD, a desa's government, BPD or BUMDes, or a kecamatan's BKAD."""
    if not administers_kabupaten(actor, kabupaten.code):
        raise PermissionDenied(_("Hanya Diskominfo kabupaten ini yang mendaftarkan badan publik."))
    if kind == PublicBody.Kind.KABUPATEN:
        region, office = kabupaten, None
    elif kind == PublicBody.Kind.OPD:
        if office is None or office.kabupaten_id != kabupaten.code:
            raise ValidationError({"office": _("Pilih perangkat daerah di kabupaten ini.")})
        region = None
    elif kind in DESA_LEVEL_KINDS:
        if (
            region is None
            or region.level != Region.Level.DESA
            or not region.code.startswith(f"{kabupaten.code}.")
        ):
            raise ValidationError({"region": _("Pilih desa atau kelurahan di kabupaten ini.")})
        if kind != PublicBody.Kind.DESA and region.kind == Region.Kind.KELURAHAN:
            raise ValidationError(
                {"region": _("BPD dan BUMDes hanya ada di desa, bukan kelurahan.")}
            )
        office = None
    elif kind == PublicBody.Kind.BKAD:
        if (
            region is None
            or region.level != Region.Level.KECAMATAN
            or not region.code.startswith(f"{kabupaten.code}.")
        ):
            raise ValidationError({"region": _("Pilih kecamatan BKAD di kabupaten ini.")})
        office = None
    else:
        raise ValidationError({"kind": _("Pilih jenis badan publik.")})
    duplicate = PublicBody.objects.filter(region=region, kind=kind) if region else None
    if office is not None:
        duplicate = PublicBody.objects.filter(office=office)
    if duplicate is not None and duplicate.exists():
        raise ValidationError(_("Badan publik ini sudah terdaftar."))
    with transaction.atomic():
        body = audited_create(
            actor=actor,
            model=PublicBody,
            data={
                "kind": kind,
                "kabupaten": kabupaten,
                "region": region,
                "office": office,
                "contact": (contact or "").strip()[:200],
                "own_name": " ".join((own_name or "").split())[:150],
            },
            action=AuditAction.BODY_CREATE,
            recorded=["kind", "kabupaten", "region", "office", "contact", "own_name"],
        )
        transaction.on_commit(content_changed)
    return body


def superior_candidates(body: PublicBody) -> QuerySet[User]:
    """Accounts that may be named atasan PPID of a body: active users with a government
    role in its kabupaten (a Sekda's office, an OPD) or a KIM in it (a kepala desa who
    also keeps the KIM's records)."""
    code = body.kabupaten_id
    roles = Membership.objects.filter(
        Q(region_id=code) | Q(region__code__startswith=f"{code}.") | Q(office__kabupaten_id=code)
    ).values("user_id")
    kims = KimMembership.objects.filter(
        is_active=True, kim__region__code__startswith=f"{code}."
    ).values("user_id")
    return User.objects.filter(Q(pk__in=roles) | Q(pk__in=kims), is_active=True).order_by(
        "full_name", "pk"
    )


def public_body_set_superior(
    *,
    actor: User,
    body: PublicBody,
    office: str,
    name: str,
    superiors: list[User] | QuerySet[User],
) -> PublicBody:
    """Name the body's atasan PPID (its office, the official, the accounts that decide its
    objections). Only Diskominfo of its kabupaten; the accounts must work in it."""
    if not administers_kabupaten(actor, body.kabupaten_id):
        raise PermissionDenied(_("Hanya Diskominfo kabupaten ini yang menetapkan atasan PPID."))
    chosen = sorted({u.pk for u in superiors})
    allowed = set(superior_candidates(body).filter(pk__in=chosen).values_list("pk", flat=True))
    if set(chosen) - allowed:
        raise ValidationError({"superiors": _("Pilih akun yang bekerja di kabupaten ini.")})
    with transaction.atomic():
        locked = PublicBody.objects.select_for_update().get(pk=body.pk)
        before = sorted(locked.superiors.values_list("pk", flat=True))
        locked, _changed = audited_update(
            actor=actor,
            instance=locked,
            data={
                "superior_office": " ".join((office or "").split())[:150],
                "superior_name": " ".join((name or "").split())[:150],
            },
            action=AuditAction.BODY_SUPERIOR,
        )
        if before != chosen:
            locked.superiors.set(chosen)
            audit_record(
                actor=actor,
                action=AuditAction.BODY_SUPERIOR,
                target=locked,
                before={"superiors": before},
                after={"superiors": chosen},
            )
        transaction.on_commit(content_changed)
    return locked


# --- Settings ---------------------------------------------------------------------------

SETTINGS_FIELDS = [
    "answer_days",
    "extension_days",
    "objection_window_days",
    "objection_answer_days",
    "dispute_filing_days",
    "commission_name",
    "commission_address",
    "commission_website",
    "report_reminder_month",
    "report_reminder_day",
    "report_due_month",
    "report_due_day",
]


def ppid_settings_save(*, actor: User, kabupaten: Region, data: dict[str, Any]) -> PpidSettings:
    """Diskominfo sets the kabupaten's deadlines, its Komisi Informasi and the report's
    dates; what it leaves out keeps the law's value."""
    if not administers_kabupaten(actor, kabupaten.code):
        raise PermissionDenied(_("Hanya Diskominfo kabupaten ini yang mengubah pengaturan PPID."))
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    defaults = PpidSettings()
    for name in SETTINGS_FIELDS:
        value = data.get(name)
        default = getattr(defaults, name)
        if isinstance(default, int):
            value = default if value is None or value == "" else int(value)
            if not 1 <= value <= 120:
                errors[name] = _("Isi angka 1 sampai 120.")
        else:
            value = " ".join(str(value or "").split())
        values[name] = value
    for month, day in (
        ("report_reminder_month", "report_reminder_day"),
        ("report_due_month", "report_due_day"),
    ):
        try:
            date(2025, values[month], values[day])  # not a leap year: no 29 February
        except (ValueError, TypeError):
            errors[day] = _("Tanggal ini tidak ada di bulan itu.")
    if not errors and (values["report_reminder_month"], values["report_reminder_day"]) > (
        values["report_due_month"],
        values["report_due_day"],
    ):
        errors["report_reminder_day"] = _("Pengingat dimulai sebelum batas laporan.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, _created = PpidSettings.objects.select_for_update().get_or_create(kabupaten=kabupaten)
        row, _changed = audited_update(
            actor=actor,
            instance=row,
            data=values,
            action=AuditAction.SETTINGS_UPDATE,
            full_clean=True,
        )
        transaction.on_commit(content_changed)
    return row


# --- Information list -------------------------------------------------------------------


def _clean_document(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "title": " ".join((data.get("title") or "").split())[:200],
        "summary": (data.get("summary") or "").strip()[:2000],
        "category": data.get("category") or "",
        "owner": " ".join((data.get("owner") or "").split())[:150],
        "period": " ".join((data.get("period") or "").split())[:60],
        "format": " ".join((data.get("format") or "").split())[:30],
        "exemption_ground": data.get("exemption_ground") or "",
        "exemption_reason": (data.get("exemption_reason") or "").strip()[:2000],
        "exemption_harm": (data.get("exemption_harm") or "").strip()[:2000],
        "is_published": bool(data.get("is_published", True)),
    }
    for name, message in [
        ("title", _("Tulis judul informasi.")),
        ("owner", _("Tulis penanggung jawab informasi.")),
        ("period", _("Tulis periode informasi.")),
        ("format", _("Tulis format informasi.")),
    ]:
        if not values[name]:
            errors[name] = message
    if values["category"] not in InfoDocument.Category.values:
        errors["category"] = _("Pilih kategori informasi.")
    if values["category"] == InfoDocument.Category.EXEMPT:
        if values["exemption_ground"] not in Pasal17.values:
            errors["exemption_ground"] = _("Pilih dasar pengecualian menurut Pasal 17.")
        if len(values["exemption_reason"]) < 10:
            errors["exemption_reason"] = _("Jelaskan alasan informasi ini dikecualikan.")
        if len(values["exemption_harm"]) < 10:
            errors["exemption_harm"] = _(
                "Tuliskan uji konsekuensi: akibat yang timbul bila informasi ini dibuka."
            )
    else:
        values["exemption_ground"] = values["exemption_reason"] = values["exemption_harm"] = ""
    if errors:
        raise ValidationError(errors)
    return values


def info_document_save(
    *,
    actor: User,
    body: PublicBody,
    data: dict[str, Any],
    document: InfoDocument | None = None,
    file: IO[bytes] | None = None,
    remove_file: bool = False,
) -> InfoDocument:
    """Create or change an entry of the list. An exempt entry keeps no file at all."""
    if not keeps_list(actor, body) or (document is not None and document.body_id != body.pk):
        raise PermissionDenied(_("Anda tidak mengelola daftar informasi badan publik ini."))
    values = _clean_document(data)
    exempt = values["category"] == InfoDocument.Category.EXEMPT
    if file and exempt:
        raise ValidationError(
            {"file": _("Informasi yang dikecualikan tidak boleh diberi berkas unduhan.")}
        )
    stored = None
    if file:
        try:
            stored = check_document_file(file)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from None
    old_file = document.file.name if document is not None and document.file else ""
    # A file written before the transaction fails is deleted again (no orphan in a bucket).
    with removed_on_failure(private_storage()) as written, transaction.atomic():
        before = snapshot(document, DOCUMENT_FIELDS) if document is not None else None
        if document is None:
            document = InfoDocument(body=body)
        for name, value in values.items():
            setattr(document, name, value)
        if stored is not None:
            document.file.save(stored.storage_name(), stored.content, save=False)
            written.append(document.file.name)
            document.file_name = stored.name
            document.file_size = stored.size
        elif remove_file or exempt:
            document.file = ""
            document.file_name = ""
            document.file_size = None
        document.save()
        audit_record(
            actor=actor,
            action=AuditAction.DOCUMENT_UPDATE if before else AuditAction.DOCUMENT_CREATE,
            target=document,
            before=before,
            after=snapshot(document, DOCUMENT_FIELDS),
        )
        if old_file and old_file != (document.file.name or ""):
            storage = document.file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
        transaction.on_commit(content_changed)
    return document


def info_document_delete(*, actor: User, document: InfoDocument) -> None:
    if not keeps_list(actor, document.body):
        raise PermissionDenied(_("Anda tidak mengelola daftar informasi badan publik ini."))
    with transaction.atomic():
        before = snapshot(document, DOCUMENT_FIELDS)
        audit_record(
            actor=actor, action=AuditAction.DOCUMENT_DELETE, target=document, before=before
        )
        name = document.file.name if document.file else ""
        storage = document.file.storage
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        transaction.on_commit(content_changed)


# --- Requests ---------------------------------------------------------------------------


def normalize_number(text: str) -> str:
    """'ppid 2026 123' or 'PPID-2026-000123' -> 'PPID-2026-000123' ('' if not a number)."""
    parts = re.findall(r"[A-Za-z]+|\d+", text or "")
    if len(parts) != 3 or parts[0].upper() not in ("PPID", "KBR"):
        return ""
    if len(parts[1]) != 4 or len(parts[2]) > 6:
        return ""
    return f"{parts[0].upper()}-{parts[1]}-{int(parts[2]):06d}"


def _next_number(model, prefix: str, year: int) -> str:
    start = f"{prefix}-{year}-"
    last = (
        model.objects.filter(number__startswith=start)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{start}{seq:06d}"


def _create_numbered(model, prefix: str, **values: Any):
    """Insert with the year's next number; a concurrent insert that took it makes us retry."""
    year = timezone.localdate().year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return model.objects.create(number=_next_number(model, prefix, year), **values)
        except IntegrityError:
            continue
    raise RuntimeError("No free registration number after 5 attempts")


def nik_problem(nik: str) -> str | None:
    """Why a 16-digit NIK cannot be a real one, or None. Its parts (Dukcapil): the
    province, kabupaten and kecamatan codes, the birth date (women: day + 40), and a serial
    number that never is 0000."""
    province, day, month, serial = nik[:2], int(nik[6:8]), int(nik[8:10]), nik[12:]
    provinces = Region.objects.filter(level=Region.Level.PROVINSI)
    if provinces.exists() and not provinces.filter(code=province).exists():
        return _("Dua angka pertama NIK adalah kode provinsi; %(code)s bukan kode provinsi.") % {
            "code": province
        }
    if not (1 <= day <= 31 or 41 <= day <= 71) or not 1 <= month <= 12 or serial == "0000":
        return _(
            "NIK ini tidak mungkin: angka ke-7 sampai ke-12 adalah tanggal lahir. Periksa "
            "lagi sesuai KTP."
        )
    return None


def _clean_request(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    body: PublicBody | None = data.get("body")
    if body is None or not body.is_active:
        errors["body"] = _("Pilih badan publik yang Anda mintai informasi.")
    document: InfoDocument | None = data.get("document")
    if document is not None:
        if body is not None and document.body_id != body.pk:
            errors["document"] = _("Informasi ini tercantum di daftar badan publik lain.")
        elif document.is_exempt:
            errors["document"] = _(
                "Informasi “%(title)s” termasuk informasi yang dikecualikan "
                "(UU 14/2008 Pasal 17 huruf %(ground)s): %(reason)s Permohonan tidak dapat "
                "diproses untuk informasi ini."
            ) % {
                "title": document.title,
                "ground": document.exemption_ground,
                "reason": document.exemption_reason,
            }
        elif not document.is_published:
            errors["document"] = _("Informasi ini tidak ditemukan.")
    kind = data.get("requester_kind") or InformationRequest.RequesterKind.PERSON
    if kind not in InformationRequest.RequesterKind.values:
        errors["requester_kind"] = _("Pilih jenis pemohon.")
    name = " ".join((data.get("requester_name") or "").split())[:150]
    if len(name) < 3:
        errors["requester_name"] = _("Tulis nama lengkap pemohon sesuai identitas.")
    nik = re.sub(r"\s+", "", data.get("requester_nik") or "")
    legal = " ".join((data.get("requester_legal_basis") or "").split())[:200]
    if kind == InformationRequest.RequesterKind.LEGAL_ENTITY:
        if len(legal) < 5:
            errors["requester_legal_basis"] = _(
                "Badan hukum wajib menyebutkan nomor akta pendirian atau pengesahan badan hukum."
            )
        if nik and not re.fullmatch(r"\d{16}", nik):
            errors["requester_nik"] = _("NIK terdiri atas 16 angka.")
        elif nik and (problem := nik_problem(nik)):
            errors["requester_nik"] = problem
    elif re.fullmatch(r"\d{16}", nik) and (problem := nik_problem(nik)):
        errors["requester_nik"] = problem
    elif not re.fullmatch(r"\d{16}", nik):
        errors["requester_nik"] = _(
            "Tulis NIK (16 angka) sesuai KTP pemohon; identitas wajib menurut UU 14/2008."
        )
    address = " ".join((data.get("requester_address") or "").split())[:300]
    if len(address) < 5:
        errors["requester_address"] = _("Tulis alamat lengkap pemohon.")
    phone, email = clean_phone_and_email(
        data, phone_field="requester_phone", email_field="requester_email", errors=errors
    )
    if not phone and not email and not {"requester_phone", "requester_email"} & set(errors):
        errors["requester_phone"] = _("Tulis nomor telepon atau email agar PPID dapat menjawab.")
    information = (data.get("information") or "").strip()
    if len(information) < 10:
        errors["information"] = _("Jelaskan informasi yang Anda minta, paling sedikit 10 huruf.")
    purpose = (data.get("purpose") or "").strip()
    if len(purpose) < 5:
        errors["purpose"] = _("Tulis tujuan penggunaan informasi.")
    obtain = data.get("obtain_form") or ""
    if obtain not in InformationRequest.ObtainForm.values:
        errors["obtain_form"] = _("Pilih cara memperoleh informasi.")
    delivery = data.get("delivery") or ""
    if delivery not in InformationRequest.Delivery.values:
        errors["delivery"] = _("Pilih cara mendapatkan salinan informasi.")
    elif delivery == InformationRequest.Delivery.EMAIL and not email:
        errors.setdefault("requester_email", _("Tulis email untuk menerima salinan lewat email."))
    identity = data.get("identity_file")
    checked_identity = None
    if identity:
        try:
            checked_identity = check_attachment(identity, name=getattr(identity, "name", ""))
        except ValidationError as exc:
            errors["identity_file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return {
        "identity_file": checked_identity,
        "body": body,
        "document": document,
        "requester_kind": kind,
        "requester_name": name,
        "requester_nik": nik,
        "requester_legal_basis": legal,
        "requester_address": address,
        "requester_occupation": " ".join((data.get("requester_occupation") or "").split())[:100],
        "requester_phone": phone,
        "requester_email": email,
        "information": information[:4000],
        "purpose": purpose[:2000],
        "obtain_form": obtain,
        "delivery": delivery,
    }


def information_request_submit(*, data: dict[str, Any], now=None) -> InformationRequest:
    """Register a request; the answer is due 10 working days after receipt."""
    values = _clean_request(data)
    identity = values.pop("identity_file")
    now = now or timezone.now()
    body: PublicBody = values["body"]
    days = settings_for(body.kabupaten_id).answer_days
    with removed_on_failure(private_storage()) as written, transaction.atomic():
        request = _create_numbered(
            InformationRequest,
            "PPID",
            token=secrets.token_urlsafe(24),
            received_at=now,
            due_date=add_working_days(now, days, kabupaten_code=body.kabupaten_id),
            **values,
        )
        if identity is not None:
            extension = ".pdf" if identity.kind == "pdf" else ".jpg"
            request.identity_file.save(
                f"{secrets.token_hex(16)}{extension}", identity.content, save=False
            )
            written.append(request.identity_file.name)
            request.save(update_fields=["identity_file"])
        # The audit row never carries the requester's identity.
        audit_record(
            actor=None,
            action=AuditAction.REQUEST_SUBMIT,
            target=request,
            after={"body": body.pk, "status": request.status, "due_date": request.due_date},
        )

        notify(
            recipients=body_managers(body),
            kind="ppid.request_new",
            key=f"ppid.request_new:{request.pk}",
            params={"number": request.number, "due": request.due_date.isoformat()},
            url=reverse("disclosure:manage_request", kwargs={"number": request.number}),
        )
        _tell_requester(request, "received")
    return request


def _tell_requester(request: InformationRequest, step: str) -> None:
    if not request.requester_email:
        return

    enqueue_on_commit("jembatan.disclosure.tasks.mail_requester", request.pk, step)


def _may_handle(user: User, request: InformationRequest) -> bool:
    return manages_body(user, request.body)


REQUEST_MACHINE = Machine(
    noun=gettext_lazy("permohonan"),
    transitions={
        # Once only (UU 14/2008 Pasal 22 ayat 8): an extended request cannot be extended.
        "extend": Transition(
            {RequestStatus.RECEIVED},
            RequestStatus.EXTENDED,
            gettext_lazy("Perpanjang"),
            _may_handle,
        ),
        "answer": Transition(
            {RequestStatus.RECEIVED, RequestStatus.EXTENDED},
            RequestStatus.ANSWERED,
            gettext_lazy("Jawab permohonan"),
            _may_handle,
        ),
    },
)


def _locked_for(actor: User, request: InformationRequest, action: str) -> InformationRequest:
    locked = (
        InformationRequest.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=request.pk)
    )
    step = REQUEST_MACHINE.step(action)
    if not step.permits(actor, locked):
        raise PermissionDenied(_("Anda tidak menangani permohonan ini."))
    if (
        not step.starts_from(locked.status)
        and action == "extend"
        and locked.extended_at is not None
    ):
        raise ValidationError(
            _("Permohonan ini sudah pernah diperpanjang; perpanjangan hanya sekali.")
        )
    REQUEST_MACHINE.require_state(action, locked.status, locked.get_status_display())
    return locked


def information_request_extend(
    *, actor: User, request: InformationRequest, reason: str
) -> InformationRequest:
    """Extend the deadline once by 7 working days, with a written reason to the requester."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Tuliskan alasan perpanjangan secara tertulis.")})
    with transaction.atomic():
        locked = _locked_for(actor, request, "extend")
        before = snapshot(locked, REQUEST_FIELDS)
        locked.status = REQUEST_MACHINE["extend"].leads_to(locked.status)
        locked.extended_at = timezone.now()
        locked.extension_reason = reason[:2000]
        code = locked.body.kabupaten_id
        locked.due_date = add_working_days(
            locked.due_date, settings_for(code).extension_days, kabupaten_code=code
        )
        locked.save(
            update_fields=["status", "extended_at", "extension_reason", "due_date", "updated_at"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.REQUEST_EXTEND,
            target=locked,
            before=before,
            after=snapshot(locked, REQUEST_FIELDS),
            note=reason,
        )
        _tell_requester(locked, "extended")
    return locked


def information_request_answer(
    *,
    actor: User,
    request: InformationRequest,
    outcome: str,
    text: str,
    grounds: list[str] | None = None,
    file: IO[bytes] | None = None,
) -> InformationRequest:
    """Answer: granted, partly granted, refused (with Pasal 17 grounds) or not held."""
    text = (text or "").strip()
    grounds = sorted(set(grounds or []))
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Pilih keputusan atas permohonan.")
    if outcome in (Outcome.REFUSED, Outcome.PARTLY):
        if not grounds or any(g not in Pasal17.values for g in grounds):
            errors["grounds"] = _(
                "Pilih dasar hukum penolakan: huruf pengecualian Pasal 17 UU 14/2008."
            )
    else:
        grounds = []
    if len(text) < 10:
        errors["text"] = (
            _("Jelaskan alasan penolakan untuk pemohon.")
            if outcome in (Outcome.REFUSED, Outcome.PARTLY)
            else _("Tuliskan jawaban untuk pemohon.")
        )
    if errors:
        raise ValidationError(errors)
    stored = None
    if file:
        try:
            stored = check_document_file(file)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from None
    with removed_on_failure(private_storage()) as written, transaction.atomic():
        locked = _locked_for(actor, request, "answer")
        before = snapshot(locked, REQUEST_FIELDS)
        locked.status = REQUEST_MACHINE["answer"].leads_to(locked.status)
        locked.outcome = outcome
        locked.refusal_grounds = grounds
        locked.answer_text = text[:6000]
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        update = ["status", "outcome", "refusal_grounds", "answer_text", "answered_at"]
        if stored is not None:
            locked.answer_file.save(stored.storage_name(), stored.content, save=False)
            written.append(locked.answer_file.name)
            locked.answer_file_name = stored.name
            update += ["answer_file", "answer_file_name"]
        locked.save(update_fields=[*update, "answered_by", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.REQUEST_ANSWER,
            target=locked,
            before=before,
            after=snapshot(locked, REQUEST_FIELDS),
        )
        _tell_requester(locked, "answered")
    return locked


def working_days_taken(request: InformationRequest) -> int | None:
    if request.answered_at is None:
        return None
    return working_days_between(
        request.received_at, request.answered_at, kabupaten_code=request.body.kabupaten_id
    )


# --- Objections -------------------------------------------------------------------------


def objection_window(request: InformationRequest, *, today=None):
    """(opens, closes) dates of the objection window, or None while it cannot open yet."""
    code = request.body.kabupaten_id
    today = today or local_date(None, code)
    if request.answered_at is not None:
        opened = local_date(request.answered_at, code)
    elif request.due_date < today:
        opened = request.due_date
    else:
        return None
    days = settings_for(code).objection_window_days
    return opened, add_working_days(opened, days, kabupaten_code=code)


def objection_submit(
    *, request: InformationRequest, reasons: list[str], text: str, now=None
) -> Objection:
    """The requester objects (Pasal 35) within 30 working days; decided within 30 more."""
    now = now or timezone.now()
    today = local_date(now, request.body.kabupaten_id)
    reasons = sorted(set(reasons or []))
    text = (text or "").strip()
    with transaction.atomic():
        locked = (
            InformationRequest.objects.select_for_update(of=("self",))
            .select_related("body")
            .get(pk=request.pk)
        )
        window = objection_window(locked, today=today)
        if window is None:
            raise ValidationError(
                _(
                    "Keberatan dapat diajukan setelah permohonan dijawab, atau setelah batas "
                    "waktu jawaban (%(date)s) lewat tanpa jawaban."
                )
                % {"date": date_format(locked.due_date, "j F Y")}
            )
        if today > window[1]:
            raise ValidationError(
                _(
                    "Batas waktu pengajuan keberatan (%(days)s hari kerja) sudah lewat pada "
                    "%(date)s. Keberatan tidak dapat diterima."
                )
                % {
                    "date": date_format(window[1], "j F Y"),
                    "days": settings_for(locked.body.kabupaten_id).objection_window_days,
                }
            )
        if Objection.objects.filter(request=locked).exists():
            raise ValidationError(_("Keberatan atas permohonan ini sudah diajukan."))
        errors: dict[str, str] = {}
        if not reasons or any(r not in Objection.Reason.values for r in reasons):
            errors["reasons"] = _("Pilih paling sedikit satu alasan keberatan.")
        if len(text) < 10:
            errors["text"] = _("Uraikan keberatan Anda, paling sedikit 10 huruf.")
        if errors:
            raise ValidationError(errors)
        body = locked.body
        objection = _create_numbered(
            Objection,
            "KBR",
            request=locked,
            reasons=reasons,
            text=text[:4000],
            submitted_at=now,
            due_date=add_working_days(
                now,
                settings_for(body.kabupaten_id).objection_answer_days,
                kabupaten_code=body.kabupaten_id,
            ),
        )
        audit_record(
            actor=None,
            action=AuditAction.OBJECTION_SUBMIT,
            target=objection,
            after={"request": locked.number, "reasons": reasons, "due_date": objection.due_date},
        )

        # To the body's atasan PPID (UU 14/2008 Pasal 36), not always Diskominfo.
        notify(
            recipients=body_superiors(body),
            kind="ppid.objection_new",
            key=f"ppid.objection_new:{objection.pk}",
            params={"number": objection.number, "request": locked.number},
            url=reverse("disclosure:manage_objection", kwargs={"number": objection.number}),
        )
        _tell_requester(locked, "objection")
    return objection


OBJECTION_MACHINE = Machine(
    noun=gettext_lazy("keberatan"),
    transitions={
        # The body's atasan PPID decides, in writing (access.is_ppid_superior).
        "decide": Transition(
            {Objection.Status.RECEIVED},
            Objection.Status.DECIDED,
            gettext_lazy("Putusan atasan PPID"),
            lambda user, objection: is_ppid_superior(user, objection.request.body),
        ),
    },
)


def objection_decide(*, actor: User, objection: Objection, decision: str, text: str) -> Objection:
    """The body's atasan PPID decides, in writing."""
    text = (text or "").strip()
    errors: dict[str, str] = {}
    if decision not in Objection.Decision.values:
        errors["decision"] = _("Pilih putusan atas keberatan.")
    if len(text) < 10:
        errors["text"] = _("Tuliskan tanggapan tertulis atasan PPID.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("request", "request__body")
            .get(pk=objection.pk)
        )
        step = OBJECTION_MACHINE["decide"]
        if not step.permits(actor, locked):
            raise PermissionDenied(
                _("Keberatan ini diputus oleh atasan PPID: %(superior)s.")
                % {"superior": locked.request.body.superior_label}
            )
        OBJECTION_MACHINE.require_state("decide", locked.status, locked.get_status_display())
        if locked.request.answered_by_id == actor.pk:
            # Pasal 35-36: the objection goes to the PPID's superior, so the officer whose
            # answer is contested never judges it.
            raise PermissionDenied(
                _(
                    "Anda yang menjawab permohonan ini, jadi tidak dapat memutus keberatan "
                    "atasnya. Keberatan diputus oleh atasan PPID lain."
                )
            )
        locked, _changed = audited_update(
            actor=actor,
            instance=locked,
            data={
                "status": step.target,
                "decision": decision,
                "decision_text": text[:6000],
                "decided_at": timezone.now(),
                "decided_by": actor,
            },
            action=AuditAction.OBJECTION_DECIDE,
        )
        _tell_requester(locked.request, "objection_decided")
    return locked


@dataclass(frozen=True)
class DisputeRoute:
    """The way to the Komisi Informasi, once it is open to the requester."""

    opened: date  # the superior's decision, or the day their 30 working days ran out
    closes: date  # the last day to file (14 working days later)
    decided: bool
    commission: Commission
    days: int = DISPUTE_FILING_DAYS  # the filing limit in working days
    superior_days: int = OBJECTION_ANSWER_DAYS


def dispute_route(objection: Objection, *, today: date | None = None) -> DisputeRoute | None:
    """The Komisi Informasi route (UU 14/2008 Pasal 37): open after the superior's written
    decision, or when the superior let 30 working days pass without one; None before."""
    code = objection.request.body.kabupaten_id
    today = today or local_date(None, code)
    if objection.decided_at is not None:
        opened = local_date(objection.decided_at, code)
    elif objection.due_date < today:
        opened = objection.due_date
    else:
        return None
    rules = settings_for(code)
    return DisputeRoute(
        opened=opened,
        closes=add_working_days(opened, rules.dispute_filing_days, kabupaten_code=code),
        decided=objection.decided_at is not None,
        commission=commission_for(code, rules),
        days=rules.dispute_filing_days,
        superior_days=rules.objection_answer_days,
    )


# --- Deadlines --------------------------------------------------------------------------


def remind_and_escalate(*, today=None, now=None) -> tuple[int, int]:
    """Tell a body's managers 2 working days before a request is due, and Diskominfo once
    it is overdue (objections too); once each, by notification key. Returns (reminded,
    escalated). Each request's "today" is the date in its kabupaten's time zone at ``now``
    (``today`` fixes one date for all)."""
    fixed = today
    now = now or timezone.now()
    reminded = escalated = 0
    open_requests = InformationRequest.objects.filter(
        status__in=[RequestStatus.RECEIVED, RequestStatus.EXTENDED]
    ).select_related("body", "body__region", "body__office")
    for request in open_requests.iterator(chunk_size=500):
        url = reverse("disclosure:manage_request", kwargs={"number": request.number})
        params = {"number": request.number, "due": request.due_date.isoformat()}
        code = request.body.kabupaten_id
        # "Today" in the body's own kabupaten: the hourly run reaches each zone's midnight.
        today = fixed or local_date(now, code)
        if request.due_date < today:
            recipients = list(kabupaten_admins(request.body)) + list(body_managers(request.body))
            escalated += bool(
                notify(
                    recipients=recipients,
                    kind="ppid.request_overdue",
                    key=f"ppid.overdue:{request.pk}:{request.due_date.isoformat()}",
                    params=params,
                    url=url,
                )
            )
        elif working_days_between(today, request.due_date, kabupaten_code=code) <= REMINDER_DAYS:
            reminded += bool(
                notify(
                    recipients=body_managers(request.body),
                    kind="ppid.request_due_soon",
                    key=f"ppid.due_soon:{request.pk}:{request.due_date.isoformat()}",
                    params=params,
                    url=url,
                )
            )
    # The latest date anywhere (UTC+14) bounds the query; each objection is late by its own.
    latest = fixed or timezone.localdate(now, dt_timezone(timedelta(hours=14)))
    late_objections = Objection.objects.filter(
        status=Objection.Status.RECEIVED, due_date__lt=latest
    ).select_related("request__body")
    for objection in late_objections.iterator(chunk_size=500):
        if objection.due_date >= (fixed or local_date(now, objection.request.body.kabupaten_id)):
            continue
        # The requester learns that the route to the Komisi Informasi is open (once).
        if not RequesterMail.objects.filter(
            request=objection.request, step="objection_lapsed"
        ).exists():
            _tell_requester(objection.request, "objection_lapsed")
        body = objection.request.body
        escalated += bool(
            notify(
                recipients={*kabupaten_admins(body), *body_superiors(body)},
                kind="ppid.objection_overdue",
                key=f"ppid.objection_overdue:{objection.pk}",
                params={"number": objection.number, "due": objection.due_date.isoformat()},
                url=reverse("disclosure:manage_objection", kwargs={"number": objection.number}),
            )
        )
    return reminded, escalated
