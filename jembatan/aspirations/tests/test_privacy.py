"""Personal data: what a citizen can see and erase, retention, and the LAPOR! export."""

import datetime

import pytest
from django.utils import timezone

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration, Category
from jembatan.testing.factories import MembershipFactory, OfficeFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=office)
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    officer = UserFactory()
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, region=kabupaten, office=office)
    return {"category": category, "admin": admin, "officer": officer, "office": office}


def _case(world, **extra):
    data = {
        "region": region_chain("61.07.04.1010", "Sebalo"),
        "category": world["category"],
        "description": "Jalan berlubang di RT 03",
        "visibility": "publik",
        "reporter_name": "Budi Santoso",
        "reporter_phone": "0812 3456 7890",
        "reporter_email": "budi@example.test",
    } | extra
    case, _ = services.aspiration_submit(data=data)
    return case


def test_my_data_page_needs_the_reporters_key(client, world):
    case = _case(world)
    refused = client.get(f"/aspirasi/{case.code}/data-saya/")
    assert refused.status_code == 403
    assert "0812" not in refused.content.decode() and "B*** S" not in refused.content.decode()
    assert client.post(f"/aspirasi/{case.code}/data-saya/", {"confirm": "1"}).status_code == 403
    assert Aspiration.objects.get(pk=case.pk).reporter_phone == "+6281234567890"


def test_my_data_page_shows_masked_contact_only(client, world):
    case = _case(world)
    client.get(f"/aspirasi/{case.code}/?k={case.reporter_key}")
    page = client.get(f"/aspirasi/{case.code}/data-saya/").content.decode()
    assert "+62812****7890" in page and "bu***@example.test" in page and "B*** S******" in page
    assert "+6281234567890" not in page and "budi@example.test" not in page
    assert "Budi Santoso" not in page


def test_the_citizen_erases_their_contact_and_the_case_goes_on(client, world):
    case = _case(world)
    client.get(f"/aspirasi/{case.code}/?k={case.reporter_key}")
    refused = client.post(f"/aspirasi/{case.code}/data-saya/", {})
    assert refused.status_code == 302
    assert Aspiration.objects.get(pk=case.pk).reporter_phone == "+6281234567890"
    client.post(f"/aspirasi/{case.code}/data-saya/", {"confirm": "1"})
    case.refresh_from_db()
    assert (case.reporter_name, case.reporter_phone, case.reporter_email) == ("", "", "")
    assert case.visibility == "anonim" and case.status == "diterima"
    row = audit_for(case).get(action="aspiration.contact_erase")
    assert "0812" not in str(row.before) + str(row.after) + row.note


def test_contacts_are_purged_after_the_retention_period(world, settings):
    settings.ASPIRATION_CONTACT_RETENTION_DAYS = 30
    open_case = _case(world)
    done = _case(world, description="Jalan lain berlubang")
    services.aspiration_transition(actor=world["admin"], case=done, action="close", reason="spam")
    now = timezone.now()
    assert services.purge_old_contacts(now=now) == 0  # closed just now
    later = now + datetime.timedelta(days=31)
    assert services.purge_old_contacts(now=later) == 1
    assert Aspiration.objects.get(pk=done.pk).reporter_phone == ""
    assert Aspiration.objects.get(pk=open_case.pk).reporter_phone == "+6281234567890"
    assert services.purge_old_contacts(now=later) == 0


def test_lapor_export_carries_the_reporter_only_for_those_who_may_see_it(client, world):
    case = _case(world)
    services.aspiration_transition(actor=world["admin"], case=case, action="verify")
    services.aspiration_transition(
        actor=world["admin"], case=case, action="dispose", office=world["office"]
    )
    client.force_login(world["admin"])
    data = client.get(f"/kelola/aspirasi/{case.code}/lapor.json").json()
    assert data["kode_lacak"] == services.display_code(case.code)
    assert data["lokasi"]["kode_wilayah"] == "61.07.04.1010"
    assert data["instansi_tujuan"] == "Dinas PUPR"
    assert data["pelapor"]["telepon"] == "+6281234567890"
    assert [e["status"] for e in data["riwayat"]] == ["diterima", "diverifikasi", "didisposisikan"]
    client.force_login(world["officer"])
    officer_view = client.get(f"/kelola/aspirasi/{case.code}/lapor.json")
    assert officer_view.status_code == 200 and "pelapor" not in officer_view.json()
    # The number in any of its forms (0812…, +62812…), not a 4-digit prefix: a timestamp's
    # microseconds may read "…408120…".
    assert (
        "81234567890" not in officer_view.content.decode()
        and "+62" not in officer_view.content.decode()
    )
    assert audit_for(case).filter(action="aspiration.export").count() == 2


def test_an_anonymous_case_exports_without_identity_even_for_diskominfo(client, world):
    case = _case(world, visibility="anonim")
    client.force_login(world["admin"])
    data = client.get(f"/kelola/aspirasi/{case.code}/lapor.json").json()
    assert "pelapor" not in data and data["anonim"] is True


def test_a_map_point_is_kept_when_inside_indonesia(world):
    from decimal import Decimal

    case = _case(world, latitude=Decimal("0.912345"), longitude=Decimal("109.456789"))
    assert (case.latitude, case.longitude) == (Decimal("0.912345"), Decimal("109.456789"))
    for bad in [
        {"latitude": Decimal("48.85"), "longitude": Decimal("2.35")},  # Paris
        {"latitude": Decimal("0.9")},  # half a point
    ]:
        with pytest.raises(services.ValidationError) as error:
            _case(world, description="Titik yang salah sekali", **bad)
        assert "latitude" in error.value.message_dict
    assert Aspiration.objects.count() == 1


def test_diskominfo_sets_categories_and_deadlines_others_cannot(client, world):
    from jembatan.accounts.audit import audit_for

    client.force_login(world["officer"])
    assert client.get("/kelola/aspirasi/kategori/").status_code == 403
    client.force_login(world["admin"])
    assert client.get("/kelola/aspirasi/kategori/").status_code == 200
    response = client.post(
        "/kelola/aspirasi/kategori/",
        {
            "name": "Sampah",
            "office": world["office"].pk,
            "verify_days": 2,
            "answer_days": 7,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = Category.objects.get(name="Sampah")
    assert (created.verify_days, created.answer_days, created.kabupaten_id) == (2, 7, "61.07")
    assert audit_for(created).filter(action="aspiration_category.create").exists()
    bad = client.post(
        f"/kelola/aspirasi/kategori/{created.pk}/",
        {"name": "jalan", "verify_days": 0, "answer_days": 5, "is_active": "on"},
    )
    assert bad.status_code == 200
    assert "Kategori ini sudah ada." in bad.content.decode()
    assert "Antara 1 dan 60 hari kerja." in bad.content.decode()
    assert Category.objects.get(pk=created.pk).name == "Sampah"
    other = Category.objects.create(kabupaten=region_chain("61.04"), name="Lain")
    assert client.get(f"/kelola/aspirasi/kategori/{other.pk}/").status_code == 404
