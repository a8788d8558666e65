from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Notification, Role
from jembatan.core.models import Holiday
from jembatan.core.workdays import clear_cache
from jembatan.disclosure import services
from jembatan.disclosure.models import InfoDocument, InformationRequest, Objection
from jembatan.disclosure.tests.conftest import MONDAY, pdf_bytes, request_data
from jembatan.testing.factories import (
    InfoDocumentFactory,
    MembershipFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db


def submit(body, **overrides):
    return services.information_request_submit(data=request_data(body, **overrides), now=MONDAY)


def test_submit_numbers_deadline_audit_and_notice(ppid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(ppid.opd)
    second = submit(ppid.opd)
    year = timezone.localdate().year
    assert first.number == f"PPID-{year}-000001"
    assert second.number == f"PPID-{year}-000002"
    assert len(first.token) >= 30 and first.token != second.token
    assert first.due_date == datetime.date(2026, 3, 16)  # 10 working days
    row = audit_for(first).get(action="ppid.request_submit")
    assert "Maria" not in str(row.after) and "6107045203900001" not in str(row.after)
    assert Notification.objects.filter(
        recipient=ppid.officer, kind="ppid.request_new", key=f"ppid.request_new:{first.pk}"
    ).exists()
    mails = [m for m in mail.outbox if "maria@example.test" in m.to]
    assert len(mails) == 1 and first.number in mails[0].body
    assert first.token in mails[0].body


def test_deadline_skips_holidays(ppid):
    Holiday.objects.create(date=datetime.date(2026, 3, 4), name="Libur contoh")
    clear_cache()
    request = submit(ppid.kabupaten)
    assert request.due_date == datetime.date(2026, 3, 17)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"requester_nik": ""}, "requester_nik"),
        ({"requester_nik": "12345"}, "requester_nik"),
        ({"requester_name": ""}, "requester_name"),
        ({"requester_address": ""}, "requester_address"),
        ({"requester_phone": "", "requester_email": "", "delivery": "ambil"}, "requester_phone"),
        (
            {"requester_kind": "badan_hukum", "requester_nik": "", "requester_legal_basis": ""},
            "requester_legal_basis",
        ),
        ({"information": "apa"}, "information"),
    ],
)
def test_missing_identity_is_refused_and_nothing_stored(ppid, overrides, field):
    with pytest.raises(ValidationError) as exc:
        submit(ppid.kabupaten, **overrides)
    assert field in exc.value.message_dict
    assert InformationRequest.objects.count() == 0


def test_legal_entity_with_deed_needs_no_nik(ppid):
    request = submit(
        ppid.kabupaten,
        requester_kind="badan_hukum",
        requester_nik="",
        requester_legal_basis="AHU-0012345.AH.01.07 Tahun 2020",
    )
    assert request.requester_legal_basis.startswith("AHU")


def test_request_for_exempt_information_is_refused_with_reason(ppid):
    exempt = InfoDocumentFactory(
        body=ppid.desa,
        category="dikecualikan",
        exemption_ground="h",
        exemption_reason="Memuat data pribadi penerima bantuan.",
        exemption_harm="Membuka rahasia pribadi warga penerima.",
    )
    with pytest.raises(ValidationError) as exc:
        submit(ppid.desa, document=exempt)
    message = " ".join(exc.value.message_dict["document"])
    assert "dikecualikan" in message and "Memuat data pribadi penerima bantuan." in message
    assert InformationRequest.objects.count() == 0


def test_extend_once_by_seven_working_days(ppid):
    request = submit(ppid.opd)
    with pytest.raises(ValidationError):
        services.information_request_extend(actor=ppid.officer, request=request, reason="")
    extended = services.information_request_extend(
        actor=ppid.officer, request=request, reason="Dokumen masih di arsip kecamatan."
    )
    assert extended.status == "diperpanjang"
    assert extended.due_date == datetime.date(2026, 3, 25)  # 16 March + 7 working days
    with pytest.raises(ValidationError) as exc:
        services.information_request_extend(
            actor=ppid.officer, request=extended, reason="Masih perlu waktu lagi."
        )
    assert "hanya sekali" in " ".join(exc.value.messages)
    extended.refresh_from_db()
    assert extended.due_date == datetime.date(2026, 3, 25)
    assert audit_for(extended).filter(action="ppid.request_extend").count() == 1


