"""The requester's data page (UU 27/2022) and the retention of their identity."""

from __future__ import annotations

import datetime
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils import timezone
from PIL import Image

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AccessRecord
from jembatan.core.personal_data import ERASED
from jembatan.disclosure import services
from jembatan.disclosure.models import InformationRequest
from jembatan.disclosure.personal_data import purge_requesters
from jembatan.disclosure.tests.conftest import request_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.PPID_PRIVATE_ROOT = tmp_path


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return out.getvalue()


def _submit(ppid, **extra) -> InformationRequest:
    return services.information_request_submit(data=request_data(ppid.kabupaten, **extra))


def _page(req: InformationRequest) -> str:
    return f"/ppid/permohonan/{req.number}/{req.token}/data-saya/"


def test_the_data_page_needs_the_private_link_and_masks_the_identity(client, ppid):
    req = _submit(ppid)
    assert client.get(f"/ppid/permohonan/{req.number}/salah/data-saya/").status_code == 404
    response = client.get(_page(req))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Maria Goreti" in text and "6107045203900001" not in text and "*0001" in text
    assert "maria@example.test" not in text and "ma***@example.test" in text
    assert _page(req) in client.get(req.get_absolute_url()).content.decode()


def test_the_requester_corrects_their_contact(client, ppid):
    req = _submit(ppid)
    response = client.post(
        _page(req), {"requester_phone": "0857 2222 3333", "requester_address": "Jl. Baru No. 1"}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.requester_phone == "+6285722223333" and req.requester_address == "Jl. Baru No. 1"
    row = audit_for(req).get(action="ppid.requester_correct")
    assert "Jl. Baru" not in str(row.before) + str(row.after)
    assert client.post(_page(req), {"requester_email": "bukan-email"}).status_code == 400
    req.refresh_from_db()
    assert req.requester_email == "maria@example.test"


def test_the_json_copy_and_the_record_of_processing(client, ppid):
    req = _submit(ppid)
    staff = Client()
    staff.force_login(ppid.admin)
    assert staff.get(f"/kelola/ppid/permohonan/{req.number}/").status_code == 200
    assert AccessRecord.objects.filter(actor=ppid.admin, target_id=str(req.pk)).count() == 1
    data = client.get(f"/ppid/permohonan/{req.number}/{req.token}/data-saya.json").json()
    assert data["pemohon"]["nik"] == "************0001"
    assert data["tujuan_penggunaan"] == "Bahan diskusi warga RT 03."
    seen = [p for p in data["pemrosesan"] if p["apa"] == "Data dilihat petugas"]
    assert seen and seen[0]["siapa"] == "Admin kabupaten (Diskominfo)"
    page = client.get(_page(req)).content.decode()
    assert "Admin kabupaten (Diskominfo)" in page and "Admin Bengkayang" not in page


def test_retention_erases_the_identity_and_its_scan_after_the_answer(ppid, settings):
    settings.PPID_REQUESTER_RETENTION_DAYS = 90
    upload = SimpleUploadedFile("ktp.jpg", _jpeg(), content_type="image/jpeg")
    req = _submit(ppid, identity_file=upload)
    waiting = _submit(ppid, requester_name="Pemohon Lain")
    path = req.identity_file.path
    services.information_request_answer(
        actor=ppid.admin, request=req, outcome="dikabulkan", text="Terlampir."
    )
    assert purge_requesters() == 0  # answered just now
    later = timezone.now() + datetime.timedelta(days=91)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert purge_requesters(now=later) == 1
    req.refresh_from_db()
    assert req.requester_erased_at is not None
    assert (req.requester_name, req.requester_nik, req.requester_email) == (ERASED, "", "")
    assert req.purpose == ERASED and not req.identity_file and not os.path.exists(path)
    assert req.information  # the request stays in the register
    assert InformationRequest.objects.get(pk=waiting.pk).requester_nik == "6107045203900001"
    assert purge_requesters(now=later) == 0


def test_the_requester_erases_their_identity_once_the_request_is_answered(client, ppid):
    req = _submit(ppid)
    erase = {"action": "erase", "confirm": "1"}
    client.post(_page(req), erase)
    req.refresh_from_db()
    assert req.requester_erased_at is None  # the PPID still needs it to answer
    assert "Hapus identitas dan kontak saya" not in client.get(_page(req)).content.decode()
    services.information_request_answer(
        actor=ppid.admin, request=req, outcome="dikabulkan", text="Terlampir."
    )
    client.post(_page(req), {"action": "erase"})  # not confirmed
    req.refresh_from_db()
    assert req.requester_erased_at is None
    assert client.post(_page(req), erase).status_code == 302
    req.refresh_from_db()
    assert req.requester_erased_at is not None and req.requester_nik == ""
    assert audit_for(req).filter(action="ppid.requester_erase").count() == 1
    page = client.get(_page(req)).content.decode()
    assert "sudah dihapus" in page and "Maria Goreti" not in page
