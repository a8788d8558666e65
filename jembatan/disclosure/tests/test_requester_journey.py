"""The PPID as a requester lives it: the way to the Komisi Informasi with its date, name
and address (on the page and in the mail), the superior who is not the answerer and sees
the original answer, a page that stops promising an answer once it is given, and the
annual report in public, readable on a phone, with whole words in its PDF headers."""

from __future__ import annotations

import datetime
import shutil
import subprocess

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from jembatan.accounts.models import Role
from jembatan.core.workdays import add_working_days
from jembatan.disclosure import report, services
from jembatan.disclosure.models import InformationCommission, InformationRequest, Objection
from jembatan.disclosure.tests.conftest import MONDAY, request_data
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db

KI_NAME = "Komisi Informasi Provinsi Kalimantan Barat"


@pytest.fixture
def commission(db):
    # Seeded by a migration; a flushed test database may have lost it.
    obj, _created = InformationCommission.objects.get_or_create(
        province_code="61",
        defaults={"name": KI_NAME, "address": "Jln. D.A. Hadi No. 146, Pontianak"},
    )
    return obj


@pytest.fixture
def superior(ppid):
    user = UserFactory(full_name="Sekretaris Daerah")
    MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    return user


def answered_with_objection(ppid, capture) -> Objection:
    with capture(execute=True):
        request = services.information_request_submit(data=request_data(ppid.kabupaten), now=MONDAY)
        request = services.information_request_answer(
            actor=ppid.admin,
            request=request,
            outcome="ditolak",
            grounds=["a"],
            text="Ditolak karena dikecualikan.",
        )
        objection = services.objection_submit(
            request=request, reasons=["a"], text="Ini bukan rahasia negara.", now=timezone.now()
        )
    return objection


def test_after_the_decision_the_page_and_mail_show_the_komisi_informasi_route(
    client, ppid, superior, commission, django_capture_on_commit_callbacks
):
    objection = answered_with_objection(ppid, django_capture_on_commit_callbacks)
    request = objection.request
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Atasan PPID menanggapi paling lambat" in page and KI_NAME not in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(
            actor=superior, objection=objection, decision="ditolak", text="Jawaban PPID benar."
        )
    closes = add_working_days(timezone.localdate(), 14, kabupaten_code="61.07")
    page = client.get(request.get_absolute_url()).content.decode()
    # The promise of an answer is gone once the answer is there.
    assert "Atasan PPID menanggapi paling lambat" not in page
    assert KI_NAME in page and commission.address in page
    assert date_format(closes, "j F Y") in page and "14 hari kerja" in page
    (message,) = mail.outbox
    assert KI_NAME in message.body and date_format(closes, "j F Y") in message.body
    assert "Maria Goreti" not in message.body  # a link, never the identity


def test_no_decision_in_time_opens_the_route_and_mails_it_once(
    client, ppid, commission, django_capture_on_commit_callbacks
):
    objection = answered_with_objection(ppid, django_capture_on_commit_callbacks)
    late = timezone.localdate() - datetime.timedelta(days=3)
    Objection.objects.filter(pk=objection.pk).update(due_date=late)
    page = client.get(objection.request.get_absolute_url()).content.decode()
    assert "tidak menanggapi keberatan Anda dalam 30 hari kerja" in page and KI_NAME in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_and_escalate()
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_and_escalate()
    lapsed = [m for m in mail.outbox if "tidak ditanggapi" in m.subject]
    assert len(lapsed) == 1 and KI_NAME in lapsed[0].body


def test_the_answerer_cannot_decide_and_the_superior_sees_the_answer(
    client, ppid, superior, django_capture_on_commit_callbacks
):
    objection = answered_with_objection(ppid, django_capture_on_commit_callbacks)
    url = f"/kelola/ppid/keberatan/{objection.number}/"
    client.force_login(ppid.admin)  # answered the request
    page = client.get(url).content.decode()
    assert "tidak dapat memutus keberatan" in page and 'name="decision"' not in page
    response = client.post(url, {"decision": "ditolak", "text": "Jawaban saya sudah benar."})
    assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.status == Objection.Status.RECEIVED
    client.force_login(superior)
    page = client.get(url).content.decode()
    assert "Jawaban PPID yang diajukan keberatan" in page and "Ditolak karena dikecualikan" in page
    assert 'name="decision"' in page