def test_only_the_body_staff_may_act(ppid, two_tenants):
    request = submit(ppid.opd)
    for outsider in (ppid.other_admin, two_tenants.a.owner):
        with pytest.raises(PermissionDenied):
            services.information_request_extend(
                actor=outsider, request=request, reason="Bukan urusan saya."
            )
    # The kabupaten admin manages every body of the kabupaten.
    services.information_request_extend(
        actor=ppid.admin, request=request, reason="Menunggu data dari bidang."
    )


def test_refusal_needs_legal_ground_and_answer_is_final(ppid, django_capture_on_commit_callbacks):
    request = submit(ppid.kabupaten)
    with pytest.raises(ValidationError) as exc:
        services.information_request_answer(
            actor=ppid.admin, request=request, outcome="ditolak", text="Tidak dapat diberikan."
        )
    assert "grounds" in exc.value.message_dict
    request.refresh_from_db()
    assert request.status == "diterima"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answered = services.information_request_answer(
            actor=ppid.admin,
            request=request,
            outcome="ditolak",
            grounds=["h"],
            text="Informasi memuat data pribadi warga.",
        )
    assert answered.status == "dijawab" and answered.refusal_grounds == ["h"]
    assert len(mail.outbox) == 1 and "Ditolak" in mail.outbox[0].body
    # A retried or duplicated task never mails the same step again.
    from jembatan.disclosure.tasks import mail_requester

    assert mail_requester.call_local(answered.pk, "answered") is False
    assert len(mail.outbox) == 1
    with pytest.raises(ValidationError):
        services.information_request_answer(
            actor=ppid.admin, request=answered, outcome="dikabulkan", text="Berubah pikiran."
        )
    with pytest.raises(ValidationError):
        services.information_request_extend(
            actor=ppid.admin, request=answered, reason="Terlambat memperpanjang."
        )


def test_answer_with_file(ppid):
    request = submit(ppid.kabupaten)
    upload = SimpleUploadedFile("apbdes.pdf", pdf_bytes(), content_type="application/pdf")
    answered = services.information_request_answer(
        actor=ppid.admin,
        request=request,
        outcome="dikabulkan",
        text="Terlampir salinan APBDes.",
        file=upload,
    )
    assert answered.answer_file.name.endswith(".pdf")
    assert answered.answer_file_name == "apbdes.pdf"


def _answered(ppid, when=MONDAY):
    request = submit(ppid.kabupaten)
    request = services.information_request_answer(
        actor=ppid.admin, request=request, outcome="ditolak", grounds=["a"], text="Ditolak ya."
    )
    InformationRequest.objects.filter(pk=request.pk).update(answered_at=when)
    request.refresh_from_db()
    return request


def test_objection_within_window(ppid, django_capture_on_commit_callbacks):
    request = _answered(ppid)
    with django_capture_on_commit_callbacks(execute=True):
        objection = services.objection_submit(
            request=request,
            reasons=["a"],
            text="Informasi ini bukan rahasia pribadi.",
            now=MONDAY + datetime.timedelta(days=14),
        )
    assert objection.number.startswith("KBR-")
    assert objection.due_date == datetime.date(2026, 4, 27)  # 16 March + 30 working days
    assert Notification.objects.filter(recipient=ppid.admin, kind="ppid.objection_new").exists()
    with pytest.raises(ValidationError) as exc:
        services.objection_submit(
            request=request, reasons=["a"], text="Sekali lagi keberatan.", now=MONDAY
        )
    assert "sudah diajukan" in " ".join(exc.value.messages)
    assert Objection.objects.count() == 1


def test_objection_after_window_is_refused(ppid):
    request = _answered(ppid)
    # 30 working days after Monday 2 March 2026 is Monday 13 April 2026.
    late = timezone.make_aware(datetime.datetime(2026, 4, 14, 9, 0))
    with pytest.raises(ValidationError) as exc:
        services.objection_submit(
            request=request, reasons=["a"], text="Saya keberatan atas jawaban.", now=late
        )
    assert "sudah lewat" in " ".join(exc.value.messages)
    assert Objection.objects.count() == 0
    ok = timezone.make_aware(datetime.datetime(2026, 4, 13, 16, 0))
    assert services.objection_submit(
        request=request, reasons=["a"], text="Saya keberatan atas jawaban.", now=ok
    )


