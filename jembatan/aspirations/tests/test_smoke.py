import re

import pytest

from jembatan.accounts.models import Role
from jembatan.aspirations.models import Aspiration, Category
from jembatan.testing.factories import MembershipFactory, OfficeFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db


def test_flow(client, two_tenants):
    kab = region_chain("61.07", "Kabupaten Bengkayang")
    office = OfficeFactory(kabupaten=kab, name="Dinas PUPR")
    cat = Category.objects.create(kabupaten=kab, name="Jalan", office=office)
    village = region_chain("61.07.04.1010", "Sebalo")
    r = client.get("/aspirasi/kirim/")
    assert r.status_code == 200
    r = client.post(
        "/aspirasi/kirim/",
        {
            "category": cat.pk,
            "region": village.code,
            "description": "Jalan berlubang di RT 3",
            "reporter_phone": "0812 3456 7890",
            "visibility": "anonim",
            "reporter_name": "Budi",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    case = Aspiration.objects.get()
    assert case.verify_due
    assert r["Location"] == f"/aspirasi/{case.code}/terkirim/"
    r = client.get(r["Location"])
    assert r.status_code == 200 and b"Budi" not in r.content
    private = re.search(r'id="private-link"[^>]*>([^<]+)<', r.content.decode()).group(1)
    r = client.get(f"/aspirasi/{case.code}/")
    assert r.status_code == 200 and b"Jalan berlubang" in r.content and b"Budi" not in r.content
    r = client.get("/aspirasi/lacak/", {"code": case.code.lower()})
    assert r.status_code == 302
    r = client.get("/aspirasi/lacak/", {"code": "ZZZZZZZZ"})
    assert r.status_code == 404
    r = client.get("/aspirasi/")
    assert r.status_code == 200 and b"Jalan berlubang" in r.content
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kab)
    officer = UserFactory()
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, region=kab, office=office)
    client.force_login(admin)
    r = client.get("/kelola/aspirasi/")
    assert r.status_code == 200 and case.code[:4].encode() in r.content
    r = client.get(f"/kelola/aspirasi/{case.code}/")
    assert r.status_code == 200 and b"+6281234567890" in r.content
    for data in ({"action": "verify"}, {"action": "dispose", "office": office.pk}):
        r = client.post(f"/kelola/aspirasi/{case.code}/tindakan/", data)
        assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "didisposisikan" and case.answer_due
    client.force_login(officer)
    r = client.get(f"/kelola/aspirasi/{case.code}/")
    assert r.status_code == 200 and b"+6281234567890" not in r.content
    r = client.post(
        f"/kelola/aspirasi/{case.code}/tindakan/", {"action": "finish", "body": "Sudah ditambal"}
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "selesai"
    client.logout()
    r = client.post(f"/aspirasi/{case.code}/tanggapan/", {"accept": "0", "rating": "2"})
    assert r.status_code == 403  # the tracking code alone is not the reporter
    client.get(private)
    r = client.post(f"/aspirasi/{case.code}/tanggapan/", {"accept": "0", "rating": "2"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "ditindaklanjuti"
    r = client.get(f"/aspirasi/{case.code}/")
    assert b"Sudah ditambal" in r.content