def test_the_annual_report_is_public_readable_and_whole_worded(client, ppid, tmp_path):
    services.information_request_submit(data=request_data(ppid.kabupaten), now=MONDAY)
    year = MONDAY.year
    hub = client.get("/ppid/").content.decode()
    assert f"/ppid/laporan/{timezone.localdate().year - 1}/" in hub
    page = client.get(f"/ppid/laporan/{year}/")
    text = page.content.decode()
    assert page.status_code == 200 and ppid.kabupaten.name in text
    assert "Permohonan diterima" in text and "Maria Goreti" not in text
    assert "<table" not in text  # cards, not a 17-column table, on a phone
    assert client.get("/ppid/laporan/1999/").status_code == 404
    csv = client.get(f"/ppid/laporan/{year}.csv")
    assert csv.status_code == 200 and "Maria" not in csv.content.decode("utf-8-sig")
    pdf = client.get(f"/ppid/laporan/{year}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "laporan.pdf"
    path.write_bytes(pdf.content)
    executable = shutil.which("pdftotext")
    assert executable, "pdftotext is installed by make test's set-up (Debian poppler-utils)"
    words = subprocess.run(
        [executable, "-raw", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout.split()
    for header in report.columns()[1:]:
        for word in header.split():
            assert word in words, f"{word!r} of {header!r} split in the PDF header"
    assert InformationRequest.objects.count() == 1


def form_post(body, **overrides):
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in request_data(body).items()}
    data.update(overrides)
    return data


def test_a_bad_nik_is_summarised_at_the_top(client, ppid):
    response = client.post("/ppid/permohonan/", form_post(ppid.kabupaten, requester_nik="12345"))
    text = response.content.decode()
    assert response.status_code == 400
    summary = text.index('id="error-summary"')
    assert summary < text.index('name="information"')  # above the first field
    assert 'href="#id_requester_nik"' in text[summary:] and "16 angka" in text[summary:]
    assert InformationRequest.objects.count() == 0


def test_identity_copy_is_kept_private_and_shown_to_the_ppid_only(client, ppid, settings):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 40), "white").save(buffer, format="JPEG")
    upload = SimpleUploadedFile("ktp.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(
        "/ppid/permohonan/", {**form_post(ppid.kabupaten), "identity_file": upload}
    )
    assert response.status_code == 302
    request = InformationRequest.objects.get()
    assert request.identity_file
    stored = request.identity_file.path
    assert stored.startswith(str(settings.PPID_PRIVATE_ROOT))
    assert not stored.startswith(str(settings.MEDIA_ROOT))
    url = f"/kelola/ppid/permohonan/{request.number}/identitas/"
    assert client.get(url).status_code in (302, 403, 404)  # nobody signed in
    client.force_login(ppid.other_admin)
    assert client.get(url).status_code == 404
    client.force_login(ppid.admin)
    page = client.get(f"/kelola/ppid/permohonan/{request.number}/").content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    # The requester's own page never links the copy.
    assert url not in client.get(request.get_absolute_url()).content.decode()


def test_an_identity_copy_that_is_not_an_image_or_pdf_is_refused(client, ppid):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ktp.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post(
        "/ppid/permohonan/", {**form_post(ppid.kabupaten), "identity_file": upload}
    )
    assert response.status_code == 400
    assert 'href="#id_identity_file"' in response.content.decode()
    assert InformationRequest.objects.count() == 0


@pytest.mark.parametrize(
    "nik",
    ["1234567890123456", "0000000000000000", "6107041399900001", "6107040101900000"],
)
def test_a_nik_that_cannot_exist_is_refused(client, ppid, nik):
    response = client.post("/ppid/permohonan/", form_post(ppid.kabupaten, requester_nik=nik))
    assert response.status_code == 400
    assert 'href="#id_requester_nik"' in response.content.decode()
    assert InformationRequest.objects.count() == 0


def test_forms_with_errors_do_not_use_up_a_village_address(client, ppid, settings):
    settings.PPID_REQUEST_LIMIT = 3
    for _ in range(6):  # typos from a posko: never stored, never counted
        client.post("/ppid/permohonan/", form_post(ppid.kabupaten, requester_nik="12"))
    for _ in range(3):
        response = client.post("/ppid/permohonan/", form_post(ppid.kabupaten))
        assert response.status_code == 302
    response = client.post("/ppid/permohonan/", form_post(ppid.kabupaten))
    assert response.status_code == 429  # stored requests still meet the limit
    assert InformationRequest.objects.count() == 3


def test_an_identity_copy_must_be_chosen_again_after_an_error(client, ppid):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (30, 20), "white").save(buffer, format="JPEG")
    upload = SimpleUploadedFile("ktp.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client.post(
        "/ppid/permohonan/",
        {**form_post(ppid.kabupaten, requester_nik="12"), "identity_file": upload},
    )
    assert response.status_code == 400
    assert "pilih berkasnya lagi" in response.content.decode()


def test_an_objection_with_an_error_keeps_what_was_written(
    client, ppid, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.information_request_submit(data=request_data(ppid.kabupaten))
        services.information_request_answer(
            actor=ppid.admin,
            request=request,
            outcome="ditolak",
            grounds=["a"],
            text="Ditolak karena dikecualikan.",
        )
    url = request.get_absolute_url() + "keberatan/"
    response = client.post(url, {"text": "Uraian panjang keberatan saya yang tidak boleh hilang."})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Uraian panjang keberatan saya yang tidak boleh hilang." in page
    assert "field-error" in page
    assert not Objection.objects.exists()


def test_the_decision_form_follows_the_objection_table(
    client, ppid, superior, django_capture_on_commit_callbacks
):
    objection = answered_with_objection(ppid, django_capture_on_commit_callbacks)
    url = f"/kelola/ppid/keberatan/{objection.number}/"
    client.force_login(superior)
    assert client.get(url).context["may_decide"]
    assert services.OBJECTION_MACHINE.available(objection.status, superior, objection)
    # Decided out of band: the table allows nothing more, and the page offers nothing.
    Objection.objects.filter(pk=objection.pk).update(
        status=Objection.Status.DECIDED,
        decision=Objection.Decision.REJECTED,
        decision_text="Diputus di luar sistem.",
        decided_at=timezone.now(),
    )
    objection.refresh_from_db()
    assert services.OBJECTION_MACHINE.available(objection.status) == []
    assert not client.get(url).context["may_decide"]
