"""The submitter of a rumour as a data subject (clarifications.personal_data): erasure,
the retention rule, the breach command's list and the privacy notice."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from jembatan.accounts.models import AuditLog
from jembatan.clarifications import services
from jembatan.clarifications.models import RumourReport
from jembatan.clarifications.personal_data import KEY, purge_submitters
from jembatan.clarifications.tasks import purge_old_submitters
from jembatan.clarifications.tests.conftest import client_for
from jembatan.clarifications.tests.test_clarifications import ANSWER
from jembatan.core.personal_data import ERASED, personal_data_registry

pytestmark = pytest.mark.django_db

EMAIL = "dewi.pelapor@example.test"
PHONE = "0813 5555 0101"
STORED_PHONE = "+6281355550101"
TEXT = "Pesan berantai: posyandu Sebalo tutup sebulan. Diteruskan dari 081355550101."


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def private(settings, tmp_path):
    settings.PPID_PRIVATE_ROOT = tmp_path / "private"
    return tmp_path


def _report(**extra) -> RumourReport:
    return services.report_submit(
        kabupaten_code="61.07",
        data={"text": TEXT, "contact_email": EMAIL, "contact_phone": PHONE} | extra,
        screenshot=SimpleUploadedFile("layar.jpg", _jpeg(), content_type="image/jpeg"),
    )


def test_erasure_removes_contact_and_screenshot_and_keeps_the_rumour(
    world, private, django_capture_on_commit_callbacks
):
    report = _report()
    shot = Path(report.screenshot.path)
    assert shot.exists() and report.contact_phone == STORED_PHONE
    with django_capture_on_commit_callbacks(execute=True):
        assert personal_data_registry.erase(KEY, report, actor=world.admin, reason="permintaan")
    report.refresh_from_db()
    assert (report.contact_email, report.contact_phone, report.screenshot.name) == ("", "", "")
    assert not shot.exists()
    # The rumour stays for the record and the duplicate search, without the number.
    assert "posyandu Sebalo tutup" in report.text and "081355550101" not in report.text
    assert ERASED in report.text
    row = AuditLog.objects.get(action="clarification.submitter_erase")
    assert row.note == "permintaan" and row.actor == world.admin
    dumped = json.dumps(list(AuditLog.objects.values("before", "after", "note", "target_repr")))
    assert EMAIL not in dumped and "81355550101" not in dumped and "posyandu" not in dumped
    # The tracking page still works; erasing again finds nothing.
    assert client_for(None).get(report.get_status_url()).status_code == 200
    assert not personal_data_registry.erase(KEY, report, reason="lagi")


def test_the_retention_rule_erases_what_is_left_after_the_period(
    world, private, settings, django_capture_on_commit_callbacks
):
    settings.CLARIFICATION_CONTACT_RETENTION_DAYS = 30
    old = _report()
    recent = _report()
    RumourReport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    # An answered one whose number the gateway never reached keeps it until then too.
    answered = services.report_submit(
        kabupaten_code="61.07", data={"text": TEXT, "contact_phone": PHONE}
    )
    row = services.clarification_create(
        actor=world.admin, data=ANSWER, kabupaten_code="61.07", report=answered
    )
    services.clarification_publish(actor=world.admin, clarification=row)
    RumourReport.objects.filter(pk=answered.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    answered.refresh_from_db()
    assert answered.status == "dijawab" and answered.contact_phone == STORED_PHONE
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_old_submitters.call_local() == 2
    old.refresh_from_db()
    recent.refresh_from_db()
    answered.refresh_from_db()
    assert old.contact_email == "" and not old.screenshot
    assert answered.contact_phone == ""
    assert recent.contact_email == EMAIL and recent.screenshot
    assert purge_submitters() == 0  # nothing left to erase
    assert (
        AuditLog.objects.filter(action="clarification.submitter_erase", note="retention").count()
        == 2
    )


def test_the_contact_leaves_the_text_once_the_answer_went(
    world, django_capture_on_commit_callbacks
):
    report = services.report_submit(
        kabupaten_code="61.07",
        data={"text": f"Kabar dari {EMAIL}: posyandu tutup.", "contact_email": EMAIL},
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        row = services.clarification_create(
            actor=world.admin, data=ANSWER, kabupaten_code="61.07", report=report
        )
        services.clarification_publish(actor=world.admin, clarification=row)
    assert mail.outbox and mail.outbox[0].to == [EMAIL]
    report.refresh_from_db()
    assert report.contact_email == "" and EMAIL not in report.text


def test_rejecting_takes_the_contact_out_of_the_text_too(world):
    report = services.report_submit(
        kabupaten_code="61.07",
        data={"text": f"Hubungi saya {PHONE}: jembatan ditutup.", "contact_phone": PHONE},
    )
    services.report_reject(actor=world.admin, report=report, reason="Bukan isu publik")
    report.refresh_from_db()
    assert report.contact_phone == "" and "5555" not in report.text
    dumped = json.dumps(list(AuditLog.objects.values("before", "after", "note")))
    assert "jembatan ditutup" not in dumped


def test_the_breach_command_lists_the_report_by_its_code(world):
    report = services.report_submit(
        kabupaten_code="61.07", data={"text": TEXT, "contact_email": EMAIL}
    )
    since = timezone.now() - datetime.timedelta(minutes=5)
    out = io.StringIO()
    call_command(
        "personal_data_touched", "--since", since.isoformat(), stdout=out, stderr=io.StringIO()
    )
    assert f"{KEY}\t{report.code}\temail" in out.getvalue()
    assert EMAIL not in out.getvalue()
    touched = personal_data_registry.get(KEY).touched(
        datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2020, 2, 1, tzinfo=datetime.UTC),
    )
    assert list(touched) == []


def test_the_privacy_notice_describes_submitters_and_the_form_links_it(world, settings):
    settings.CLARIFICATION_CONTACT_RETENTION_DAYS = 45
    page = client_for(None).get("/privasi/").content.decode()
    assert "Pelapor isu" in page and "45 hari setelah laporan dikirim" in page
    form = client_for(None).get("/klarifikasi/kirim/").content.decode()
    assert form.count('href="/privasi/"') >= 2  # the footer and the form
