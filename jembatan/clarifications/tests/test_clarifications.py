"""Klarifikasi isu: a rumour reported by the public, answered by the office, shared."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from jembatan.accounts.models import AuditLog, Role
from jembatan.clarifications import services
from jembatan.clarifications.access import get_reports_for_user
from jembatan.clarifications.models import Clarification, RumourReport, Verdict
from jembatan.clarifications.similarity import normalized_link, similar_clarifications
from jembatan.clarifications.tests.conftest import client_for
from jembatan.dissemination.models import Delivery, InfoItem
from jembatan.testing.factories import StaffFactory, serve_tenant

pytestmark = pytest.mark.django_db

RUMOUR = "Beredar pesan bahwa vaksin campak di posyandu Sebalo mengandung chip pelacak."
ANSWER = {
    "verdict": Verdict.FALSE,
    "title": "Vaksin campak tidak mengandung chip pelacak",
    "claim": "Vaksin campak di posyandu mengandung chip pelacak.",
    "explanation": "Vaksin campak berisi virus yang dilemahkan.\n\nTidak ada chip di dalamnya.",
    "sources": "Dinas Kesehatan Bengkayang — https://dinkes.example.go.id/vaksin\nBPOM",
}


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "layar.png"
    return buffer


def _submit(client, **extra):
    data = {"text": RUMOUR, "contact_email": "warga@example.test"} | extra
    return client.post("/klarifikasi/kirim/", data)


def _published(world, **changes) -> Clarification:
    row = services.clarification_create(
        actor=world.admin, data=ANSWER | changes, kabupaten_code="61.07"
    )
    return services.clarification_publish(actor=world.admin, clarification=row)


# --- The public form ---------------------------------------------------------------------


def test_a_rumour_is_reported_without_an_account(world):
    client = client_for(None)
    assert client.get("/klarifikasi/kirim/").status_code == 200
    response = _submit(client, link="https://facebook.example/posts/1")
    assert response.status_code == 302
    report = RumourReport.objects.get()
    assert response["Location"] == f"/klarifikasi/lacak/{report.code}/"
    assert report.kabupaten_id == "61.07"
    assert report.status == RumourReport.Status.NEW
    assert report.contact_email == "warga@example.test"
    page = client.get(response["Location"]).content.decode()
    assert report.code in page and "Terima kasih" in page
    assert "warga@example.test" not in page and "chip pelacak" not in page
    dumped = json.dumps(list(AuditLog.objects.values("before", "after", "note", "target_repr")))
    assert "warga@example.test" not in dumped and "chip" not in dumped


def test_the_honeypot_keeps_nothing(world):
    response = _submit(client_for(None), website="http://spam.example")
    assert response.status_code == 302
    assert not RumourReport.objects.exists()


def test_the_form_is_rate_limited_per_address(world, settings):
    settings.CLARIFICATION_SUBMIT_LIMIT = 1
    client = client_for(None)
    assert _submit(client).status_code == 302
    response = _submit(client, text="Kabar kedua tentang jembatan Sebalo yang runtuh kemarin.")
    assert response.status_code == 429
    assert "Terlalu banyak kiriman" in response.content.decode()
    assert RumourReport.objects.count() == 1


def test_a_form_with_errors_is_not_counted(world, settings):
    settings.CLARIFICATION_SUBMIT_LIMIT = 1
    client = client_for(None)
    assert _submit(client, text="pendek").status_code == 400
    assert _submit(client).status_code == 302


def test_link_and_screenshot_are_checked(world):
    client = client_for(None)
    response = _submit(client, link="javascript:alert(1)")
    assert response.status_code == 400
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "layar.png"
    response = client.post("/klarifikasi/kirim/", {"text": RUMOUR, "screenshot": fake})
    assert response.status_code == 400
    assert not RumourReport.objects.exists()
    response = client.post("/klarifikasi/kirim/", {"text": RUMOUR, "screenshot": _png()})
    assert response.status_code == 302
    report = RumourReport.objects.get()
    assert report.screenshot.name.endswith(".jpg")  # re-encoded, metadata gone


def test_the_screenshot_is_for_staff_of_the_kabupaten_only(world):
    client_for(None).post("/klarifikasi/kirim/", {"text": RUMOUR, "screenshot": _png()})
    report = RumourReport.objects.get()
    url = f"/kelola/klarifikasi/laporan/{report.pk}/tangkapan/"
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.admin_b).get(url).status_code == 404
    response = client_for(world.admin).get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_an_unknown_tracking_code_is_404_and_counted(world, settings):
    client = client_for(None)
    for _ in range(21):
        assert client.get("/klarifikasi/lacak/ZZZZZZZZ/").status_code == 404
    submitter = client_for(None)
    _submit(submitter)
    report = RumourReport.objects.get()
    # Over the limit, a real code is refused like an invented one, with a 429 that says
    # when to come back (not "not found"); the submitter's own browser (its session)
    # still finds its report.
    for code in (report.code, "ZZZZZZZZ"):
        refused = client.get(f"/klarifikasi/lacak/{code}/")
        assert refused.status_code == 429 and refused["Retry-After"] == "600"
        assert "coba lagi dalam 10 menit" in refused.content.decode()
    assert submitter.get(f"/klarifikasi/lacak/{report.code}/").status_code == 200


# --- Staff ------------------------------------------------------------------------------


def test_answering_publishes_disseminates_and_tells_the_submitter(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client_for(None), contact_phone="")
    report = RumourReport.objects.get()
    staff = client_for(world.admin)
    assert report.code in staff.get("/kelola/klarifikasi/").content.decode()
    page = staff.get(f"/kelola/klarifikasi/baru/?laporan={report.pk}").content.decode()
    assert "chip pelacak" in page  # the claim starts from the report
    response = staff.post(f"/kelola/klarifikasi/baru/?laporan={report.pk}", ANSWER)
    assert response.status_code == 302
    row = Clarification.objects.get()
    report.refresh_from_db()
    assert report.clarification == row and report.status == RumourReport.Status.IN_PROGRESS
    assert client_for(None).get(row.get_absolute_url()).status_code == 404  # a draft
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/kelola/klarifikasi/{row.pk}/terbitkan/")
    assert response.status_code == 302
    row.refresh_from_db()
    report.refresh_from_db()
    assert row.is_published and row.published_at
    assert report.status == RumourReport.Status.ANSWERED
    item = row.info_item
    assert item.status == InfoItem.Status.PUBLISHED
    assert row.get_absolute_url() in item.body
    assert item.area_id == "61.07"
    assert Delivery.objects.filter(item=item, kim=world.kim).exists()  # to the KIMs: reach
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["warga@example.test"]
    assert row.get_absolute_url() in mail.outbox[0].body
    assert "Salah (hoaks)" in mail.outbox[0].body
    assert report.contact_email == "" and report.mailed_at is not None  # erased once sent
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {
        "clarification.report_submit",
        "clarification.create",
        "clarification.report_link",
        "clarification.publish",
        "clarification.report_answer",
    } <= actions
    # Twice: refused.
    with pytest.raises(ValidationError):
        services.clarification_publish(actor=world.admin, clarification=row)


def test_the_submitter_gets_an_sms_through_the_gateway(
    world, settings, django_capture_on_commit_callbacks
):
    sent = []
    from jembatan.clarifications import tasks

    def fake_send(to, text, *, kabupaten_code=None):
        sent.append((to, text))

    settings.SMS_GATEWAY_URL = "https://gateway.example/send"
    settings.SMS_GATEWAY_SECRET = "rahasia"
    original = tasks.send_text
    tasks.send_text = fake_send
    try:
        report = services.report_submit(
            kabupaten_code="61.07", data={"text": RUMOUR, "contact_phone": "0812 3456 7890"}
        )
        with django_capture_on_commit_callbacks(execute=True):
            row = services.clarification_create(
                actor=world.admin, data=ANSWER, kabupaten_code="61.07", report=report
            )
            services.clarification_publish(actor=world.admin, clarification=row)
    finally:
        tasks.send_text = original
    assert sent and sent[0][0] == "+6281234567890"
    assert row.get_absolute_url() in sent[0][1]
    report.refresh_from_db()
    assert report.contact_phone == ""


def test_only_staff_reach_the_queue(world):
    report = services.report_submit(kabupaten_code="61.07", data={"text": RUMOUR})
    assert client_for(None).get("/kelola/klarifikasi/").status_code == 302
    assert client_for(world.outsider).get("/kelola/klarifikasi/").status_code == 403
    assert client_for(world.outsider).post("/kelola/klarifikasi/baru/", ANSWER).status_code == 403
    assert not Clarification.objects.exists()
    url = f"/kelola/klarifikasi/laporan/{report.pk}/"
    assert client_for(world.outsider).get(url).status_code == 404
    # The office sees only what was given to it.
    assert client_for(world.officer).get(url).status_code == 404
    services.report_assign(actor=world.admin, report=report, office=world.office)
    assert client_for(world.officer).get(url).status_code == 200
    with pytest.raises(PermissionDenied):
        services.report_assign(actor=world.officer, report=report, office=None)


def test_an_office_answers_what_it_was_given(world, django_capture_on_commit_callbacks):
    report = services.report_submit(kabupaten_code="61.07", data={"text": RUMOUR})
    services.report_assign(actor=world.admin, report=report, office=world.office)
    with django_capture_on_commit_callbacks(execute=True):
        row = services.clarification_create(
            actor=world.officer, data=ANSWER, kabupaten_code="61.07", report=report
        )
        row = services.clarification_publish(actor=world.officer, clarification=row)
    assert row.office == world.office
    assert row.info_item.office == world.office
    page = client_for(None).get(row.get_absolute_url()).content.decode()
    assert "Dijawab oleh Dinas Kesehatan Bengkayang" in page
    # Without a report of its own, an office may not write for the kabupaten.
    with pytest.raises(PermissionDenied):
        services.clarification_create(actor=world.officer, data=ANSWER, kabupaten_code="61.07")


def test_another_kabupaten_staff_are_refused(world):
    report = services.report_submit(kabupaten_code="61.07", data={"text": RUMOUR})
    row = services.clarification_create(actor=world.admin, data=ANSWER, kabupaten_code="61.07")
    other = client_for(world.admin_b)
    assert other.get(f"/kelola/klarifikasi/laporan/{report.pk}/").status_code == 404
    assert other.get(f"/kelola/klarifikasi/{row.pk}/").status_code == 404
    assert other.post(f"/kelola/klarifikasi/{row.pk}/terbitkan/").status_code == 404
    response = other.post(
        f"/kelola/klarifikasi/laporan/{report.pk}/aksi/", {"action": "reject", "reason": "x"}
    )
    assert response.status_code == 404
    assert not get_reports_for_user(world.admin_b).exists()
    with pytest.raises(PermissionDenied):
        services.clarification_create(actor=world.admin_b, data=ANSWER, kabupaten_code="61.07")
    with pytest.raises(PermissionDenied):
        services.report_reject(actor=world.admin_b, report=report, reason="bukan isu")
    row.refresh_from_db()
    assert row.status == Clarification.Status.DRAFT


def test_public_pages_show_the_served_kabupaten_only(world):
    _published(world)
    other = services.clarification_create(
        actor=world.admin_b, data=ANSWER | {"title": "Isu di Mempawah"}, kabupaten_code="61.04"
    )
    services.clarification_publish(actor=world.admin_b, clarification=other)
    client = client_for(None)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert "Isu di Mempawah" not in client.get("/klarifikasi/").content.decode()
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    page = client.get(other.get_absolute_url(), HTTP_HOST="mempawah.test")
    assert page.status_code == 200


def test_rejecting_is_audited_and_final(world):
    report = services.report_submit(
        kabupaten_code="61.07", data={"text": RUMOUR, "contact_email": "warga@example.test"}
    )
    with pytest.raises(ValidationError):
        services.report_reject(actor=world.admin, report=report, reason="  ")
    services.report_reject(actor=world.admin, report=report, reason="Bukan isu publik")
    report.refresh_from_db()
    assert report.status == RumourReport.Status.REJECTED
    assert report.contact_email == ""  # no answer will come: the contact is gone
    assert AuditLog.objects.filter(action="clarification.report_reject", note="Bukan isu publik")
    with pytest.raises(ValidationError, match="tidak berlaku"):
        services.report_reject(actor=world.admin, report=report, reason="lagi")


# --- Duplicates -------------------------------------------------------------------------


def test_a_duplicate_is_pointed_to_the_answer(world, django_capture_on_commit_callbacks):
    row = _published(world)
    client = client_for(None)
    _submit(client, text="Katanya vaksin campak di posyandu ada chip pelacaknya, benarkah?")
    report = RumourReport.objects.get()
    page = client.get(f"/klarifikasi/lacak/{report.code}/").content.decode()
    assert "Isu serupa sudah dijawab" in page and row.get_absolute_url() in page
    staff = client_for(world.admin)
    page = staff.get(f"/kelola/klarifikasi/laporan/{report.pk}/").content.decode()
    assert "Isu serupa sudah dijawab" in page and row.title in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/kelola/klarifikasi/laporan/{report.pk}/aksi/",
            {"action": "link", "clarification": row.pk},
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == RumourReport.Status.ANSWERED and report.clarification == row
    assert len(mail.outbox) == 1 and row.get_absolute_url() in mail.outbox[0].body
    page = client.get(f"/klarifikasi/lacak/{report.code}/").content.decode()
    assert "Sudah dijawab" in page and row.title in page


def test_while_typing_the_form_asks_for_answered_rumours(world, settings):
    row = _published(world)
    client = client_for(None)
    page = client.get("/klarifikasi/kirim/").content.decode()
    assert 'data-similar-url="/klarifikasi/serupa/"' in page and "similar.js" in page
    data = client.get("/klarifikasi/serupa/", {"teks": "ada chip pelacak di vaksin campak"}).json()
    assert data["results"] == [
        {
            "url": row.get_absolute_url(),
            "title": row.title,
            "verdict": "salah",
            "verdict_label": "Salah (hoaks)",
        }
    ]
    assert client.get("/klarifikasi/serupa/", {"teks": "harga pupuk"}).json()["results"] == []
    settings.CLARIFICATION_SUBMIT_LIMIT = 1  # (another limit: the checks have their own)
    for _ in range(120):
        client.get("/klarifikasi/serupa/", {"teks": "x"})
    data = client.get("/klarifikasi/serupa/", {"teks": "ada chip pelacak di vaksin campak"})
    assert data.json()["results"] == []  # over the limit: nothing, quietly


def test_staff_can_link_any_recent_answer_the_words_missed(
    world, django_capture_on_commit_callbacks
):
    row = _published(world)
    report = services.report_submit(
        kabupaten_code="61.07", data={"text": "Pesan suara tentang imunisasi berbahaya"}
    )
    staff = client_for(world.admin)
    page = staff.get(f"/kelola/klarifikasi/laporan/{report.pk}/").content.decode()
    assert "Isu serupa sudah dijawab" not in page
    assert f'<option value="{row.pk}">{row.title}</option>' in page
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            f"/kelola/klarifikasi/laporan/{report.pk}/aksi/",
            {"action": "link", "clarification": row.pk},
        )
    report.refresh_from_db()
    assert report.status == RumourReport.Status.ANSWERED


def test_the_same_link_finds_the_answer(world):
    row = _published(world)
    found = similar_clarifications(
        kabupaten_code="61.07", text="lihat ini", link="http://www.dinkes.example.go.id/vaksin/"
    )
    assert found == [row]
    assert similar_clarifications(kabupaten_code="61.07", text="Harga pupuk naik bulan depan") == []
    assert similar_clarifications(kabupaten_code="61.04", text=RUMOUR) == []
    assert normalized_link("https://www.a.example/x/?b=2&a=1#f") == "a.example/x?a=1&b=2"


# --- The answer page --------------------------------------------------------------------


def test_the_answer_page_has_open_graph_share_and_claim_review(world):
    row = _published(world)
    page = client_for(None).get(row.get_absolute_url()).content.decode()
    assert (
        '<meta property="og:title" content="Vaksin campak tidak mengandung chip pelacak">' in page
    )
    assert '<meta property="og:type" content="article">' in page
    assert 'property="og:description" content="Salah (hoaks):' in page
    assert "verdict-salah" in page
    assert "https://wa.me/?text=" in page and "t.me/share" in page and "facebook.com/sharer" in page
    assert 'href="https://dinkes.example.go.id/vaksin"' in page
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(ld.group(1))
    assert data["@type"] == "ClaimReview"
    assert data["reviewRating"]["alternateName"] == "Salah (hoaks)"


def test_the_list_is_searchable_and_filtered_by_verdict(world):
    _published(world)
    _published(
        world,
        verdict=Verdict.TRUE,
        title="Jembatan Sebalo ditutup sementara",
        claim="Jembatan Sebalo ditutup untuk perbaikan.",
        explanation="Benar, ditutup dua minggu.",
    )
    client = client_for(None)
    page = client.get("/klarifikasi/?q=chip").content.decode()
    assert "Vaksin campak" in page and "Jembatan Sebalo" not in page
    page = client.get("/klarifikasi/?q=perbaikan").content.decode()  # in the claim
    assert "Jembatan Sebalo" in page and "Vaksin campak" not in page
    page = client.get("/klarifikasi/?kesimpulan=benar").content.decode()
    assert "Jembatan Sebalo" in page and "Vaksin campak" not in page
    assert client.get("/klarifikasi/?kesimpulan=<x>").status_code == 200


def test_a_title_never_takes_a_fixed_path(world):
    row = _published(world, title="Kirim")
    assert row.slug != "kirim"
    assert client_for(None).get(row.get_absolute_url()).status_code == 200


def test_the_workspace_shows_the_waiting_rumours(world):
    services.report_submit(kabupaten_code="61.07", data={"text": RUMOUR})
    page = client_for(world.admin).get("/kelola/").content.decode()
    assert 'data-entry="clarifications.waiting"' in page
    page = client_for(world.admin_b).get("/kelola/").content.decode()
    assert 'data-entry="clarifications.waiting"' not in page


def test_the_machines_know_the_model_states():
    assert services.REPORT_MACHINE.states() <= set(RumourReport.Status.values)
    assert services.CLARIFICATION_MACHINE.states() <= set(Clarification.Status.values)


def test_the_sitemap_lists_published_answers_of_the_kabupaten(world):
    row = _published(world)
    draft = services.clarification_create(
        actor=world.admin, data=ANSWER | {"title": "Masih draf"}, kabupaten_code="61.07"
    )
    page = client_for(None).get("/sitemap.xml").content.decode()
    if "<sitemapindex" in page:  # an index: the section's own page
        page = client_for(None).get("/sitemap-klarifikasi.xml").content.decode()
    assert row.get_absolute_url() in page
    assert draft.slug not in page


def test_a_published_answer_is_corrected_with_an_audit_row(world):
    row = _published(world)
    services.clarification_update(
        actor=world.admin, clarification=row, data=ANSWER | {"title": "Judul diperbaiki"}
    )
    row.refresh_from_db()
    assert row.title == "Judul diperbaiki" and row.is_published
    log = AuditLog.objects.get(action="clarification.update")
    assert log.after == {"title": "Judul diperbaiki"}
    page = client_for(None).get(row.get_absolute_url()).content.decode()
    assert "Judul diperbaiki" in page
    with pytest.raises(PermissionDenied):
        services.clarification_update(actor=world.admin_b, clarification=row, data=ANSWER)


def test_an_answer_goes_to_its_kabupaten_kims_never_nationwide(world):
    operator = StaffFactory(role=Role.OPERATOR, region=None)
    row = services.clarification_create(actor=operator, data=ANSWER, kabupaten_code="61.07")
    # An operator who has not chosen the kabupaten holds only the national area.
    with pytest.raises(PermissionDenied, match="Operator"):
        services.clarification_publish(actor=operator, clarification=row)
    row = services.clarification_publish(actor=world.admin, clarification=row)
    assert row.info_item.area_id == "61.07"
    assert row.info_item.office.name == "Diskominfo Bengkayang"


def test_a_long_text_is_refused(world):
    with pytest.raises(ValidationError):
        services.report_submit(kabupaten_code="61.07", data={"text": "isu " * 1001})
    assert not RumourReport.objects.exists()
