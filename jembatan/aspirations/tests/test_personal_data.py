"""The reporter's data page (UU 27/2022): the copy, the download, the correction, the
record of processing, and the retention rule for photos and follow-ups."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AccessRecord, Role
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration, CaseEvent, Category
from jembatan.core.personal_data import ERASED
from jembatan.testing.factories import MembershipFactory, OfficeFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=office)
    admin = UserFactory(full_name="Ratna Sari Dewi")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    officer = UserFactory(full_name="Bambang Petugas")
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, region=kabupaten, office=office)
    return {"category": category, "admin": admin, "officer": officer, "office": office}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return out.getvalue()


def _case(world, photos=()) -> Aspiration:
    case, _ = services.aspiration_submit(
        data={
            "region": region_chain("61.07.04.1010", "Sebalo"),
            "category": world["category"],
            "description": "Jalan berlubang di RT 03",
            "visibility": "anonim",
            "reporter_name": "Budi Santoso",
            "reporter_phone": "0812 3456 7890",
            "reporter_email": "budi@example.test",
        },
        photos=photos,
    )
    return case


def _as_reporter(client: Client, case: Aspiration) -> None:
    client.get(f"/aspirasi/{case.code}/?k={case.reporter_key}")


def test_the_reporter_corrects_their_contact_and_the_audit_keeps_no_value(client, world):
    case = _case(world)
    _as_reporter(client, case)
    url = f"/aspirasi/{case.code}/data-saya/"
    response = client.post(
        url, {"action": "correct", "reporter_phone": "0857-1111-2222", "reporter_email": ""}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.reporter_phone == "+6285711112222"
    assert case.reporter_email == "budi@example.test"  # left empty: kept
    row = audit_for(case).get(action="aspiration.contact_correct")
    assert row.actor is None
    assert "0857" not in str(row.before) + str(row.after) + row.note
    assert "+6285711112222" not in str(row.before) + str(row.after)


def test_a_wrong_phone_is_refused_on_the_form(client, world):
    case = _case(world)
    _as_reporter(client, case)
    response = client.post(
        f"/aspirasi/{case.code}/data-saya/", {"action": "correct", "reporter_phone": "12ab"}
    )
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    case.refresh_from_db()
    assert case.reporter_phone == "+6281234567890"
    assert not audit_for(case).filter(action="aspiration.contact_correct").exists()


def test_corrections_are_rate_limited(client, world, settings):
    settings.PERSONAL_DATA_CORRECT_LIMIT = 2
    case = _case(world)
    _as_reporter(client, case)
    url = f"/aspirasi/{case.code}/data-saya/"
    for name in ("Budi S", "Budi Sa"):
        client.post(url, {"action": "correct", "reporter_name": name})
    client.post(url, {"action": "correct", "reporter_name": "Budi San"})
    case.refresh_from_db()
    assert case.reporter_name == "Budi Sa"


def test_correction_needs_the_key_and_the_csrf_token(world):
    case = _case(world)
    stranger = Client()
    url = f"/aspirasi/{case.code}/data-saya/"
    assert stranger.post(url, {"action": "correct", "reporter_name": "X Y"}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    _as_reporter(strict, case)
    assert strict.post(url, {"action": "correct", "reporter_name": "X Y"}).status_code == 403
    case.refresh_from_db()
    assert case.reporter_name == "Budi Santoso"


def test_the_json_copy_holds_everything_for_the_reporter_only(client, world):
    case = _case(world, photos=[SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg")])
    services.citizen_follow_up(case=case, body="Lubangnya makin besar")
    url = f"/aspirasi/{case.code}/data-saya.json"
    assert client.get(url).status_code == 403
    _as_reporter(client, case)
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["pelapor"] == {
        "nama": "Budi Santoso",
        "telepon": "+6281234567890",
        "email": "budi@example.test",
    }
    assert [f["isi"] for f in data["keterangan_tambahan"]] == ["Lubangnya makin besar"]
    assert len(data["foto"]) == 1
    assert any(p["apa"] == "Aspirasi dikirim" and p["siapa"] == "Anda" for p in data["pemrosesan"])


def test_staff_views_are_recorded_once_a_day_and_shown_by_role(client, world):
    case = _case(world)
    staff = Client()
    staff.force_login(world["admin"])
    for _ in range(3):
        assert staff.get(f"/kelola/aspirasi/{case.code}/").status_code == 200
    assert staff.get(f"/kelola/aspirasi/{case.code}/lapor.json").status_code == 200
    assert AccessRecord.objects.filter(actor=world["admin"], target_id=str(case.pk)).count() == 1
    services.aspiration_transition(actor=world["admin"], case=case, action="verify")
    _as_reporter(client, case)
    page = client.get(f"/aspirasi/{case.code}/data-saya/").content.decode()
    assert "Data dilihat petugas" in page
    assert "Admin kabupaten (Diskominfo)" in page
    assert "Aspirasi diverifikasi" in page and "Aspirasi diekspor" in page
    assert "Ratna Sari Dewi" not in page  # the role and office, not the officer's name
    assert "Budi Santoso" not in page  # the contact stays masked on the page
    assert "foto dan keterangan tambahan Anda dihapus otomatis 365 hari" in page


def test_an_officer_is_shown_with_their_office(client, world):
    case = _case(world)
    services.aspiration_transition(actor=world["admin"], case=case, action="verify")
    services.aspiration_transition(
        actor=world["admin"], case=case, action="dispose", office=world["office"]
    )
    officer = Client()
    officer.force_login(world["officer"])
    assert officer.get(f"/kelola/aspirasi/{case.code}/").status_code == 200
    _as_reporter(client, case)
    page = client.get(f"/aspirasi/{case.code}/data-saya/").content.decode()
    assert "Petugas OPD · Dinas PUPR" in page and "Bambang" not in page


def test_retention_erases_photos_and_follow_ups_too(world, settings):
    settings.ASPIRATION_CONTACT_RETENTION_DAYS = 30
    case = _case(world, photos=[SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg")])
    path = case.photos.get().file.path
    services.citizen_follow_up(case=case, body="Nomor rumah saya 17")
    services.aspiration_transition(actor=world["admin"], case=case, action="close", reason="spam")
    later = timezone.now() + datetime.timedelta(days=31)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.purge_old_contacts(now=later) == 1
    case.refresh_from_db()
    assert case.reporter_name == "" and not case.photos.exists()
    assert CaseEvent.objects.get(aspiration=case, kind="tambahan").body == ERASED
    assert audit_for(case).get(action="aspiration.follow_up").note == ERASED
    import os

    assert not os.path.exists(path)
    assert services.purge_old_contacts(now=later) == 0


def test_the_copy_names_the_report_type_and_local_times_to_the_second(client, world):
    case = _case(world)
    services.citizen_follow_up(case=case, body="Lubangnya makin besar")
    _as_reporter(client, case)
    data = client.get(f"/aspirasi/{case.code}/data-saya.json").json()
    assert data["jenis_laporan"] == "Aspirasi: usulan atau saran"
    # Bengkayang is WIB: the times carry +07:00 and no fraction of a second.
    received = datetime.datetime.fromisoformat(data["diterima"])
    assert data["diterima"].endswith("+07:00") and "." not in data["diterima"]
    assert received == case.created_at.replace(microsecond=0)
    times = [f["waktu"] for f in data["keterangan_tambahan"]] + [
        p["waktu"] for p in data["pemrosesan"]
    ]
    assert times and all(t.endswith("+07:00") and "." not in t for t in times)


def test_the_data_page_labels_the_download_for_villagers_and_valid_times(client, world):
    case = _case(world)
    services.citizen_follow_up(case=case, body="Lubangnya makin besar")
    _as_reporter(client, case)
    page = client.get(f"/aspirasi/{case.code}/data-saya/").content.decode()
    assert "Unduh salinan data saya</a>" in page
    assert "berkas JSON" in page
    datetimes = re.findall(r'<time datetime="([^"]+)"', page)
    assert datetimes
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", d) for d in datetimes)
