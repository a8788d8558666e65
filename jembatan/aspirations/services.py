"""Receiving aspirations and moving them through their workflow, every step on record."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.access import administers_kabupaten, is_operator
from jembatan.accounts.audit import (
    audit_record,
    audit_row,
    audited_create,
    audited_update,
    snapshot,
)
from jembatan.accounts.contact import clean_phone_and_email
from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.accounts.notifications import notification_batch, notify
from jembatan.aspirations import deadlines, personal_data
from jembatan.aspirations.access import administers, handles, is_camat_for, serves_as_kim
from jembatan.aspirations.audit_actions import AuditAction
from jembatan.aspirations.models import (
    ANSWER_STAGE,
    VERIFY_STAGE,
    AnswerFile,
    Aspiration,
    AspirationPhoto,
    CaseEvent,
    CaseFlag,
    Category,
    Status,
    display_code,
)
from jembatan.aspirations.reporter import new_key_row
from jembatan.communities.models import Kim
from jembatan.core.attachments import CheckedFile, check_attachment, storage_name
from jembatan.core.compiled import insert_together
from jembatan.core.gateway import gateway_enabled
from jembatan.core.images import clean_jpeg, removed_on_failure
from jembatan.core.params import has_control_characters
from jembatan.core.personal_data import personal_data_registry
from jembatan.core.storage import private_storage
from jembatan.core.tasks import enqueue_on_commit
from jembatan.core.transitions import Machine, Transition
from jembatan.core.workdays import add_working_days, local_date
from jembatan.regions.models import Region
from jembatan.tenants.resolve import tenant_for_region

# Tracking codes: 8 characters without 0/O, 1/I/L, 8/B or 5/S, so that a code read over
# the phone or copied from paper survives; 27^8 ≈ 2.8e11 codes, and lookups are rate
# limited, so guessing one is hopeless.
CODE_ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"
CODE_LENGTH = 8
MAX_PHOTOS = 4
MAX_ANSWER_FILES = 4
PHOTO_MAX_SIDE = 1600
CASE_FIELDS = [
    "status",
    "office",
    "assignee",
    "close_reason",
    "verify_due",
    "answer_due",
    "response_due",
    "complete_due",
    "complete_limit",
    "first_response_at",
    "held_status",
    "hold_reason",
    "referred_to",
]
MIN_REFERRAL = 3


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What a citizen types ('asp 7k3m-q9xd') as a stored code ('7K3MQ9XD')."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if cleaned.startswith("ASP") and len(cleaned) == CODE_LENGTH + 3:
        cleaned = cleaned[3:]
    return cleaned[:32]


# --- Intake -----------------------------------------------------------------------------


def _clean_intake(data: dict[str, Any], *, contact_required: bool) -> dict[str, Any]:
    errors: dict[str, str] = {}
    region: Region | None = data.get("region")
    category: Category | None = data.get("category")
    if region is None or region.level != Region.Level.DESA:
        errors["region"] = _("Pilih desa atau kelurahan tempat aspirasi ini.")
    elif category is not None and category.kabupaten_id != region.kabupaten_code:
        errors["category"] = _("Kategori ini milik kabupaten lain.")
    if category is None or not category.is_active:
        errors["category"] = _("Pilih kategori.")
    for name in ("description", "location", "reporter_name"):
        if has_control_characters(str(data.get(name) or "")):
            errors[name] = _("Teks ini berisi karakter kendali yang tidak sah.")
    description = (data.get("description") or "").strip()
    if len(description) < 10:
        errors["description"] = _("Ceritakan aspirasi Anda, paling sedikit 10 huruf.")
    elif len(description) > 4000:
        errors["description"] = _("Paling panjang 4.000 huruf.")
    phone, email = clean_phone_and_email(
        data, phone_field="reporter_phone", email_field="reporter_email", errors=errors
    )
    if (
        contact_required
        and not phone
        and not email
        and "reporter_phone" not in errors
        and "reporter_email" not in errors
    ):
        errors["reporter_phone"] = _(
            "Tulis nomor HP atau email agar kami dapat mengabarkan tindak lanjutnya."
        )
    latitude, longitude = data.get("latitude"), data.get("longitude")
    if (latitude is None) != (longitude is None):
        errors["latitude"] = _("Isi lintang dan bujur, atau kosongkan keduanya.")
    elif (
        latitude is not None
        and longitude is not None
        and not (-11 <= latitude <= 6 and 94 <= longitude <= 142)
    ):
        errors["latitude"] = _("Titik ini berada di luar Indonesia.")
    visibility = data.get("visibility") or Aspiration.Visibility.ANONYMOUS
    if visibility not in Aspiration.Visibility.values:
        errors["visibility"] = _("Pilihan tidak dikenal.")
    report_type = data.get("report_type") or Aspiration.ReportType.ASPIRATION
    if report_type not in Aspiration.ReportType.values:
        errors["report_type"] = _("Pilihan tidak dikenal.")
    if errors:
        raise ValidationError(errors)
    return {
        "region": region,
        "category": category,
        "description": description,
        "location": (data.get("location") or "").strip()[:200],
        "latitude": latitude,
        "longitude": longitude,
        "visibility": visibility,
        "report_type": report_type,
        "reporter_name": " ".join((data.get("reporter_name") or "").split())[:120],
        "reporter_phone": phone,
        "reporter_email": email,
    }


def _check_photos(files: Iterable[IO[bytes]]) -> list[tuple[bytes, int, int]]:
    files = [f for f in files if f]
    if len(files) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Paling banyak %(n)s foto.") % {"n": MAX_PHOTOS}})
    checked = []
    for file in files:
        try:
            checked.append(clean_jpeg(file, max_side=PHOTO_MAX_SIDE))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from None
    return checked


def _check_answer_files(files: list[IO[bytes]]) -> list[CheckedFile]:
    """PDFs for an answer, checked as information attachments are (no scripts, no
    password, content not name); photos go through the photo field."""
    if len(files) > MAX_ANSWER_FILES:
        raise ValidationError({"files": _("Paling banyak %(n)s berkas.") % {"n": MAX_ANSWER_FILES}})
    checked = []
    for file in files:
        try:
            result = check_attachment(file)
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from None
        if result.kind != "pdf":
            raise ValidationError(
                {"files": _("Lampirkan foto pada kolom foto; kolom ini untuk berkas PDF.")}
            )
        checked.append(result)
    return checked


def aspiration_submit(
    *,
    data: dict[str, Any],
    photos: Iterable[IO[bytes]] = (),
    channel: str = Aspiration.Channel.WEB,
    kim: Kim | None = None,
    actor: User | None = None,
    client_id: str | None = None,
    on_stored: Callable[[Aspiration], None] | None = None,
) -> tuple[Aspiration, bool]:
    """Receive an aspiration; returns (case, created). A client_id already seen returns
    the case it made, so a retried submission never makes a second case. A new case
    carries its reporter's key as ``case.reporter_key`` (stored nowhere in clear).
    ``on_stored(case)`` runs for a new case inside its transaction, after its rows: the
    public form writes the reporter's session there, so that one commit stores both.

    The client_id is not looked up first: retries are rare, so the unique constraint
    finds them at the insert, and the first case is returned then (a query saved on
    every submission, a fifth of the form's cost)."""
    try:
        values = _clean_intake(data, contact_required=channel == Aspiration.Channel.WEB)
        if kim is not None:
            region = values["region"]
            if not (region.pk == kim.region_id or region.pk.startswith(f"{kim.region_id}.")):
                raise ValidationError({"region": _("Desa ini di luar wilayah KIM Anda.")})
        checked = _check_photos(photos)
    except ValidationError:
        # A retry whose first copy went in, though the data would no longer pass (a
        # category switched off in between): the citizen gets the case they have.
        existing = _case_of_client(client_id)
        if existing is not None:
            return existing, False
        raise
    category: Category = values["category"]
    kabupaten_code = values["region"].kabupaten_code
    now = timezone.now()
    # No query for a free code first and no savepoint around the insert: the unique
    # constraint catches the rare collision (one in 28 million at 10,000 cases) and the
    # whole intake is tried again with another code.
    for attempt in range(5):
        code = new_code()
        try:
            with removed_on_failure() as stored, transaction.atomic():
                case = Aspiration(
                    code=code,
                    kabupaten_id=kabupaten_code,
                    channel=channel,
                    kim=kim,
                    recorded_by=actor if actor is not None and actor.is_authenticated else None,
                    client_id=client_id or None,
                    verify_due=add_working_days(
                        now, category.verify_days, kabupaten_code=kabupaten_code
                    ),
                    created_at=now,
                    **values,
                )
                # The reporter's secret (aspirations.reporter): the caller shows it once.
                key_row, case.reporter_key = new_key_row(case)
                event = CaseEvent(
                    aspiration=case,
                    kind=CaseEvent.Kind.STATUS,
                    to_status=Status.RECEIVED,
                    actor=case.recorded_by,
                    created_at=now,
                )
                audit = audit_row(
                    actor=case.recorded_by,
                    action=AuditAction.SUBMIT,
                    target=case,
                    after={"status": case.status, "channel": channel, "category": category.pk},
                )
                # The case, its key, its "diterima" event and its audit row: the INSERTs
                # their save() sends, in one round trip (core.compiled.insert_together).
                insert_together(
                    [
                        (case, {}),
                        (key_row, {"aspiration_id": case}),
                        (event, {"aspiration_id": case}),
                        (audit, {"target_id": case}),
                    ]
                )
                for data_bytes, width, height in checked:
                    photo = AspirationPhoto(aspiration=case, width=width, height=height)
                    photo.file.save(
                        f"{secrets.token_hex(16)}.jpg", ContentFile(data_bytes), save=False
                    )
                    stored.append(photo.file.name)
                    photo.save()
                _tell_citizen(case, event)
                if on_stored is not None:
                    on_stored(case)
            return case, True
        except IntegrityError:
            existing = _case_of_client(client_id)  # sent before, or twice at once
            if existing is not None:
                return existing, False
            if attempt == 4 or not Aspiration.objects.filter(code=code).exists():
                raise  # not a tracking-code collision
    raise AssertionError("unreachable")


def client_scoped_id(source: str, *, client: str, key: str) -> str:
    """The stored client_id of an idempotency key: the key counts only for the client
    that sent it (an API token, an Open311 device), so that another client sending the
    same key makes its own case instead of getting this one. Hashed: any length of key
    and client fits, and no two of them share an id by being cut short."""
    digest = hashlib.sha256(f"{client}\n{key}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"{source}:{digest[:48]}"


def _case_of_client(client_id: str | None) -> Aspiration | None:
    if not client_id:
        return None
    return Aspiration.objects.filter(client_id=client_id).first()


def _tell_citizen(case: Aspiration, event: CaseEvent) -> None:
    """Mail the citizen about a public step, after commit, in the background."""
    if not event.is_public:
        return

    if case.reporter_email:
        enqueue_on_commit("jembatan.aspirations.tasks.mail_citizen", event.pk)
    if case.reporter_phone and gateway_enabled(case.kabupaten_id):
        enqueue_on_commit("jembatan.aspirations.tasks.text_citizen", event.pk)
    # The reporters of duplicates merged into this case follow it (aspirations.merge).
    if event.to_status != Status.RECEIVED:
        followers = Aspiration.objects.filter(merged_into=case).filter(
            ~Q(reporter_email="") | ~Q(reporter_phone="")
        )
        for pk in followers.values_list("pk", flat=True):
            enqueue_on_commit("jembatan.aspirations.tasks.tell_follower", event.pk, pk)


# --- Workflow ---------------------------------------------------------------------------

S = Status


def _staff(user: User, case: Aspiration) -> bool:
    return is_operator(user) or administers(user, case)


def _verifier(user: User, case: Aspiration) -> bool:
    """Who verifies a case or closes it: Diskominfo of the kabupaten (and operators).
    A KIM pengurus does not: they flag a likely duplicate or spam (aspiration_flag) and
    Diskominfo decides, so nothing leaves the desk without Diskominfo knowing."""
    return _staff(user, case)


def _local(user: User, case: Aspiration) -> bool:
    """Who adds local knowledge without working the case: a KIM pengurus of the place,
    the camat of the kecamatan. Internal notes only (and a flag, a nudge)."""
    return serves_as_kim(user, case) or is_camat_for(user, case)


def _handler(user: User, case: Aspiration) -> bool:
    return _staff(user, case) or handles(user, case)


def _office_side(user: User, case: Aspiration) -> bool:
    """The office's own officers (or staff standing in for them): who may send it back."""
    return case.office_id is not None and _handler(user, case)


ASPIRATION_MACHINE = Machine(
    noun=gettext_lazy("aspirasi"),
    transitions={
        "verify": Transition({S.RECEIVED}, S.VERIFIED, gettext_lazy("Verifikasi"), _verifier),
        "close": Transition({S.RECEIVED, S.VERIFIED}, S.CLOSED, gettext_lazy("Tutup"), _verifier),
        # "Bukan wewenang" (SP4N-LAPOR!): closed, naming the institution it belongs to.
        "refer": Transition(
            {S.RECEIVED, S.VERIFIED},
            S.CLOSED,
            gettext_lazy("Bukan wewenang: rujuk ke instansi lain"),
            _verifier,
        ),
        # "Tunda": on hold with a reason told to the citizen; the clocks stop.
        "hold": Transition(
            {S.RECEIVED, S.VERIFIED, S.DISPOSED, S.IN_PROGRESS},
            S.ON_HOLD,
            gettext_lazy("Tunda"),
            _handler,
        ),
        # Back to the status it was held in (Aspiration.held_status), deadlines moved.
        "resume": Transition({S.ON_HOLD}, None, gettext_lazy("Lanjutkan"), _handler),
        # Diskominfo may move a case to another office at any open stage, not only before
        # the office has started on it.
        "dispose": Transition(
            {S.VERIFIED, S.DISPOSED, S.IN_PROGRESS},
            S.DISPOSED,
            gettext_lazy("Disposisikan ke instansi"),
            _staff,
        ),
        "start": Transition(
            {S.DISPOSED}, S.IN_PROGRESS, gettext_lazy("Mulai tindak lanjut"), _handler
        ),
        "finish": Transition(
            {S.DISPOSED, S.IN_PROGRESS}, S.DONE, gettext_lazy("Selesaikan dengan jawaban"), _handler
        ),
        # The office says the case is not theirs: it goes back to Diskominfo to refer again.
        "return": Transition(
            {S.DISPOSED, S.IN_PROGRESS},
            S.VERIFIED,
            gettext_lazy("Kembalikan ke Diskominfo"),
            _office_side,
        ),
    },
)


# The citizen's answer to a finished case: accept it (the case stays done) or dispute it
# (the office works on it again). Only once per answer: see may_respond.
CITIZEN_MACHINE = Machine(
    noun=gettext_lazy("aspirasi"),
    transitions={
        "confirm": Transition({S.DONE}, None, gettext_lazy("Warga menerima jawaban.")),
        "dispute": Transition({S.DONE}, S.IN_PROGRESS, gettext_lazy("Warga belum puas.")),
    },
)


def may_respond(case: Aspiration) -> bool:
    """Whether the case waits for its citizen's response to the answer."""
    return bool(CITIZEN_MACHINE.available(case.status)) and case.citizen_confirmed is None


def case_version(case: Aspiration) -> str:
    """What an action form carries to tell whether the case changed since the page was
    loaded: its last change, in microseconds (every change to the case moves it)."""
    return str(int(case.updated_at.timestamp() * 1_000_000)) if case.updated_at else ""


def _check_version(locked: Aspiration, version: str | None) -> None:
    """Refuse an action taken on a page older than the case (another officer acted in
    between): nothing is changed and nothing recorded. ``None``: the caller keeps no
    version (the API, background jobs)."""
    if version is not None and version != case_version(locked):
        raise ValidationError(
            _(
                "Aspirasi ini sudah diubah petugas lain sejak halaman ini dibuka. "
                "Periksa riwayatnya di bawah, lalu ulangi tindakan Anda bila masih perlu."
            ),
            code="stale",
        )


def case_url(case: Aspiration) -> str:
    return reverse("aspirations:manage_detail", kwargs={"code": case.code})


def _kabupaten_staff(case: Aspiration):
    rows = Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id=case.kabupaten_id)
    return User.objects.filter(pk__in=rows.values("user_id"), is_active=True)


def _office_people(office_id: int):
    """The officers of an office, its head among them (the head is an officer too)."""
    rows = Membership.objects.filter(role=Role.OPD_OFFICER, office_id=office_id)
    return User.objects.filter(pk__in=rows.values("user_id"), is_active=True)


def _tell_staff(case: Aspiration, event: CaseEvent, *, previous_office_id: int | None) -> None:
    """Tell the people a step concerns, in the workspace and once by mail: the office a
    case was referred to (or moved away from, or reopened for) and Diskominfo when an
    office sends it back."""
    params = {"code": display_code(case.code)}
    url = case_url(case)
    if event.from_status == S.ON_HOLD:
        return  # back from "tunda" where it was: the people on it know the case
    if event.to_status == S.DISPOSED:
        params |= {
            "office": case.office.name if case.office else "",
            "due": case.answer_due.isoformat() if case.answer_due else "",
        }
        assert case.office_id is not None  # a case is referred to an office
        notify(
            recipients=_office_people(case.office_id),
            kind="aspiration.referred",
            key=f"aspiration.referred:{event.pk}",
            params=params,
            url=url,
        )
        if previous_office_id and previous_office_id != case.office_id:
            notify(
                recipients=_office_people(previous_office_id),
                kind="aspiration.moved",
                key=f"aspiration.moved:{event.pk}",
                params=params,
                url=url,
            )
    elif event.from_status in (S.DISPOSED, S.IN_PROGRESS) and event.to_status == S.VERIFIED:
        office = Office.objects.filter(pk=previous_office_id).first()  # type: ignore[misc]  # pk=None matches no row; the stubs refuse None
        notify(
            recipients=_kabupaten_staff(case),
            kind="aspiration.returned",
            key=f"aspiration.returned:{event.pk}",
            params=params | {"office": office.name if office else "", "reason": event.body},
            url=url,
        )
    elif event.from_status == S.DONE and event.to_status == S.IN_PROGRESS and case.office_id:
        notify(
            recipients=_office_people(case.office_id),
            kind="aspiration.reopened",
            key=f"aspiration.reopened:{event.pk}",
            params=params,
            url=url,
        )


def may_verify(user: User, case: Aspiration) -> bool:
    """Who verifies, closes, and decides on a KIM's flag: Diskominfo (and operators)."""
    return _verifier(user, case)


def may_answer(user: User, case: Aspiration) -> bool:
    """Who may write to the citizen (a public answer) and every kind of note: Diskominfo
    and the office's officers."""
    return _verifier(user, case) or _handler(user, case)


def may_note(user: User, case: Aspiration) -> bool:
    """Who may add an internal note: those who answer, a KIM pengurus of the place and
    the camat (local context)."""
    return may_answer(user, case) or _local(user, case)


OPEN_STATUSES = (S.RECEIVED, S.VERIFIED, S.DISPOSED, S.IN_PROGRESS)
NUDGE_INTERVAL = datetime.timedelta(days=1)


def may_nudge(user: User, case: Aspiration) -> bool:
    return CASE_STEPS["nudge"].starts_from(case.status) and is_camat_for(user, case)


def aspiration_nudge(*, actor: User, case: Aspiration, body: str = "") -> CaseEvent:
    """The camat asks whoever works the case now (the office's officers; Diskominfo
    before referral) to act on it: a notification, an internal entry of the timeline and
    an audit row. Once per case per day, whoever nudged last: more would be noise."""
    body = (body or "").strip()
    if len(body) > 1000:
        raise ValidationError({"body": _("Paling panjang 1.000 huruf.")})
    with transaction.atomic():
        locked = (
            Aspiration.objects.select_for_update(of=("self",))
            .select_related("office")
            .get(pk=case.pk)
        )
        if not is_camat_for(actor, locked):
            raise PermissionDenied(_("Hanya camat kecamatan ini yang dapat mendorong instansi."))
        if not CASE_STEPS["nudge"].starts_from(locked.status):
            raise ValidationError(_("Aspirasi ini sudah selesai atau ditutup."))
        now = timezone.now()
        last = (
            locked.events.filter(kind=CaseEvent.Kind.NUDGE, created_at__gt=now - NUDGE_INTERVAL)
            .order_by("-created_at")
            .first()
        )
        if last is not None:
            raise ValidationError(
                _(
                    "Aspirasi ini sudah didorong dalam 24 jam terakhir. "
                    "Dorongan berikutnya dapat dikirim sesudah %(time)s."
                )
                % {
                    "time": formats.date_format(
                        timezone.localtime(last.created_at + NUDGE_INTERVAL), "j F Y H:i"
                    )
                },
                code="nudged",
            )
        event = CaseEvent.objects.create(
            aspiration=locked,
            kind=CaseEvent.Kind.NUDGE,
            body=body,
            is_public=False,
            actor=actor,
            office=locked.office,
            created_at=now,
        )
        audit_record(actor=actor, action=AuditAction.NUDGE, target=locked, note=body)
        notify(
            recipients=case_staff(locked),
            kind="aspiration.nudged",
            key=f"aspiration.nudged:{event.pk}",
            params={"code": display_code(locked.code), "name": str(actor), "note": body},
            url=case_url(locked),
        )
    return event


FLAGGABLE = (S.RECEIVED, S.VERIFIED)

# Steps beside the workflow: they keep the status, and are taken only from these. Who may
# take them is each service's own check, with its own message (the camat, a pengurus).
CASE_STEPS = Machine(
    noun=gettext_lazy("aspirasi"),
    transitions={
        "nudge": Transition(OPEN_STATUSES, None),  # the camat asks the office to act
        "flag": Transition(FLAGGABLE, None),  # a KIM pengurus marks a duplicate or spam
        "take": Transition(OPEN_STATUSES, None),  # desk.aspiration_take
        "assign": Transition(OPEN_STATUSES, None),  # desk.aspiration_assign
        "extend": Transition(ANSWER_STAGE, None),  # desk.aspiration_extend
    },
)


def may_flag(user: User, case: Aspiration) -> bool:
    return (
        CASE_STEPS["flag"].starts_from(case.status)
        and serves_as_kim(user, case)
        and not case.flags.filter(outcome="").exists()
    )


def aspiration_flag(*, actor: User, case: Aspiration, reason: str, note: str = "") -> CaseFlag:
    """A KIM pengurus of the place marks the case as a likely duplicate or spam. The
    case stays as it is; Diskominfo is notified and confirms (closes it) or dismisses."""
    note = (note or "").strip()
    if reason not in CaseFlag.Reason.values:
        raise ValidationError({"reason": _("Pilih alasan penandaan.")})
    if len(note) > 2000:
        raise ValidationError({"note": _("Paling panjang 2.000 huruf.")})
    with transaction.atomic():
        locked = Aspiration.objects.select_for_update().get(pk=case.pk)
        if not serves_as_kim(actor, locked):
            raise PermissionDenied(_("Hanya pengurus KIM setempat yang dapat menandai aspirasi."))
        if not CASE_STEPS["flag"].starts_from(locked.status):
            raise ValidationError(_("Aspirasi ini sudah diteruskan, selesai atau ditutup."))
        if locked.flags.filter(outcome="").exists():
            raise ValidationError(_("Aspirasi ini sudah ditandai dan menunggu Diskominfo."))
        flag = CaseFlag.objects.create(
            aspiration=locked, reason=reason, note=note, flagged_by=actor
        )
        label = str(CaseFlag.Reason(reason).label)
        event = CaseEvent.objects.create(
            aspiration=locked,
            kind=CaseEvent.Kind.FLAG,
            body=f"{label}. {note}".strip() if note else label,
            is_public=False,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.FLAG,
            target=locked,
            after={"reason": reason},
            note=note,
        )
        notify(
            recipients=_kabupaten_staff(locked),
            kind="aspiration.flagged",
            key=f"aspiration.flagged:{event.pk}",
            params={"code": display_code(locked.code), "reason": label, "name": str(actor)},
            url=case_url(locked),
        )
    return flag


def aspiration_flag_resolve(
    *, actor: User, case: Aspiration, confirm: bool, body: str = "", version: str | None = None
) -> CaseFlag:
    """Diskominfo decides on the open flag: confirmed, the case is closed with the
    flag's reason (the citizen told, as for any closing); dismissed, it goes on as
    before. The pengurus who flagged is told either way."""
    with transaction.atomic():
        locked = Aspiration.objects.select_for_update().get(pk=case.pk)
        if not _verifier(actor, locked):
            raise PermissionDenied(_("Hanya Diskominfo yang memutuskan tanda dari KIM."))
        flag = locked.flags.select_for_update().filter(outcome="").first()
        if flag is None:
            raise ValidationError(_("Tidak ada tanda yang menunggu keputusan."))
        if confirm:
            if locked.status not in FLAGGABLE:
                raise ValidationError(_("Aspirasi ini sudah diteruskan, selesai atau ditutup."))
            aspiration_transition(
                actor=actor,
                case=locked,
                action="close",
                reason=Aspiration.CloseReason(flag.reason).value,
                body=body,
                version=version,
            )
        flag.outcome = CaseFlag.Outcome.CONFIRMED if confirm else CaseFlag.Outcome.DISMISSED
        flag.resolved_by = actor
        flag.resolved_at = timezone.now()
        flag.save(update_fields=["outcome", "resolved_by", "resolved_at"])
        outcome = str(CaseFlag.Outcome(flag.outcome).label)
        event = CaseEvent.objects.create(
            aspiration=locked,
            kind=CaseEvent.Kind.FLAG,
            body=outcome if confirm or not body else f"{outcome}. {body}",
            is_public=False,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.FLAG_CONFIRM if confirm else AuditAction.FLAG_DISMISS,
            target=locked,
            before={"flag": flag.reason},
            after={"outcome": flag.outcome},
            note=body,
        )
        if flag.flagged_by_id:
            notify(
                recipients=User.objects.filter(pk=flag.flagged_by_id),
                kind="aspiration.flag_resolved",
                key=f"aspiration.flag_resolved:{event.pk}",
                params={"code": display_code(locked.code), "outcome": outcome},
                url=case_url(locked),
            )
    return flag


def actions_for_user(user: User, case: Aspiration) -> list[str]:
    return ASPIRATION_MACHINE.available(case.status, user, case)


def aspiration_transition(
    *,
    actor: User,
    case: Aspiration,
    action: str,
    office: Office | None = None,
    reason: str = "",
    body: str = "",
    referred_to: str = "",
    version: str | None = None,
) -> Aspiration:
    """Take one workflow step. ``body`` is shown to the citizen (the answer, or why a
    case was closed); dispose needs ``office``, close needs ``reason``; return needs
    ``body``, the office's reason, which stays internal; hold needs ``body``, the reason
    (the citizen reads it); refer needs ``referred_to``, the institution that has the
    authority (the citizen reads it). ``version``: the case's
    ``case_version`` when the page was loaded; a changed case refuses the step."""
    step_target = ASPIRATION_MACHINE.step(action).target
    body = (body or "").strip()
    with transaction.atomic():
        locked = (
            Aspiration.objects.select_for_update(of=("self",))
            .select_related("category")
            .get(pk=case.pk)
        )
        ASPIRATION_MACHINE.require_permitted(action, actor, locked)
        _check_version(locked, version)
        ASPIRATION_MACHINE.require_state(action, locked.status, locked.get_status_display())
        before = snapshot(locked, CASE_FIELDS)
        now = timezone.now()
        # Every step moves the case; "resume" goes back to where it was put on hold.
        target = step_target if step_target is not None else locked.held_status
        assert target
        if action == "close":
            if reason not in Aspiration.CloseReason.values:
                raise ValidationError({"reason": _("Pilih alasan penutupan.")})
            if reason == Aspiration.CloseReason.OUT_OF_SCOPE:
                # The citizen must learn where to go: that is the "refer" step.
                raise ValidationError(
                    {"reason": _("Untuk aspirasi yang bukan wewenang, pakai langkah rujukan.")}
                )
            locked.close_reason = reason
        if action == "refer":
            referred_to = " ".join((referred_to or "").split())
            if not MIN_REFERRAL <= len(referred_to) <= 200 or has_control_characters(referred_to):
                raise ValidationError({"referred_to": _("Tuliskan nama instansi yang berwenang.")})
            locked.close_reason = Aspiration.CloseReason.OUT_OF_SCOPE
            locked.referred_to = referred_to
            note = _(
                "Aspirasi ini bukan wewenang pemerintah daerah ini. Silakan sampaikan "
                "kepada: %(name)s."
            ) % {"name": referred_to}
            body = f"{note}\n\n{body}" if body else note
        if action == "hold":
            if len(body) < 5:
                raise ValidationError(
                    {"body": _("Tuliskan alasan penundaan untuk warga (paling sedikit 5 huruf).")}
                )
            locked.held_status = before["status"]
            locked.held_at = now
            locked.hold_reason = body[:500]
        if action == "resume":
            shift = deadlines.resume_shift(locked, now)
            body = body or _("Penanganan aspirasi ini dilanjutkan.")
            locked.held_status = ""
            locked.held_at = None
            locked.hold_reason = ""
        if action == "dispose":
            if office is None or office.kabupaten_id != locked.kabupaten_id:
                raise ValidationError({"office": _("Pilih instansi di kabupaten ini.")})
            if locked.office_id != office.pk:
                locked.assignee = None  # the officer who had it works elsewhere
            locked.office = office
            deadlines.start_answer_clocks(locked, now, response_days=locked.category.answer_days)
        if action in ("start", "finish"):
            deadlines.mark_first_response(locked, now)
        if action == "finish" and not body:
            raise ValidationError({"body": _("Tuliskan jawaban untuk warga.")})
        previous_office_id = locked.office_id if action != "dispose" else before["office"]
        if action == "return":
            if len(body) < 5:
                raise ValidationError(
                    {"body": _("Tuliskan mengapa aspirasi ini bukan urusan instansi Anda.")}
                )
            locked.office = None
            locked.assignee = None
            locked.answer_due = None
            locked.response_due = None
            locked.complete_due = None
            locked.complete_limit = None
            locked.first_response_at = None
        locked.status = target
        locked.save(update_fields=[*CASE_FIELDS, "held_at", "updated_at"])
        event = CaseEvent.objects.create(
            aspiration=locked,
            kind=CaseEvent.Kind.STATUS,
            from_status=before["status"],
            to_status=target,
            body=body,
            # The office's reason for sending a case back is for Diskominfo, not the
            # citizen, whose case simply waits for the right office.
            is_public=action != "return",
            actor=actor,
            office=locked.office if action in ("dispose", "start", "finish") else None,
            created_at=now,
        )
        _tell_citizen(locked, event)
        _tell_staff(locked, event, previous_office_id=previous_office_id)
        after = snapshot(locked, CASE_FIELDS)
        if action == "resume":
            after["paused"] = shift
        audit_record(
            actor=actor,
            action=AuditAction(f"aspiration.{action}"),
            target=locked,
            before=before,
            after=after,
            note=body,
        )
    return locked


def aspiration_comment(
    *,
    actor: User,
    case: Aspiration,
    body: str,
    public: bool,
    version: str | None = None,
    photos: Iterable[IO[bytes]] = (),
    files: Iterable[IO[bytes]] = (),
) -> CaseEvent:
    """A public answer (citizen sees it) or an internal note (staff only). A public
    answer counts as a change of the case: given the ``version`` of the page it was
    written on, it is refused when another answer (or step) came in between, so two
    officers answering at once do not both reach the citizen. A KIM pengurus of the
    place and the camat write internal notes only (local context). ``files``: PDFs for
    a public answer, kept private (AnswerFile)."""
    if not may_answer(actor, case) and (public or not _local(actor, case)):
        raise PermissionDenied(_("Anda tidak berhak menanggapi aspirasi ini."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Tulisan tidak boleh kosong.")})
    if len(body) > 4000:
        raise ValidationError({"body": _("Paling panjang 4.000 huruf.")})
    kind = CaseEvent.Kind.ANSWER if public else CaseEvent.Kind.NOTE
    photos = [f for f in photos if f]
    if photos and not public:
        raise ValidationError({"photos": _("Foto hanya dapat dilampirkan pada jawaban publik.")})
    files = [f for f in files if f]
    if files and not public:
        raise ValidationError({"files": _("Berkas hanya dapat dilampirkan pada jawaban publik.")})
    checked = _check_photos(photos)
    checked_files = _check_answer_files(files)
    with (
        removed_on_failure() as stored,
        removed_on_failure(private_storage()) as stored_private,
        transaction.atomic(),
    ):
        if public:
            locked = Aspiration.objects.select_for_update().get(pk=case.pk)
            _check_version(locked, version)
            fields = ["updated_at"]
            # The office's public answer is its first response (LAPOR!'s 5 working days).
            if locked.awaits_first_response and _handler(actor, locked):
                deadlines.mark_first_response(locked, timezone.now())
                fields += ["first_response_at", "answer_due"]
            locked.save(update_fields=fields)
            case.updated_at = locked.updated_at
            case.first_response_at = locked.first_response_at
            case.answer_due = locked.answer_due
        event = CaseEvent.objects.create(
            aspiration=case, kind=kind, body=body, is_public=public, actor=actor
        )
        for data_bytes, width, height in checked:
            photo = AspirationPhoto(aspiration=case, event=event, width=width, height=height)
            photo.file.save(f"{secrets.token_hex(16)}.jpg", ContentFile(data_bytes), save=False)
            stored.append(photo.file.name)
            photo.save()
        for checked_file in checked_files:
            row = AnswerFile(
                aspiration=case, event=event, name=checked_file.name, size=checked_file.size
            )
            row.file.save(storage_name(checked_file), checked_file.content, save=False)
            stored_private.append(row.file.name)
            row.save()
        audit_record(actor=actor, action=AuditAction(f"aspiration.{kind}"), target=case, note=body)
        if public:
            _tell_citizen(case, event)
    return event


def citizen_follow_up(*, case: Aspiration, body: str, actor: User | None = None) -> CaseEvent:
    """The citizen (holder of the reporter's key) adds information; officers see it.
    ``actor``: the KIM member acting for a neighbour, on record."""
    body = (body or "").strip()
    if len(body) < 3:
        raise ValidationError({"body": _("Tulisan terlalu pendek.")})
    if len(body) > 2000:
        raise ValidationError({"body": _("Paling panjang 2.000 huruf.")})
    if case.status == S.CLOSED:
        raise ValidationError(_("Aspirasi ini sudah ditutup."))
    with transaction.atomic():
        event = CaseEvent.objects.create(
            aspiration=case,
            kind=CaseEvent.Kind.FOLLOW_UP,
            body=body,
            is_public=False,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        audit_record(actor=actor, action=AuditAction.FOLLOW_UP, target=case, note=body)

        notify(
            recipients=case_staff(Aspiration.objects.get(pk=case.pk)),
            kind="aspiration.follow_up",
            key=f"aspiration.follow_up:{event.pk}",
            params={"code": display_code(case.code)},
            url=reverse("aspirations:manage_detail", kwargs={"code": case.code}),
        )
    return event


def case_staff(case: Aspiration):
    """Who works the case now: the assigned office's officers, else Diskominfo."""
    if case.office_id:
        rows = Membership.objects.filter(role=Role.OPD_OFFICER, office_id=case.office_id)
    else:
        rows = Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id=case.kabupaten_id)
    return User.objects.filter(pk__in=rows.values("user_id"), is_active=True)


def citizen_respond(
    *,
    case: Aspiration,
    accept: bool,
    rating: int | None,
    body: str = "",
    actor: User | None = None,
) -> Aspiration:
    """After an answer: the citizen confirms (and rates it) or disputes, which reopens it.
    ``actor``: the KIM member acting for a neighbour, on record."""
    body = (body or "").strip()[:2000]
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Nilai 1 sampai 5.")})
    with transaction.atomic():
        locked = Aspiration.objects.select_for_update().get(pk=case.pk)
        step = CITIZEN_MACHINE["confirm" if accept else "dispute"]
        if not step.starts_from(locked.status) or locked.citizen_confirmed is not None:
            raise ValidationError(_("Aspirasi ini tidak sedang menunggu tanggapan Anda."))
        before = snapshot(locked, [*CASE_FIELDS, "citizen_confirmed", "rating"])
        from_status = locked.status
        locked.rating = rating
        locked.status = step.leads_to(from_status)
        if accept:
            locked.citizen_confirmed = True
        else:
            # A new round: the office responds to the dispute and completes it anew.
            deadlines.start_answer_clocks(
                locked,
                timezone.now(),
                response_days=Category.objects.get(pk=locked.category_id).answer_days,
            )
        locked.save(
            update_fields=[
                "citizen_confirmed",
                "rating",
                "status",
                "answer_due",
                "response_due",
                "complete_due",
                "complete_limit",
                "first_response_at",
                "updated_at",
            ]
        )
        event = CaseEvent.objects.create(
            aspiration=locked,
            kind=CaseEvent.Kind.STATUS,
            from_status=from_status,
            to_status=locked.status,
            body=body or (_("Warga menerima jawaban.") if accept else _("Warga belum puas.")),
            is_public=True,
        )
        if not accept:
            _tell_staff(locked, event, previous_office_id=locked.office_id)
        audit_record(
            actor=actor,
            action=AuditAction.CONFIRM if accept else AuditAction.DISPUTE,
            target=locked,
            before=before,
            after=snapshot(locked, [*CASE_FIELDS, "citizen_confirmed", "rating"]),
            note=body,
        )
    return locked


# --- Deadlines ----------------------------------------------------------------------


def escalate_overdue(*, today=None, now=None) -> int:
    """Tell Diskominfo and the head of the assigned office (its officers when it has no
    head on record) about cases past their deadline, once per case and stage. Returns
    the number of cases escalated.

    A case is late once its due date has passed in its own kabupaten's time zone: the
    hourly run at 16:05 UTC escalates a WITA case due yesterday (it is 00:05 there) and
    not yet a WIB one (23:05). ``today`` fixes one date for every case (tests, commands).
    """
    now = now or timezone.now()
    # The latest date anywhere (UTC+14): no case of any zone is late before it.
    latest = today or timezone.localdate(now, datetime.timezone(datetime.timedelta(hours=14)))
    overdue = Aspiration.objects.filter(
        Q(status__in=VERIFY_STAGE, verify_due__lt=latest)
        | Q(status__in=ANSWER_STAGE, answer_due__lt=latest)
        | Q(status__in=ANSWER_STAGE, complete_due__lt=latest)
    ).select_related("category")
    escalated = 0
    with notification_batch():
        for case in overdue.iterator(chunk_size=500):
            local_today = today or local_date(now, case.kabupaten_id)
            made = False
            # Each clock on its own (verify and refer, first response, completion).
            for clock in deadlines.overdue_clocks(case, local_today):
                made = _escalate(case, clock) or made
            escalated += made
    return escalated


def _escalate(case: Aspiration, clock: deadlines.Clock) -> bool:
    staff = Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id=case.kabupaten_id)
    if case.office_id:
        officers = Membership.objects.filter(role=Role.OPD_OFFICER, office_id=case.office_id)
        # The head of the office; its officers when no head is recorded, so that
        # an escalation always reaches someone in the office.
        heads = officers.filter(is_head=True)
        staff = staff | (heads if heads.exists() else officers)
    if case.visibility != Aspiration.Visibility.CONFIDENTIAL:
        # The camat of the kecamatan follows its cases (never a confidential one).
        kecamatan = case.region_id.rsplit(".", 1)[0]
        staff = staff | Membership.objects.filter(role=Role.CAMAT, region_id=kecamatan)
    users = User.objects.filter(pk__in=staff.values("user_id"), is_active=True)
    due = clock.due
    # The first two clocks keep the key they had before there were three.
    stage = "selesai-batas" if clock.name == "complete" else case.status
    made = notify(
        recipients=users,
        kind="aspiration.overdue",
        key=f"aspiration.overdue:{case.pk}:{stage}:{due.isoformat()}",
        params={
            "code": display_code(case.code),
            # The clock in the status's words (the kind's text has no place of its own
            # for it, and older notifications keep rendering): "Didisposisikan
            # (respons pertama instansi)".
            "status": f"{case.get_status_display()} ({clock.label.lower()})",
            "clock": clock.name,
            "due": due.isoformat(),
        },
        url=case_url(case),
    )
    return bool(made)


# --- Personal data (UU 27/2022) ---------------------------------------------------------


def mask(value: str) -> str:
    """Enough of a contact to recognise it, not enough to use it: +62812****7890."""
    if not value:
        return ""
    if "@" in value:
        name, _at, domain = value.partition("@")
        return f"{name[:2]}***@{domain}"
    if len(value) <= 6:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}" if len(value) > 10 else "****"


def mask_name(name: str) -> str:
    """'Budi Santoso' → 'B*** S******'."""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in (name or "").split())


