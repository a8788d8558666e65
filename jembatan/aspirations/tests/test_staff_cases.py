"""The staff desk on a busy week: the office hears about its cases (once, by mail and in
the workspace, grouped into a digest when there are many), a step taken on a page older
than the case is refused instead of undoing a colleague's, a case has a named officer,
and an office can send a case back to Diskominfo."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from jembatan.accounts.models import AuditLog, Notification, Role
from jembatan.aspirations import desk as staff_desk
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration, CaseEvent, Category, Status
from jembatan.core.workdays import is_working_day
from jembatan.tenants.models import Tenant
from jembatan.testing.factories import MembershipFactory, OfficeFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    desa = region_chain("61.07.04.1010", "Sebalo")
    pupr = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    health = OfficeFactory(kabupaten=kabupaten, name="Dinas Kesehatan")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=pupr)
    admin = UserFactory(full_name="Dewi Admin")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    officer = UserFactory(full_name="Budi Petugas")
    head = UserFactory(full_name="Kepala Dinas")
    other = UserFactory(full_name="Sari Petugas")
    for user, is_head in ((officer, False), (head, True), (other, False)):
        MembershipFactory(
            user=user, role=Role.OPD_OFFICER, region=kabupaten, office=pupr, is_head=is_head
        )
    nurse = UserFactory()
    MembershipFactory(user=nurse, role=Role.OPD_OFFICER, region=kabupaten, office=health)

    def case(*, verified=True):
        made, _ = services.aspiration_submit(
            data={
                "region": desa,
                "category": category,
                "description": "Jalan berlubang di RT 03 dekat sekolah.",
                "visibility": "anonim",
                "reporter_phone": "081234567890",
            }
        )
        if verified:
            services.aspiration_transition(actor=admin, case=made, action="verify")
        made.refresh_from_db()
        return made

    return {
        "admin": admin,
        "officer": officer,
        "head": head,
        "other": other,
        "nurse": nurse,
        "pupr": pupr,
        "health": health,
        "case": case,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _told(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


# --- 1. The office hears about its cases ----------------------------------------------


def test_a_referral_tells_the_office_once_by_mail_with_a_link(
    desk, django_capture_on_commit_callbacks
):
    case = desk["case"]()
    with django_capture_on_commit_callbacks(execute=True):
        services.aspiration_transition(
            actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
        )
    office = {desk["officer"].pk, desk["head"].pk, desk["other"].pk}
    assert _told("aspiration.referred") == office  # the head among them; not other offices
    note = Notification.objects.filter(kind="aspiration.referred").first()
    assert note.url == f"/kelola/aspirasi/{case.code}/"
    referral_mails = [m for m in mail.outbox if "Dinas PUPR" in m.subject]
    assert len(referral_mails) == 3
    assert all(f"/kelola/aspirasi/{case.code}/" in m.body for m in referral_mails)
    assert {m.to[0] for m in referral_mails} == {
        desk["officer"].email,
        desk["head"].email,
        desk["other"].email,
    }


def test_moving_a_case_tells_both_offices_and_works_after_the_office_started(desk):
    case = desk["case"]()
    services.aspiration_transition(
        actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
    )
    staff_desk.aspiration_take(actor=desk["officer"], case=case)
    services.aspiration_transition(actor=desk["officer"], case=case, action="start")
    moved = services.aspiration_transition(
        actor=desk["admin"], case=case, action="dispose", office=desk["health"]
    )
    assert moved.status == Status.DISPOSED and moved.office == desk["health"]
    assert moved.assignee is None  # the PUPR officer no longer has it
    assert desk["nurse"].pk in _told("aspiration.referred")
    assert _told("aspiration.moved") == {desk["officer"].pk, desk["head"].pk, desk["other"].pk}


def test_a_reopened_case_tells_its_office(desk):
    case = desk["case"]()
    services.aspiration_transition(
        actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
    )
    services.aspiration_transition(
        actor=desk["officer"], case=case, action="finish", body="Sudah ditambal."
    )
    services.citizen_respond(case=case, accept=False, rating=None, body="Masih berlubang.")
    assert _told("aspiration.reopened") == {desk["officer"].pk, desk["head"].pk, desk["other"].pk}


def test_opening_a_case_reads_its_notifications_and_only_its_own(desk):
    first, second = desk["case"](), desk["case"]()
    for case in (first, second):
        services.aspiration_transition(
            actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
        )
    officer = desk["officer"]
    assert _client(officer).get(f"/kelola/aspirasi/{first.code}/").status_code == 200
    unread = Notification.objects.filter(recipient=officer, read_at__isnull=True)
    assert list(unread.values_list("url", flat=True)) == [f"/kelola/aspirasi/{second.code}/"]
    # Someone else's notifications about the same case stay unread.
    assert Notification.objects.filter(recipient=desk["head"], read_at__isnull=True).count() == 2


def test_many_overdue_cases_make_one_digest_mail_per_person(
    desk, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_DIGEST_AFTER = 5
    cases = [desk["case"](verified=False) for _ in range(7)]
    later = cases[0].verify_due + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue(today=later) == 7
    to_admin = [m for m in mail.outbox if m.to == [desk["admin"].email]]
    assert len(to_admin) == 1  # not seven
    assert "7" in to_admin[0].subject
    for case in cases:
        assert f"/kelola/aspirasi/{case.code}/" in to_admin[0].body
    assert not Notification.objects.filter(kind="aspiration.overdue", emailed_at=None).exists()
    assert Notification.objects.filter(kind="aspiration.overdue").count() == 7  # each listed


def test_few_overdue_cases_are_still_mailed_one_by_one(
    desk, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_DIGEST_AFTER = 5
    cases = [desk["case"](verified=False) for _ in range(2)]
    later = cases[0].verify_due + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.escalate_overdue(today=later)
    assert len([m for m in mail.outbox if m.to == [desk["admin"].email]]) == 2


# --- 5. No lost updates -----------------------------------------------------------------


def test_a_second_referral_from_an_older_page_is_refused_and_changes_nothing(desk):
    case = desk["case"]()
    page = _client(desk["admin"]).get(f"/kelola/aspirasi/{case.code}/")
    version = page.context["version"]
    assert f'name="version" value="{version}"' in page.content.decode()
    colleague = UserFactory()
    MembershipFactory(user=colleague, role=Role.KABUPATEN_ADMIN, region_id="61.07")
    first = _client(colleague).post(
        f"/kelola/aspirasi/{case.code}/tindakan/",
        {"action": "dispose", "office": desk["pupr"].pk, "version": version},
    )
    assert first.status_code == 302
    case.refresh_from_db()
    due, audits = case.answer_due, AuditLog.objects.count()
    events = CaseEvent.objects.filter(aspiration=case).count()
    second = _client(desk["admin"]).post(
        f"/kelola/aspirasi/{case.code}/tindakan/",
        {"action": "dispose", "office": desk["health"].pk, "version": version},
        follow=True,
    )
    assert "sudah diubah petugas lain" in second.content.decode()
    case.refresh_from_db()
    assert case.office == desk["pupr"] and case.answer_due == due
    assert AuditLog.objects.count() == audits
    assert CaseEvent.objects.filter(aspiration=case).count() == events
    assert not Notification.objects.filter(recipient=desk["nurse"]).exists()


def test_two_public_answers_from_the_same_page_reach_the_citizen_once(desk):
    case = desk["case"]()
    services.aspiration_transition(
        actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
    )
    case.refresh_from_db()
    version = services.case_version(case)
    services.aspiration_comment(
        actor=desk["officer"], case=case, body="Besok ditambal.", public=True, version=version
    )
    with pytest.raises(ValidationError) as refused:
        services.aspiration_comment(
            actor=desk["other"], case=case, body="Lusa ditambal.", public=True, version=version
        )
    assert refused.value.code == "stale"
    answers = CaseEvent.objects.filter(aspiration=case, kind=CaseEvent.Kind.ANSWER)
    assert list(answers.values_list("body", flat=True)) == ["Besok ditambal."]
    # An internal note is not a change the citizen sees: it is never refused.
    services.aspiration_comment(
        actor=desk["other"], case=case, body="Catatan.", public=False, version=version
    )


def test_the_form_carries_the_version_through_the_view(desk):
    case = desk["case"]()
    stale = services.case_version(case)
    services.aspiration_transition(
        actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
    )
    response = _client(desk["officer"]).post(
        f"/kelola/aspirasi/{case.code}/tulis/",
        {"body": "Jawaban", "public": "on", "version": stale},
        follow=True,
    )
    assert "sudah diubah petugas lain" in response.content.decode()
    assert not CaseEvent.objects.filter(aspiration=case, kind=CaseEvent.Kind.ANSWER).exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_one_referral_wins(desk):
    """Both requests hold the same page version and run at the same moment: the row lock
    lets one through and the other sees the changed version. SQLite serialises writers
    differently (no row locks), so the truly parallel run is for PostgreSQL (collected
    only in the PostgreSQL leg, as the other concurrency tests)."""
    case = desk["case"]()
    version = services.case_version(case)
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def act(office_key: str) -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.aspiration_transition(
                actor=desk["admin"],
                case=case,
                action="dispose",
                office=desk[office_key],
                version=version,
            )
            outcome[office_key] = "ok"
        except ValidationError as exc:
            outcome[office_key] = exc.code or "invalid"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(k,)) for k in ("pupr", "health")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome.values()) == ["ok", "stale"]
    winner = next(k for k, v in outcome.items() if v == "ok")
    assert Aspiration.objects.get(pk=case.pk).office == desk[winner]
    assert CaseEvent.objects.filter(aspiration=case, to_status=Status.DISPOSED).count() == 1


def test_an_officer_takes_a_case_and_the_list_shows_who(desk):
    case = desk["case"]()
    services.aspiration_transition(
        actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
    )
    case.refresh_from_db()
    officer = _client(desk["officer"])
    page = officer.get(f"/kelola/aspirasi/{case.code}/")
    assert "Saya tangani" in page.content.decode()
    officer.post(f"/kelola/aspirasi/{case.code}/ambil/", {"version": page.context["version"]})
    case.refresh_from_db()
    assert case.assignee == desk["officer"]
    assert "Ditangani oleh Budi Petugas" in officer.get("/kelola/aspirasi/").content.decode()
    # A colleague takes over: the first officer hears of it.
    staff_desk.aspiration_take(actor=desk["other"], case=case)
    assert _told("aspiration.taken_over") == {desk["officer"].pk}
    # Someone outside the office cannot take it.
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied or Http404
        staff_desk.aspiration_take(actor=desk["nurse"], case=case)


def test_taking_from_an_older_page_is_refused(desk):
    case = desk["case"]()
    services.aspiration_transition(
        actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
    )
    case.refresh_from_db()
    version = services.case_version(case)
    staff_desk.aspiration_take(actor=desk["officer"], case=case, version=version)
    with pytest.raises(ValidationError):
        staff_desk.aspiration_take(actor=desk["other"], case=case, version=version)
    case.refresh_from_db()
    assert case.assignee == desk["officer"]


# --- 4. The office sends a case back ---------------------------------------------------


def test_an_office_sends_a_case_back_with_a_reason_and_diskominfo_hears(desk):
    case = desk["case"]()
    services.aspiration_transition(
        actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
    )
    with pytest.raises(ValidationError):
        services.aspiration_transition(actor=desk["officer"], case=case, action="return")
    back = services.aspiration_transition(
        actor=desk["officer"],
        case=case,
        action="return",
        body="Ini jalan provinsi, bukan kabupaten.",
    )
    assert back.status == Status.VERIFIED and back.office is None and back.answer_due is None
    event = CaseEvent.objects.filter(aspiration=case).last()
    assert event.is_public is False  # the reason is for Diskominfo
    assert _told("aspiration.returned") == {desk["admin"].pk}
    note = Notification.objects.get(kind="aspiration.returned")
    assert "jalan provinsi" in note.params["reason"]
    # Diskominfo refers it again.
    assert "dispose" in services.actions_for_user(desk["admin"], back)


def test_an_office_asks_for_more_time_and_the_citizen_is_told(
    desk, django_capture_on_commit_callbacks
):
    # A kabupaten promising completion in 30 days: its offices may extend up to the
    # rule's 60 (aspirations.tests.test_extension has the limits).
    Tenant.objects.filter(region_id="61.07").update(complete_days=30)
    case = desk["case"]()
    case.reporter_email = "warga@example.test"
    case.save()
    services.aspiration_transition(
        actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
    )
    case.refresh_from_db()
    response_due, complete_due = case.answer_due, case.complete_due
    new_due = complete_due + datetime.timedelta(days=10)
    while not is_working_day(new_due, kabupaten_code=case.kabupaten_id):
        new_due += datetime.timedelta(days=1)
    officer = _client(desk["officer"])
    page = officer.get(f"/kelola/aspirasi/{case.code}/")
    assert "Minta tambahan waktu" in page.content.decode()
    url = f"/kelola/aspirasi/{case.code}/perpanjang/"
    # Without a reason, or a date before the deadline: refused, nothing changed.
    officer.post(url, {"new_due": new_due.isoformat(), "reason": "", "version": "x"})
    officer.post(
        url,
        {
            "new_due": complete_due.isoformat(),
            "reason": "Menunggu aspal.",
            "version": page.context["version"],
        },
    )
    case.refresh_from_db()
    assert case.complete_due == complete_due
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            url,
            {
                "new_due": new_due.isoformat(),
                "reason": "Menunggu aspal dari provinsi.",
                "version": page.context["version"],
            },
        )
    case.refresh_from_db()
    assert case.complete_due == new_due
    assert case.answer_due == response_due  # the first response's 5 working days stay
    told = [m for m in mail.outbox if m.to == ["warga@example.test"]]
    assert len(told) == 1 and "Menunggu aspal dari provinsi." in told[0].body
    # Another office, or Diskominfo's KIM side, cannot move this office's deadline.
    assert not staff_desk.may_extend(desk["nurse"], case)


def _jpeg(name: str = "jalan.jpg"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 90)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_an_answer_carries_photos_the_citizen_sees_apart_from_their_own(desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = desk["case"]()
    services.aspiration_transition(
        actor=desk["admin"], case=case, action="dispose", office=desk["pupr"]
    )
    case.refresh_from_db()
    officer = _client(desk["officer"])
    page = officer.get(f"/kelola/aspirasi/{case.code}/")
    assert 'enctype="multipart/form-data"' in page.content.decode()
    officer.post(
        f"/kelola/aspirasi/{case.code}/tulis/",
        {
            "body": "Jalan sudah ditambal.",
            "public": "on",
            "version": page.context["version"],
            "photos": [_jpeg(), _jpeg("b.jpg")],
        },
    )
    answer = CaseEvent.objects.get(aspiration=case, kind=CaseEvent.Kind.ANSWER)
    assert answer.photos.count() == 2
    public = Client().get(f"/aspirasi/{case.code}/").content.decode()
    for photo in answer.photos.all():
        assert photo.file.url in public
    # An internal note takes no photos; nothing is stored.
    with pytest.raises(ValidationError):
        services.aspiration_comment(
            actor=desk["officer"], case=case, body="Catatan", public=False, photos=[_jpeg()]
        )
    assert case.photos.count() == 2
    # A file that is no image is refused with the answer, which is not saved.
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        services.aspiration_comment(
            actor=desk["officer"],
            case=case,
            body="Lagi",
            public=True,
            photos=[SimpleUploadedFile("x.jpg", b"%PDF-1.4\n", content_type="image/jpeg")],
        )
    assert CaseEvent.objects.filter(aspiration=case, kind=CaseEvent.Kind.ANSWER).count() == 1


def test_a_batch_that_fails_half_way_still_mails_what_it_made(
    desk, django_capture_on_commit_callbacks
):
    from jembatan.accounts.notifications import notification_batch, notify

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        notification_batch(),
    ):
        notify(
            recipients=[desk["admin"]],
            kind="aspiration.reopened",
            key="test-batch:1",
            params={"code": "ABCD-EFGH"},
        )
        assert mail.outbox == []  # held until the batch ends
        raise RuntimeError("the run broke")
    assert len(mail.outbox) == 1 and "ABCD-EFGH" in mail.outbox[0].subject
