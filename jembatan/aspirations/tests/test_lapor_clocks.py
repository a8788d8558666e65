"""The clocks as SP4N-LAPOR! counts them: verify and refer (3 working days), the office's
first response (5 working days), completion (60 calendar days); "tunda" pausing them,
"bukan wewenang" closing with a referral; the report type; the LAPOR! export."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from jembatan.accounts.models import AuditLog, Notification
from jembatan.aspirations import deadlines, services
from jembatan.aspirations.lapor import LAPOR_STATUS, lapor_export, lapor_status
from jembatan.aspirations.models import Aspiration, Status
from jembatan.aspirations.tests.case_world import CaseWorld
from jembatan.aspirations.tests.test_views import SUBMIT, form_data
from jembatan.core import workdays
from jembatan.core.models import Holiday
from jembatan.core.workdays import add_working_days, working_days_between
from jembatan.tenants.models import Tenant

pytestmark = pytest.mark.django_db

WIB = zoneinfo.ZoneInfo("Asia/Pontianak")
# Wednesday 30 December 2026, 10:00 WIB; Friday 1 January 2027 is a national holiday.
START = datetime.datetime(2026, 12, 30, 10, 0, tzinfo=WIB)
NEW_YEAR = datetime.date(2027, 1, 1)
REFERRAL = "Balai Pelaksanaan Jalan Nasional Kalimantan Barat"


@pytest.fixture(autouse=True)
def _fresh_holidays():
    workdays.clear_cache()
    Holiday.objects.create(date=NEW_YEAR, name="Tahun Baru 2027 Masehi")
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def submit(world: CaseWorld, **extra) -> Aspiration:
    data = {
        "region": world.village,
        "category": world.category,
        "description": "Jalan berlubang di depan SD Negeri 2, RT 03.",
        "visibility": Aspiration.Visibility.ANONYMOUS,
        "reporter_email": "warga@example.test",
    } | extra
    case, created = services.aspiration_submit(data=data)
    assert created
    return case


def step(world: CaseWorld, case: Aspiration, action: str, who: str = "admin", **kw) -> Aspiration:
    return services.aspiration_transition(actor=world.users[who], case=case, action=action, **kw)


def disposed(world: CaseWorld) -> Aspiration:
    case = step(world, submit(world), "verify")
    return step(world, case, "dispose", office=world.office)


# --- Each deadline across a weekend and a national holiday ------------------------------


def test_verify_and_refer_deadline_skips_the_weekend_and_the_holiday():
    # Thu 31 Dec (1), Fri 1 Jan holiday, weekend, Mon 4 (2), Tue 5 (3).
    assert add_working_days(START, 3, kabupaten_code="61.07") == datetime.date(2027, 1, 5)


def test_first_response_deadline_is_five_working_days_past_the_holiday():
    due = deadlines.response_due(START, days=5, kabupaten_code="61.07")
    assert due == datetime.date(2027, 1, 7)  # Thu 31, Mon 4, Tue 5, Wed 6, Thu 7


def test_completion_counts_sixty_calendar_days_holidays_included():
    due = deadlines.completion_due(START, kabupaten_code="61.07")
    assert due == datetime.date(2027, 2, 28)  # a Sunday: calendar days are not moved


def test_completion_days_are_the_tenants_setting():
    tenant = Tenant.objects.get(region_id="61.07")
    assert tenant.complete_days == 60  # the rule's value by default
    tenant.complete_days = 30
    tenant.save()
    assert deadlines.completion_due(START, kabupaten_code="61.07") == datetime.date(2027, 1, 29)


# --- The clocks along the workflow ------------------------------------------------------


def test_the_first_clock_runs_until_the_case_is_referred(world):
    case = step(world, submit(world), "verify")
    assert [c.name for c in deadlines.running_clocks(case)] == ["verify"]
    assert case.due == case.verify_due
    late = case.verify_due + datetime.timedelta(days=1)
    # Verified but not referred: still late on the first clock.
    assert services.escalate_overdue(today=late) == 1
    note = Notification.objects.filter(kind="aspiration.overdue").first()
    assert "verifikasi dan penerusan" in note.params["status"]
    case = step(world, case, "dispose", office=world.office)
    assert [c.name for c in deadlines.running_clocks(case)] == ["response", "complete"]


def test_referral_starts_the_response_and_completion_clocks(world):
    case = disposed(world)
    referred = case.events.get(to_status=Status.DISPOSED).created_at
    assert case.answer_due == add_working_days(referred, 5, kabupaten_code="61.07")
    assert case.complete_due == workdays.local_date(referred, "61.07") + datetime.timedelta(60)
    assert case.first_response_at is None
    assert case.awaits_first_response


def test_starting_is_the_first_response_and_leaves_the_completion_clock(world):
    case = step(world, disposed(world), "start", who="officer")
    assert case.first_response_at is not None
    assert [c.name for c in deadlines.running_clocks(case)] == ["complete"]
    assert case.answer_due == case.complete_due  # the live deadline is completion's


def test_a_public_answer_by_the_office_is_the_first_response(world):
    case = disposed(world)
    services.aspiration_comment(
        actor=world.users["officer"], case=case, body="Kami cek ke lokasi besok.", public=True
    )
    case.refresh_from_db()
    assert case.first_response_at is not None
    assert case.status == Status.DISPOSED
    assert case.answer_due == case.complete_due


def test_an_internal_note_is_not_a_response(world):
    case = disposed(world)
    services.aspiration_comment(
        actor=world.users["officer"], case=case, body="Catatan untuk rekan.", public=False
    )
    case.refresh_from_db()
    assert case.first_response_at is None


# --- Escalation follows each clock ------------------------------------------------------


def test_escalation_follows_the_response_then_the_completion_clock(world):
    case = disposed(world)
    response_late = case.answer_due + datetime.timedelta(days=1)
    assert services.escalate_overdue(today=response_late) == 1
    told = Notification.objects.filter(kind="aspiration.overdue", recipient=world.users["officer"])
    assert "respons pertama" in told.get().params["status"]
    assert told.get().params["clock"] == "response"
    # Once responded, the response clock is over: the same day escalates nothing new.
    case = step(world, case, "start", who="officer")
    before = Notification.objects.count()
    assert services.escalate_overdue(today=response_late) == 0
    assert Notification.objects.count() == before
    # Completion has its own clock and its own escalation.
    assert services.escalate_overdue(today=case.complete_due + datetime.timedelta(days=1)) == 1
    assert told.filter(params__clock="complete").count() == 1


def test_completion_is_escalated_even_while_the_first_response_is_missing(world):
    case = disposed(world)
    # Both clocks late: each told once.
    assert services.escalate_overdue(today=case.complete_due + datetime.timedelta(days=1)) == 1
    clocks = set(
        Notification.objects.filter(
            kind="aspiration.overdue", recipient=world.users["officer"]
        ).values_list("params__clock", flat=True)
    )
    assert clocks == {"response", "complete"}


# --- Tunda: on hold, clocks paused --------------------------------------------------------


def test_resume_shifts_working_and_calendar_deadlines_by_the_paused_time():
    case = Aspiration(
        kabupaten_id="61.07",
        status=Status.ON_HOLD,
        held_status=Status.DISPOSED,
        answer_due=datetime.date(2027, 1, 7),
        complete_due=datetime.date(2027, 2, 28),
        held_at=datetime.datetime(2026, 12, 31, 9, 0, tzinfo=WIB),
    )
    shift = deadlines.resume_shift(case, datetime.datetime(2027, 1, 5, 9, 0, tzinfo=WIB))
    # Paused Thu 31 Dec and Mon 4 Jan (the holiday and the weekend were no working days).
    assert shift == {"working_days": 2, "days": 5}
    assert case.answer_due == datetime.date(2027, 1, 11)  # Thu 7 + Fri 8, Mon 11
    assert case.complete_due == datetime.date(2027, 3, 5)


def test_hold_pauses_every_clock_and_resume_moves_the_deadlines(
    world, django_capture_on_commit_callbacks
):
    case = disposed(world)
    answer_due, complete_due = case.answer_due, case.complete_due
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = step(world, case, "hold", who="officer", body="Menunggu anggaran perubahan.")
    assert case.status == Status.ON_HOLD
    assert case.held_status == Status.DISPOSED
    assert deadlines.running_clocks(case) == []
    assert case.due is None
    citizen = [m for m in mail.outbox if m.to == ["warga@example.test"]]
    assert "Menunggu anggaran perubahan." in citizen[-1].body  # the citizen is told
    # Long past every deadline, a case on hold is not escalated.
    assert services.escalate_overdue(today=complete_due + datetime.timedelta(days=30)) == 0
    # Held for a week (moved back in time, as no test waits a week).
    held_at = timezone.now() - datetime.timedelta(days=7)
    Aspiration.objects.filter(pk=case.pk).update(held_at=held_at)
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        case = step(world, case, "resume", who="officer")
    assert case.status == Status.DISPOSED
    assert case.hold_reason == "" and case.held_at is None
    held_day = workdays.local_date(held_at, "61.07")
    today = workdays.local_date(None, "61.07")
    paused = working_days_between(
        held_day - datetime.timedelta(days=1),
        today - datetime.timedelta(days=1),
        kabupaten_code="61.07",
    )
    assert paused >= 4  # a week holds at least four working days
    assert case.answer_due == add_working_days(answer_due, paused, kabupaten_code="61.07")
    assert case.complete_due == complete_due + datetime.timedelta(days=7)
    citizen = [m for m in mail.outbox if m.to == ["warga@example.test"]]
    assert "dilanjutkan" in citizen[-1].body  # the citizen is told
    actions = list(AuditLog.objects.filter(target_id=str(case.pk)).values_list("action", flat=True))
    assert "aspiration.hold" in actions and "aspiration.resume" in actions
    resume = AuditLog.objects.filter(target_id=str(case.pk), action="aspiration.resume").get()
    assert resume.after["paused"]["days"] == 7


def test_hold_needs_a_reason(world):
    case = disposed(world)
    with pytest.raises(ValidationError) as error:
        step(world, case, "hold", who="officer", body="")
    assert "body" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == Status.DISPOSED


def test_a_case_resumes_where_it_was_held(world):
    case = submit(world)
    case = step(world, case, "hold", body="Menunggu keterangan desa.")
    case = step(world, case, "resume")
    assert case.status == Status.RECEIVED


# --- Bukan wewenang ---------------------------------------------------------------------


def test_refer_closes_the_case_naming_where_it_belongs(world, django_capture_on_commit_callbacks):
    case = submit(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = step(world, case, "refer", referred_to=REFERRAL)
    assert case.status == Status.CLOSED
    assert case.close_reason == Aspiration.CloseReason.OUT_OF_SCOPE
    assert case.referred_to == REFERRAL
    assert case.is_not_authority
    assert REFERRAL in case.citizen_status
    citizen = [m for m in mail.outbox if m.to == ["warga@example.test"]]
    assert REFERRAL in citizen[-1].body  # the citizen is told where to go
    assert AuditLog.objects.filter(target_id=str(case.pk), action="aspiration.refer").exists()


def test_the_tracking_page_shows_the_referral(world):
    case = step(world, submit(world), "refer", referred_to=REFERRAL)
    page = Client().get(case.get_absolute_url()).content.decode()
    assert 'id="bukan-wewenang"' in page
    assert REFERRAL in page


# --- Steps refused from the wrong states -------------------------------------------------


@pytest.mark.parametrize(
    ("action", "setup", "kw"),
    [
        ("hold", "done", {"body": "Menunggu anggaran."}),
        ("hold", "closed", {"body": "Menunggu anggaran."}),
        ("resume", "disposed", {}),
        ("refer", "disposed", {"referred_to": REFERRAL}),
        ("refer", "done", {"referred_to": REFERRAL}),
    ],
)
def test_steps_are_refused_from_the_wrong_states(world, action, setup, kw):
    case = submit(world)
    if setup == "closed":
        case = step(world, case, "close", reason=Aspiration.CloseReason.SPAM)
    else:
        case = step(world, step(world, case, "verify"), "dispose", office=world.office)
        if setup == "done":
            case = step(world, case, "finish", who="officer", body="Sudah ditambal.")
    status = case.status
    with pytest.raises(ValidationError):
        step(world, case, action, **kw)
    case.refresh_from_db()
    assert case.status == status


def test_refer_needs_the_institution_and_diskominfo(world):
    case = submit(world)
    with pytest.raises(ValidationError) as error:
        step(world, case, "refer", referred_to=" ")
    assert "referred_to" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        step(world, case, "refer", who="officer", referred_to=REFERRAL)
    # Closing as out of scope without naming where is refused: it is the refer step.
    with pytest.raises(ValidationError):
        step(world, case, "close", reason=Aspiration.CloseReason.OUT_OF_SCOPE)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


# --- Report type --------------------------------------------------------------------------


def test_the_public_form_keeps_the_report_type(client, world):
    response = client.post(SUBMIT, form_data(world, report_type="pengaduan"))
    assert response.status_code == 302
    assert Aspiration.objects.get().report_type == Aspiration.ReportType.COMPLAINT


def test_the_report_type_defaults_to_aspirasi_and_refuses_unknown_values(client, world):
    assert 'value="aspirasi"' in client.get(SUBMIT).content.decode()
    client.post(SUBMIT, form_data(world))
    assert Aspiration.objects.get().report_type == Aspiration.ReportType.ASPIRATION
    response = Client().post(SUBMIT, form_data(world, report_type="gugatan"))
    assert response.status_code == 400
    assert Aspiration.objects.count() == 1


def test_a_request_for_information_is_offered_the_ppid_form(client, world):
    response = client.post(SUBMIT, form_data(world, report_type="permintaan_informasi"))
    page = client.get(response["Location"]).content.decode()
    assert 'id="ppid"' in page and 'href="/ppid/permohonan/"' in page
    case = Aspiration.objects.get()
    assert 'href="/ppid/permohonan/"' in Client().get(case.get_absolute_url()).content.decode()
    other = submit(world)
    assert 'id="ppid"' not in Client().get(other.get_absolute_url()).content.decode()


def test_the_desk_list_filters_by_report_type(client, world):
    submit(world, report_type=Aspiration.ReportType.INFORMATION)
    complaint = submit(world, report_type=Aspiration.ReportType.COMPLAINT)
    client.force_login(world.users["admin"])
    page = client.get("/kelola/aspirasi/?jenis=pengaduan").content.decode()
    assert complaint.code in page
    assert page.count("Permintaan informasi") == 1  # the filter's option, not a row


# --- The LAPOR! export --------------------------------------------------------------------


def test_every_status_has_a_lapor_word():
    assert set(LAPOR_STATUS) | {Status.CLOSED} == set(Status)


@pytest.mark.parametrize(
    ("status", "reason", "word"),
    [
        (Status.RECEIVED, "", "Belum Diverifikasi"),
        (Status.VERIFIED, "", "Terverifikasi"),
        (Status.DISPOSED, "", "Didisposisikan"),
        (Status.IN_PROGRESS, "", "Ditindaklanjuti"),
        (Status.ON_HOLD, "", "Tunda"),
        (Status.DONE, "", "Selesai"),
        (Status.CLOSED, Aspiration.CloseReason.OUT_OF_SCOPE, "Bukan Wewenang"),
        (Status.CLOSED, Aspiration.CloseReason.SPAM, "Diarsipkan"),
        (Status.CLOSED, Aspiration.CloseReason.DUPLICATE, "Diarsipkan"),
    ],
)
def test_lapor_status_mapping(status, reason, word):
    assert lapor_status(Aspiration(status=status, close_reason=reason)) == word


def test_the_export_carries_report_type_status_and_referral(world):
    case = submit(world, report_type=Aspiration.ReportType.INFORMATION)
    case = step(world, case, "refer", referred_to=REFERRAL)
    data = lapor_export(case, with_reporter=False)
    assert data["klasifikasi"] == "Permintaan Informasi"
    assert data["status"] == "Bukan Wewenang"
    assert data["dirujuk_ke"] == REFERRAL
    assert [row["status_lapor"] for row in data["riwayat"]] == [
        "Belum Diverifikasi",
        "Bukan Wewenang",
    ]


def test_the_export_of_a_case_on_hold(world):
    case = step(world, disposed(world), "hold", who="officer", body="Menunggu anggaran.")
    data = lapor_export(case, with_reporter=False)
    assert data["status"] == "Tunda"
    assert data["alasan_tunda"] == "Menunggu anggaran."
    assert data["klasifikasi"] == "Aspirasi"


# --- The staff desk -----------------------------------------------------------------------


def test_the_desk_shows_the_deadlines_and_the_hold_step(client, world):
    case = disposed(world)
    client.force_login(world.users["officer"])
    page = client.get(f"/kelola/aspirasi/{case.code}/").content.decode()
    assert "Respons pertama instansi paling lambat" in page
    assert "Selesai paling lambat" in page
    assert 'id="aksi-hold"' in page
    assert 'id="aksi-refer"' not in page  # referral is Diskominfo's, before the office


def test_the_desk_refers_a_case_through_the_action_form(client, world):
    case = submit(world)
    client.force_login(world.users["admin"])
    page = client.get(f"/kelola/aspirasi/{case.code}/").content.decode()
    assert 'name="referred_to"' in page
    version = services.case_version(case)
    response = client.post(
        f"/kelola/aspirasi/{case.code}/tindakan/",
        {"action": "refer", "version": version, "referred_to": REFERRAL},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_not_authority and case.referred_to == REFERRAL
    page = client.get(f"/kelola/aspirasi/{case.code}/").content.decode()
    assert 'id="bukan-wewenang"' in page
