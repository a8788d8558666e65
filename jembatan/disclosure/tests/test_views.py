from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jembatan.disclosure import services
from jembatan.disclosure.models import InfoDocument, InformationRequest, Objection
from jembatan.disclosure.tests.conftest import MONDAY, pdf_bytes, request_data
from jembatan.testing.factories import InfoDocumentFactory

pytestmark = pytest.mark.django_db


def form_data(body, **overrides):
    data = request_data(body, **overrides)
    data["body"] = body.pk
    if data.get("document") is not None:
        data["document"] = data["document"].pk
    data.setdefault("website", "")
    return {k: v for k, v in data.items() if v is not None}


def _berkala_with_file(ppid) -> InfoDocument:
    upload = SimpleUploadedFile("apbdes.pdf", pdf_bytes(), content_type="application/pdf")
    return services.info_document_save(
        actor=ppid.admin,
        body=ppid.desa,
        data={"title": "APBDes 2026", "category": "berkala", "owner": "Sekdes"}
        | {"period": "2026", "format": "PDF"},
        file=upload,
    )


def _exempt(ppid) -> InfoDocument:
    return InfoDocumentFactory(
        body=ppid.desa,
        title="Data penerima BLT",
        category="dikecualikan",
        exemption_ground="h",
        exemption_reason="Memuat NIK dan alamat warga penerima.",
        exemption_harm="Data pribadi dapat disalahgunakan.",
    )


def test_hub_and_body_list_show_four_categories(client, ppid):
    document = _berkala_with_file(ppid)
    _exempt(ppid)
    hub = client.get(reverse("disclosure:hub"))
    assert hub.status_code == 200
    assert ppid.desa.name in hub.content.decode()
    page = client.get(reverse("disclosure:body", kwargs={"pk": ppid.desa.pk}))
    html = page.content.decode()
    for label in ("Informasi berkala", "serta-merta", "setiap saat", "dikecualikan"):
        assert label in html
    assert reverse("disclosure:document_download", kwargs={"pk": document.pk}) in html
    assert "Memuat NIK dan alamat warga penerima." in html
    # Only one download link: the exempt entry has none.
    assert html.count("/unduh/") == 1