def test_objection_before_answer_or_deadline_is_refused(ppid):
    request = submit(ppid.kabupaten)
    with pytest.raises(ValidationError) as exc:
        services.objection_submit(
            request=request, reasons=["c"], text="Belum dijawab juga.", now=MONDAY
        )
    assert "setelah permohonan dijawab" in " ".join(exc.value.messages)
    assert Objection.objects.count() == 0
    # Once the deadline passed unanswered, the requester may object.
    after_due = timezone.make_aware(datetime.datetime(2026, 3, 17, 9, 0))
    objection = services.objection_submit(
        request=request, reasons=["c"], text="Tidak ditanggapi.", now=after_due
    )
    assert objection.reasons == ["c"]


def test_objection_decided_by_superior_only(ppid):
    request = _answered(ppid)
    objection = services.objection_submit(
        request=request, reasons=["a"], text="Bukan informasi rahasia.", now=MONDAY
    )
    with pytest.raises(PermissionDenied):
        services.objection_decide(
            actor=ppid.officer, objection=objection, decision="dikabulkan", text="Dikabulkan ya."
        )
    # The admin answered the request, so they may not judge the objection against it.
    with pytest.raises(PermissionDenied):
        services.objection_decide(
            actor=ppid.admin, objection=objection, decision="ditolak", text="Jawaban saya benar."
        )
    superior = UserFactory(full_name="Sekretaris Daerah")
    MembershipFactory(user=superior, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    with pytest.raises(ValidationError):
        services.objection_decide(actor=superior, objection=objection, decision="x", text="")
    decided = services.objection_decide(
        actor=superior,
        objection=objection,
        decision="dikabulkan",
        text="PPID diperintahkan memberikan salinan.",
    )
    assert decided.status == "diputus" and decided.decided_by == superior
    with pytest.raises(ValidationError):
        services.objection_decide(
            actor=superior, objection=decided, decision="ditolak", text="Berubah pikiran."
        )


def test_reminder_and_escalation_once_each(ppid):
    request = submit(ppid.opd)  # due Monday 16 March
    # Thursday 12 March: two working days before the deadline.
    assert services.remind_and_escalate(today=datetime.date(2026, 3, 11)) == (0, 0)
    assert services.remind_and_escalate(today=datetime.date(2026, 3, 12)) == (1, 0)
    assert services.remind_and_escalate(today=datetime.date(2026, 3, 13)) == (0, 0)
    assert (
        Notification.objects.filter(recipient=ppid.officer, kind="ppid.request_due_soon").count()
        == 1
    )
    assert services.remind_and_escalate(today=datetime.date(2026, 3, 17)) == (0, 1)
    assert services.remind_and_escalate(today=datetime.date(2026, 3, 18)) == (0, 0)
    assert Notification.objects.filter(
        recipient=ppid.admin, kind="ppid.request_overdue", key__contains=str(request.pk)
    ).exists()
    services.information_request_answer(
        actor=ppid.officer, request=request, outcome="tidak_dikuasai", text="Tidak ada arsipnya."
    )
    assert services.remind_and_escalate(today=datetime.date(2026, 4, 17)) == (0, 0)


def test_exempt_document_needs_reason_and_never_a_file(ppid):
    data = {
        "title": "Data penerima BLT",
        "category": "dikecualikan",
        "owner": "Kasi Kesejahteraan",
        "period": "2026",
        "format": "XLSX",
    }
    with pytest.raises(ValidationError) as exc:
        services.info_document_save(actor=ppid.admin, body=ppid.desa, data=data)
    assert {"exemption_ground", "exemption_reason", "exemption_harm"} <= set(exc.value.message_dict)
    data |= {
        "exemption_ground": "h",
        "exemption_reason": "Memuat NIK dan alamat warga.",
        "exemption_harm": "Data pribadi dapat disalahgunakan.",
    }
    upload = SimpleUploadedFile("blt.pdf", pdf_bytes(), content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.info_document_save(actor=ppid.admin, body=ppid.desa, data=data, file=upload)
    assert "file" in exc.value.message_dict
    assert InfoDocument.objects.count() == 0
    document = services.info_document_save(actor=ppid.admin, body=ppid.desa, data=data)
    assert document.is_exempt and not document.file


def test_changing_to_exempt_removes_the_file(ppid):
    upload = SimpleUploadedFile("apbdes.pdf", pdf_bytes(), content_type="application/pdf")
    data = {"title": "APBDes", "category": "berkala", "owner": "Sekdes", "period": "2026"}
    data["format"] = "PDF"
    document = services.info_document_save(actor=ppid.admin, body=ppid.desa, data=data, file=upload)
    assert document.file
    data |= {
        "category": "dikecualikan",
        "exemption_ground": "i",
        "exemption_reason": "Rancangan yang belum disahkan.",
        "exemption_harm": "Menimbulkan salah paham sebelum disahkan.",
    }
    document = services.info_document_save(
        actor=ppid.admin, body=ppid.desa, data=data, document=document
    )
    document.refresh_from_db()
    assert not document.file and document.file_name == ""


def test_database_refuses_exempt_without_reason(ppid):
    with pytest.raises(IntegrityError), transaction.atomic():
        InfoDocument.objects.create(
            body=ppid.kabupaten, title="X", category="dikecualikan", owner="A", period="1"
        )


def test_document_file_checked_by_content(ppid):
    fake = SimpleUploadedFile("laporan.pdf", b"MZ not a pdf", content_type="application/pdf")
    data = {"title": "Laporan", "category": "berkala", "owner": "A", "period": "2026"}
    data["format"] = "PDF"
    with pytest.raises(ValidationError) as exc:
        services.info_document_save(actor=ppid.admin, body=ppid.kabupaten, data=data, file=fake)
    assert "file" in exc.value.message_dict
    csv_file = SimpleUploadedFile("data.csv", b"a;b\n1;2\n", content_type="text/csv")
    document = services.info_document_save(
        actor=ppid.admin, body=ppid.kabupaten, data=data, file=csv_file
    )
    assert document.file.name.endswith(".csv")


def test_document_managers(ppid, two_tenants):
    data = {"title": "Profil desa", "category": "berkala", "owner": "A", "period": "2026"}
    data["format"] = "PDF"
    # The ketua of the desa's KIM manages the desa's list; an anggota does not.
    assert services.info_document_save(actor=two_tenants.a.owner, body=ppid.desa, data=data)
    with pytest.raises(PermissionDenied):
        services.info_document_save(actor=two_tenants.a.member, body=ppid.desa, data=data)
    with pytest.raises(PermissionDenied):
        services.info_document_save(actor=ppid.officer, body=ppid.desa, data=data)
    with pytest.raises(PermissionDenied):
        services.info_document_save(actor=ppid.other_admin, body=ppid.kabupaten, data=data)


def test_public_body_create(ppid):
    from jembatan.regions.models import Region
    from jembatan.testing.factories import region_chain

    desa = region_chain("61.07.04.2003", "Tirta Kencana")
    body = services.public_body_create(
        actor=ppid.admin, kind="desa", kabupaten=desa.parent.parent, region=desa
    )
    assert body.name.endswith("Tirta Kencana")
    with pytest.raises(ValidationError):
        services.public_body_create(
            actor=ppid.admin, kind="desa", kabupaten=desa.parent.parent, region=desa
        )
    with pytest.raises(PermissionDenied):
        services.public_body_create(
            actor=ppid.other_admin,
            kind="kabupaten",
            kabupaten=Region.objects.get(code="61.07"),
        )


def test_normalize_number():
    assert services.normalize_number("ppid 2026 123") == "PPID-2026-000123"
    assert services.normalize_number("PPID-2026-000123") == "PPID-2026-000123"
    assert services.normalize_number("hello") == ""


def test_a_failed_mail_gives_its_step_back_for_the_retry(ppid, settings):
    from jembatan.disclosure.models import RequesterMail
    from jembatan.disclosure.tasks import mail_requester

    request = submit(ppid.kabupaten)
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "jembatan.disclosure.tests.test_services.FailingBackend"
    with pytest.raises(ConnectionError):
        mail_requester.call_local(request.pk, "extended")
    assert not RequesterMail.objects.filter(request=request, step="extended").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail_requester.call_local(request.pk, "extended") is True
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("mail server down")
