"""The annual report as Perki 1/2021 Pasal 56 asks: ten sections, the figures counted
from the register (requests and outcomes, refusal grounds, objections), the narrative
written by Diskominfo per year and shown in public once published; and the reminder
from the kabupaten's date until it is published, before 31 March."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Notification
from jembatan.disclosure import report, services
from jembatan.disclosure.models import AnnualReport, PpidSettings, PublicBody
from jembatan.disclosure.services_report import (
    annual_report_publish,
    annual_report_save,
    remind_annual_reports,
    report_due,
)
from jembatan.disclosure.tests.conftest import MONDAY, request_data
from jembatan.testing.factories import home_client

pytestmark = pytest.mark.django_db

NARRATIVE = {
    "policy": "SK Bupati tentang PPID dan SOP layanan informasi.",
    "facilities": "Meja layanan di Diskominfo dan laman PPID.",
    "staff": "Satu PPID utama dan tiga petugas layanan.",
    "budget": "Rp 50.000.000 dari APBD.",
    "disputes_commission": 1,
    "disputes_court": 0,
    "disputes_text": "Satu sengketa diselesaikan lewat mediasi.",
    "obstacles": "Jaringan internet di desa belum stabil.",
    "recommendations": "Pelatihan PPID desa pada tahun berikutnya.",
}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def register_2026(ppid):
    """Three requests of 2026: one granted, one refused on two grounds, one open; an
    objection to the refusal."""
    granted = services.information_request_submit(data=request_data(ppid.opd), now=MONDAY)
    services.information_request_answer(
        actor=ppid.officer, request=granted, outcome="dikabulkan", text="Terlampir salinannya."
    )
    refused = services.information_request_submit(data=request_data(ppid.opd), now=MONDAY)
    refused = services.information_request_answer(
        actor=ppid.officer,
        request=refused,
        outcome="ditolak",
        grounds=["a", "h"],
        text="Dikecualikan menurut Pasal 17.",
    )
    services.information_request_submit(data=request_data(ppid.kabupaten), now=MONDAY)
    services.objection_submit(
        request=refused, reasons=["a", "e"], text="Informasi ini bukan rahasia.", now=MONDAY
    )
    return ppid


def test_sections_count_the_register(register_2026):
    rows = report.annual_report(PublicBody.objects.filter(kabupaten_id="61.07"), 2026)
    sections = report.sections(rows, None)
    assert [s.number for s in sections] == list(range(1, 11))
    by_key = {s.key: dict(s.facts) for s in sections}
    assert by_key["requests"]["Permohonan diterima"] == 3
    assert by_key["requests"]["Dikabulkan seluruhnya"] == 1
    assert by_key["requests"]["Ditolak"] == 1
    assert by_key["requests"]["Belum dijawab"] == 1
    grounds = by_key["grounds"]
    assert grounds["a. menghambat proses penegakan hukum"] == 1
    assert grounds["h. mengungkap rahasia pribadi"] == 1
    assert grounds["c. membahayakan pertahanan dan keamanan negara"] == 0
    objections = by_key["objections"]
    assert objections["Keberatan diterima"] == 1
    assert objections["e. permohonan informasi tidak dipenuhi"] == 1
    # Without a text the narrative sections are empty, not invented.
    assert all(not s.text for s in sections)
    assert by_key["disputes"] == {}


def test_save_publish_and_audit(ppid):
    region = ppid.kabupaten.kabupaten
    with pytest.raises(PermissionDenied):
        annual_report_save(actor=ppid.officer, kabupaten=region, year=2026, data=NARRATIVE)
    draft = annual_report_save(
        actor=ppid.admin, kabupaten=region, year=2026, data={"policy": "Ada SK."}
    )
    with pytest.raises(ValidationError) as missing:
        annual_report_publish(actor=ppid.admin, kabupaten=region, year=2026)
    assert "sarana dan prasarana" in str(missing.value)
    assert "kebijakan" not in str(missing.value)  # written already
    annual_report_save(actor=ppid.admin, kabupaten=region, year=2026, data=NARRATIVE)
    published = annual_report_publish(actor=ppid.admin, kabupaten=region, year=2026)
    assert published.pk == draft.pk and published.published_at is not None
    assert audit_for(published).filter(action="ppid.report_publish").count() == 1
    assert audit_for(published).filter(action="ppid.report_save").count() == 2
    with pytest.raises(ValidationError):
        annual_report_publish(actor=ppid.admin, kabupaten=region, year=2026)


def test_public_report_shows_the_narrative_once_published(register_2026):
    ppid = register_2026
    url = reverse("disclosure:public_report", kwargs={"year": 2026})
    region = ppid.kabupaten.kabupaten
    annual_report_save(actor=ppid.admin, kabupaten=region, year=2026, data=NARRATIVE)
    page = Client().get(url).content.decode()
    assert "Alasan penolakan permohonan informasi" in page  # the counted sections
    assert NARRATIVE["obstacles"] not in page  # a draft stays in the workspace
    staff = _client(ppid.admin).get(reverse("disclosure:report", kwargs={"year": 2026}))
    assert NARRATIVE["obstacles"] in staff.content.decode()
    annual_report_publish(actor=ppid.admin, kabupaten=region, year=2026)
    cache.clear()  # the public page is cached
    page = Client().get(url).content.decode()
    assert NARRATIVE["obstacles"] in page and "Sengketa di Komisi Informasi" in page
    pdf = Client().get(reverse("disclosure:public_report_pdf", kwargs={"year": 2026}))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Rekomendasi dan rencana tindak lanjut" in text
    assert "Pelatihan PPID desa" in text


def test_report_text_page(ppid):
    url = reverse("disclosure:report_text", kwargs={"year": 2026})
    assert _client(ppid.officer).get(url).status_code == 403
    client = _client(ppid.admin)
    assert client.get(url).status_code == 200
    assert client.post(url, NARRATIVE).status_code == 302
    publish = reverse("disclosure:report_publish", kwargs={"year": 2026})
    assert client.post(publish).status_code == 302
    assert AnnualReport.objects.get(kabupaten_id="61.07", year=2026).published_at is not None


def test_reminder_window_and_once_a_year(ppid):
    code = "61.07"
    assert report_due(code, today=datetime.date(2027, 2, 28)) is None
    assert report_due(code, today=datetime.date(2027, 3, 1)) == (2026, datetime.date(2027, 3, 31))
    assert report_due(code, today=datetime.date(2027, 4, 1)) is None
    # Bengkayang's Diskominfo and Mempawah's, each for their own kabupaten.
    assert remind_annual_reports(today=datetime.date(2027, 3, 2)) == 2
    assert remind_annual_reports(today=datetime.date(2027, 3, 3)) == 0
    assert Notification.objects.get(recipient=ppid.other_admin).key == "ppid.report_due:61.04:2026"
    note = Notification.objects.get(recipient=ppid.admin, kind="ppid.report_due")
    assert note.params["year"] == 2026
    # The kabupaten's own date moves the reminder.
    PpidSettings.objects.create(kabupaten_id=code, report_reminder_month=2, report_reminder_day=15)
    assert report_due(code, today=datetime.date(2027, 2, 20)) is not None
    annual_report_save(
        actor=ppid.admin, kabupaten=ppid.kabupaten.kabupaten, year=2026, data=NARRATIVE
    )
    annual_report_publish(actor=ppid.admin, kabupaten=ppid.kabupaten.kabupaten, year=2026)
    assert report_due(code, today=datetime.date(2027, 3, 2)) is None


def test_reminder_on_the_workspace_home(ppid):
    year = timezone.localdate().year
    # A window over the whole year, so the test holds whatever today is.
    PpidSettings.objects.create(
        kabupaten_id="61.07",
        report_reminder_month=1,
        report_reminder_day=1,
        report_due_month=12,
        report_due_day=31,
    )
    page = home_client(ppid.admin).get(reverse("workspace:home")).content.decode()
    assert "Laporan tahunan PPID belum terbit" in page
    assert reverse("disclosure:report_text", kwargs={"year": year - 1}) in page
    officer = home_client(ppid.officer).get(reverse("workspace:home")).content.decode()
    assert "Laporan tahunan PPID belum terbit" not in officer


def test_narrative_is_escaped_on_the_public_page(ppid):
    region = ppid.kabupaten.kabupaten
    payload = '<script>alert(1)</script><img src=x onerror="alert(1)">'
    annual_report_save(
        actor=ppid.admin, kabupaten=region, year=2026, data={**NARRATIVE, "obstacles": payload}
    )
    annual_report_publish(actor=ppid.admin, kabupaten=region, year=2026)
    page = Client().get(reverse("disclosure:public_report", kwargs={"year": 2026}))
    text = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)" not in text and 'onerror="alert(1)"' not in text