def contact_erase(*, case: Aspiration, actor: User | None = None, reason: str) -> bool:
    """Erase the reporter's personal data from a case (name, contact, own photos and
    texts, the personal text of its audit rows); the case itself stays. Through the
    personal-data registry (aspirations.personal_data)."""
    return personal_data_registry.erase(personal_data.KEY, case, actor=actor, reason=reason)


def contact_retention_days() -> int:
    return personal_data.retention_days()


def purge_old_contacts(*, now=None) -> int:
    """Erase the reporter's data of cases resolved or closed longer ago than the
    retention period (aspirations.personal_data). Returns how many cases were cleared."""
    return personal_data.purge_reporters(now=now)


# --- categories (Diskominfo: routing office and deadlines) -------------------------------

CATEGORY_FIELDS = ["name", "office", "verify_days", "answer_days", "is_active"]


def _check_category(
    actor: User, kabupaten_code: str, values: dict[str, Any], *, exclude_pk: int | None
) -> None:
    if not administers_kabupaten(actor, kabupaten_code):
        raise PermissionDenied(_("Hanya Diskominfo yang mengatur kategori aspirasi."))
    office = values.get("office")
    if office is not None and office.kabupaten_id != kabupaten_code:
        raise ValidationError({"office": _("Instansi ini bukan instansi kabupaten ini.")})
    name = values.get("name")
    taken = Category.objects.filter(kabupaten_id=kabupaten_code, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if name and taken.exists():
        raise ValidationError({"name": _("Kategori ini sudah ada.")})


def category_create(*, actor: User, kabupaten: Region, data: dict[str, Any]) -> Category:
    values = {k: data[k] for k in CATEGORY_FIELDS if k in data}
    # Deadlines not given are the tenant's defaults (then the model's).
    tenant = tenant_for_region(kabupaten.code)
    if tenant is not None:
        for name in ("verify_days", "answer_days"):
            if values.get(name) is None:
                values[name] = getattr(tenant, name)
    _check_category(actor, kabupaten.code, values, exclude_pk=None)
    return audited_create(
        actor=actor,
        model=Category,
        data={"kabupaten": kabupaten, **values},
        action=AuditAction.CATEGORY_CREATE,
        recorded=CATEGORY_FIELDS,
    )


def category_update(*, actor: User, category: Category, data: dict[str, Any]) -> Category:
    values = {k: data[k] for k in CATEGORY_FIELDS if k in data}
    _check_category(actor, category.kabupaten_id, values, exclude_pk=category.pk)
    with transaction.atomic():
        # The stored row, not the caller's copy (a bound ModelForm has already changed it).
        locked = Category.objects.select_for_update().get(pk=category.pk)
        locked, _changed = audited_update(
            actor=actor, instance=locked, data=values, action=AuditAction.CATEGORY_UPDATE
        )
    return locked