def test_download_checks_what_may_be_downloaded(client, ppid):
    document = _berkala_with_file(ppid)
    response = client.get(reverse("disclosure:document_download", kwargs={"pk": document.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    exempt = _exempt(ppid)
    url = reverse("disclosure:document_download", kwargs={"pk": exempt.pk})
    assert client.get(url).status_code == 404
    InfoDocument.objects.filter(pk=document.pk).update(is_published=False)
    url = reverse("disclosure:document_download", kwargs={"pk": document.pk})
    assert client.get(url).status_code == 404
    # Files are outside MEDIA_ROOT: no /media/ address exists for them.
    from django.conf import settings

    assert not str(document.file.path).startswith(str(settings.MEDIA_ROOT))


def test_submit_request_through_the_form(client, ppid):
    response = client.post(reverse("disclosure:request_submit"), form_data(ppid.desa))
    request = InformationRequest.objects.get()
    assert response.status_code == 302 and response.url == request.get_absolute_url()
    page = client.get(response.url)
    assert request.number in page.content.decode()
    assert "diterima dengan nomor registrasi" in page.content.decode()


def test_form_missing_identity_shows_message(client, ppid):
    response = client.post(
        reverse("disclosure:request_submit"), form_data(ppid.desa, requester_nik="")
    )
    assert response.status_code == 400
    assert "NIK (16 angka)" in response.content.decode()
    assert InformationRequest.objects.count() == 0


def test_form_exempt_information_shows_reason(client, ppid):
    exempt = _exempt(ppid)
    response = client.post(
        reverse("disclosure:request_submit"), form_data(ppid.desa, document=exempt)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "informasi yang dikecualikan" in html and "Memuat NIK dan alamat" in html
    assert InformationRequest.objects.count() == 0


def test_honeypot_keeps_nothing(client, ppid):
    response = client.post(
        reverse("disclosure:request_submit"), form_data(ppid.desa, website="spam")
    )
    assert response.status_code == 302
    assert InformationRequest.objects.count() == 0


def test_private_page_needs_the_token(client, ppid):
    request = services.information_request_submit(data=request_data(ppid.desa))
    bad = reverse("disclosure:request_detail", kwargs={"number": request.number, "token": "x" * 32})
    assert client.get(bad).status_code == 404
    none = reverse(
        "disclosure:request_detail", kwargs={"number": "PPID-2026-999999", "token": "x" * 32}
    )
    assert client.get(none).status_code == 404
    assert client.get(request.get_absolute_url()).status_code == 200


def test_objection_through_the_page_and_after_the_window(client, ppid):
    request = services.information_request_submit(data=request_data(ppid.desa))
    services.information_request_answer(
        actor=ppid.admin, request=request, outcome="ditolak", grounds=["h"], text="Data pribadi."
    )
    page = client.get(request.get_absolute_url())
    assert "Ajukan keberatan" in page.content.decode()
    url = reverse(
        "disclosure:objection_submit", kwargs={"number": request.number, "token": request.token}
    )
    client.post(url, {"reasons": ["a"], "text": "Bukan data pribadi, mohon ditinjau."})
    objection = Objection.objects.get()
    assert objection.request == request
    # A second request answered long ago: its window has closed.
    late = services.information_request_submit(data=request_data(ppid.desa))
    services.information_request_answer(
        actor=ppid.admin, request=late, outcome="tidak_dikuasai", text="Tidak ada arsipnya."
    )
    InformationRequest.objects.filter(pk=late.pk).update(answered_at=MONDAY)
    url = reverse(
        "disclosure:objection_submit", kwargs={"number": late.number, "token": late.token}
    )
    response = client.post(
        url, {"reasons": ["e"], "text": "Informasi ini seharusnya ada."}, follow=True
    )
    assert "sudah lewat" in response.content.decode()
    assert Objection.objects.count() == 1


def test_public_register_has_no_personal_data(client, ppid):
    request = services.information_request_submit(data=request_data(ppid.desa))
    html = client.get(reverse("disclosure:register")).content.decode()
    assert request.number in html
    for secret in ("Maria", "6107045203900001", "maria@example.test", "APBDes", request.token):
        assert secret not in html


def test_staff_register_and_scoping(client, ppid, two_tenants):
    request = services.information_request_submit(data=request_data(ppid.opd))
    client.force_login(ppid.officer)
    html = client.get(reverse("disclosure:manage")).content.decode()
    assert request.number in html
    detail = client.get(reverse("disclosure:manage_request", kwargs={"number": request.number}))
    assert "6107045203900001" in detail.content.decode()
    for outsider in (ppid.other_admin, two_tenants.a.owner):
        client.force_login(outsider)
        response = client.get(
            reverse("disclosure:manage_request", kwargs={"number": request.number})
        )
        assert response.status_code == 404
    client.force_login(two_tenants.b.outsider)
    assert client.get(reverse("disclosure:manage")).status_code == 403


def test_staff_answer_and_extend_through_views(client, ppid):
    request = services.information_request_submit(data=request_data(ppid.opd))
    client.force_login(ppid.officer)
    extend = reverse("disclosure:manage_request_extend", kwargs={"number": request.number})
    client.post(extend, {"reason": "Menunggu data dari puskesmas."})
    response = client.post(extend, {"reason": "Sekali lagi menunggu."}, follow=True)
    assert "hanya sekali" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "diperpanjang"
    answer = reverse("disclosure:manage_request_answer", kwargs={"number": request.number})
    response = client.post(answer, {"outcome": "ditolak", "text": "Tidak dapat diberikan."})
    request.refresh_from_db()
    assert request.status == "diperpanjang"
    client.post(
        answer,
        {
            "outcome": "dikabulkan",
            "text": "Terlampir datanya.",
            "file": SimpleUploadedFile("data.pdf", pdf_bytes(), content_type="application/pdf"),
        },
    )
    request.refresh_from_db()
    assert request.outcome == "dikabulkan" and request.answer_file
    # The requester downloads it through their private page only.
    url = reverse(
        "disclosure:answer_download", kwargs={"number": request.number, "token": request.token}
    )
    client.logout()
    assert client.get(url).status_code == 200


def test_staff_document_crud(client, ppid):
    client.force_login(ppid.officer)
    create = reverse("disclosure:manage_document_create", kwargs={"pk": ppid.opd.pk})
    response = client.post(
        create,
        {
            "title": "Data kasus DBD",
            "category": "dikecualikan",
            "owner": "Bidang P2P",
            "period": "2026",
            "format": "XLSX",
            "is_published": "on",
        },
    )
    assert response.status_code == 400
    assert "uji konsekuensi" in response.content.decode().lower()
    assert InfoDocument.objects.count() == 0
    client.post(
        create,
        {
            "title": "Profil kesehatan",
            "category": "berkala",
            "owner": "Sekretariat",
            "period": "2025",
            "format": "PDF",
            "is_published": "on",
        },
    )
    document = InfoDocument.objects.get()
    edit = reverse("disclosure:manage_document", kwargs={"pk": document.pk})
    assert client.get(edit).status_code == 200
    # Another body's entries are out of reach.
    other = InfoDocumentFactory(body=ppid.kabupaten)
    assert (
        client.get(reverse("disclosure:manage_document", kwargs={"pk": other.pk})).status_code
        == 404
    )
    client.post(reverse("disclosure:manage_document_delete", kwargs={"pk": document.pk}))
    assert not InfoDocument.objects.filter(pk=document.pk).exists()


def test_objection_decision_view(client, ppid):
    request = services.information_request_submit(data=request_data(ppid.opd))
    services.information_request_answer(
        actor=ppid.officer, request=request, outcome="ditolak", grounds=["a"], text="Ditolak ya."
    )
    objection = services.objection_submit(
        request=request, reasons=["a"], text="Tidak berkaitan dengan perkara."
    )
    url = reverse("disclosure:manage_objection", kwargs={"number": objection.number})
    client.force_login(ppid.officer)
    assert client.post(url, {"decision": "dikabulkan", "text": "Boleh."}).status_code == 403
    client.force_login(ppid.admin)
    client.post(url, {"decision": "dikabulkan", "text": "PPID memberikan salinan."})
    objection.refresh_from_db()
    assert objection.status == "diputus"


def test_annual_report_html_csv_pdf(client, ppid):
    request = services.information_request_submit(data=request_data(ppid.opd), now=MONDAY)
    services.information_request_answer(
        actor=ppid.officer,
        request=request,
        outcome="sebagian",
        grounds=["h"],
        text="Sebagian data pribadi dihitamkan.",
    )
    InformationRequest.objects.filter(pk=request.pk).update(
        answered_at=timezone.make_aware(datetime.datetime(2026, 3, 5, 10, 0))
    )
    client.force_login(ppid.admin)
    html = client.get(reverse("disclosure:report", kwargs={"year": 2026})).content.decode()
    assert "Dinas Kesehatan" in html
    csv_response = client.get(reverse("disclosure:report_csv", kwargs={"year": 2026}))
    text = csv_response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    # One separator for every CSV of the product: a comma, with quoting where needed.
    lines = list(csv.reader(io.StringIO(text[1:])))
    assert lines[0][:2] == ["Tahun", "Badan publik"]
    row = next(r for r in lines if r[1] == "Dinas Kesehatan")
    # year, then received 1, answered 1, open 0, granted 0, partly 1, ..., 3 working days
    assert row[0] == "2026"
    assert row[2:8] == ["1", "1", "0", "0", "1", "0"]
    # Machine-readable: a dot decimal (not the Indonesian comma of the page), the longest.
    assert row[11:13] == ["3.0", "3"]
    assert next(r for r in lines if r[1] == "Jumlah")[0] == "2026"
    pdf = client.get(reverse("disclosure:report_pdf", kwargs={"year": 2026}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_workspace_shows_ppid_button(client, ppid, two_tenants):
    client.force_login(ppid.admin)
    assert reverse("disclosure:manage") in client.get(reverse("workspace:home")).content.decode()
    client.force_login(two_tenants.a.member)
    assert (
        reverse("disclosure:manage") not in client.get(reverse("workspace:home")).content.decode()
    )


def test_admin_registers_a_body(client, ppid):
    from jembatan.testing.factories import region_chain

    region_chain("61.07.04.2003", "Tirta Kencana")
    client.force_login(ppid.admin)
    response = client.post(
        reverse("disclosure:manage_bodies"), {"kind": "desa", "region": "61.07.04.2003"}
    )
    assert response.status_code == 302
    assert ppid.kabupaten.__class__.objects.filter(region_id="61.07.04.2003").exists()
