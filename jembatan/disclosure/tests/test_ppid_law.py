"""The PPID as the law sets it (UU 14/2008, Perki 1/2021, Perki 1/2018): the atasan PPID
per body and the objections routed to them, the way to the Komisi Informasi after a
decision and after the atasan's silence (across holidays), deadlines set per kabupaten,
the desa's public bodies (BPD, BUMDes, BKAD) and a camat's read access."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Notification, Role
from jembatan.core.models import Holiday
from jembatan.core.workdays import clear_cache
from jembatan.disclosure import access, services
from jembatan.disclosure.models import InformationCommission, PpidSettings, PublicBody
from jembatan.disclosure.rules import commission_for
from jembatan.disclosure.tests.conftest import MONDAY, request_data
from jembatan.regions.models import Region
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    PublicBodyFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _objection(body, *, answerer, now=MONDAY):
    request = services.information_request_submit(data=request_data(body), now=now)
    request = services.information_request_answer(
        actor=answerer, request=request, outcome="ditolak", grounds=["h"], text="Data pribadi."
    )
    return services.objection_submit(
        request=request, reasons=["a"], text="Bukan data pribadi.", now=now
    )


@pytest.fixture
def utama(ppid):
    """The PPID Utama: a Diskominfo officer who answers the kabupaten's requests."""
    user = UserFactory(full_name="PPID Utama")
    MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=ppid.kabupaten.kabupaten)
    return user


@pytest.fixture
def sekda(ppid):
    """The Sekda's account: a government role in the kabupaten, no Diskominfo role."""
    user = UserFactory(full_name="Drs. Sekda Bengkayang")
    MembershipFactory(
        user=user, role=Role.OPD_OFFICER, region=ppid.kabupaten.kabupaten, office=ppid.office
    )
    return user


# --- The atasan PPID per body -----------------------------------------------------------


def test_default_atasan_by_body_level(ppid):
    desa = region_chain("61.07.04.2001", "Sebalo Hulu")
    assert ppid.kabupaten.superior_title == "Sekretaris Daerah"
    assert ppid.opd.superior_title == "Sekretaris Daerah"
    assert PublicBodyFactory(kind="desa", region=desa).superior_title == "Kepala Desa"
    # The fixture's desa body is a kelurahan (61.07.04.1xxx): its head is the lurah.
    assert ppid.desa.superior_title == "Lurah"
    assert PublicBodyFactory(kind="bpd", region=desa).superior_title == "Ketua BPD"
    body = ppid.kabupaten
    body.superior_office, body.superior_name = "Asisten Pemerintahan", "Ir. Budi"
    assert body.superior_label == "Asisten Pemerintahan (Ir. Budi)"


def test_set_atasan_is_diskominfo_only_and_audited(ppid, sekda, two_tenants):
    with pytest.raises(PermissionDenied):
        services.public_body_set_superior(
            actor=ppid.officer, body=ppid.kabupaten, office="", name="", superiors=[sekda]
        )
    # An account that works elsewhere cannot be named.
    with pytest.raises(ValidationError):
        services.public_body_set_superior(
            actor=ppid.admin,
            body=ppid.kabupaten,
            office="",
            name="",
            superiors=[ppid.other_admin],
        )
    body = services.public_body_set_superior(
        actor=ppid.admin,
        body=ppid.kabupaten,
        office="Sekretaris Daerah",
        name="Drs. Sekda",
        superiors=[sekda],
    )
    assert list(body.superiors.all()) == [sekda]
    rows = audit_for(body).filter(action="ppid.body_superior")
    assert rows.count() == 2  # the office and name; the accounts
    assert any(r.after == {"superiors": [sekda.pk]} for r in rows)


def test_atasan_form_in_the_workspace(ppid, sekda):
    url = reverse("disclosure:manage_body_superior", kwargs={"pk": ppid.kabupaten.pk})
    assert _client(ppid.officer).get(url).status_code in (403, 404)
    client = _client(ppid.admin)
    page = client.get(url)
    assert page.status_code == 200 and "Drs. Sekda Bengkayang" in page.content.decode()
    response = client.post(
        url, {"superior_office": "Sekretaris Daerah", "superior_name": "", "superiors": [sekda.pk]}
    )
    assert response.status_code == 302
    assert ppid.kabupaten.superiors.filter(pk=sekda.pk).exists()


def test_objection_goes_to_the_named_atasan(ppid, utama, sekda, django_capture_on_commit_callbacks):
    ppid.kabupaten.superiors.set([sekda])
    with django_capture_on_commit_callbacks(execute=True):
        objection = _objection(ppid.kabupaten, answerer=utama)
    assert Notification.objects.filter(recipient=sekda, kind="ppid.objection_new").exists()
    assert not Notification.objects.filter(recipient=ppid.admin, kind="ppid.objection_new").exists()
    assert access.is_ppid_superior(sekda, ppid.kabupaten)
    assert not access.is_ppid_superior(ppid.admin, ppid.kabupaten)
    assert objection in access.get_objections_for_user(sekda)
    # Diskominfo no longer decides for a body whose atasan has an account.
    with pytest.raises(PermissionDenied) as refused:
        services.objection_decide(
            actor=ppid.admin, objection=objection, decision="ditolak", text="Jawaban sudah benar."
        )
    assert "Sekretaris Daerah" in str(refused.value)
    page = _client(sekda).get(
        reverse("disclosure:manage_objection", kwargs={"number": objection.number})
    )
    assert page.status_code == 200 and "Simpan putusan" in page.content.decode()
    decided = services.objection_decide(
        actor=sekda, objection=objection, decision="dikabulkan", text="Berikan salinannya."
    )
    assert decided.decided_by == sekda


def test_without_a_named_account_diskominfo_records_the_decision(ppid):
    objection = _objection(ppid.opd, answerer=ppid.officer)
    assert access.is_ppid_superior(ppid.admin, ppid.opd)
    assert not access.is_ppid_superior(ppid.officer, ppid.opd)
    decided = services.objection_decide(
        actor=ppid.admin, objection=objection, decision="ditolak", text="Jawaban PPID tepat."
    )
    assert decided.status == "diputus"


def test_requester_reads_who_decides(ppid, two_tenants):
    desa = region_chain("61.07.04.2001", "Sebalo Hulu")
    body = PublicBodyFactory(kind="desa", region=desa)
    objection = _objection(body, answerer=ppid.admin)
    request = objection.request
    page = Client().get(request.get_absolute_url()).content.decode()
    assert "Keberatan Anda diputus oleh Kepala Desa selaku atasan PPID." in page


# --- The Komisi Informasi route ---------------------------------------------------------


def test_route_after_the_decision(ppid, utama):
    objection = _objection(ppid.kabupaten, answerer=utama)
    assert services.dispute_route(objection, today=datetime.date(2026, 3, 3)) is None
    decided = services.objection_decide(
        actor=ppid.admin, objection=objection, decision="ditolak", text="Jawaban PPID tepat."
    )
    decided.decided_at = timezone.make_aware(datetime.datetime(2026, 4, 1, 10, 0))  # Wednesday
    decided.save(update_fields=["decided_at"])
    route = services.dispute_route(decided)
    assert route is not None and route.decided
    assert route.opened == datetime.date(2026, 4, 1)
    assert route.closes == datetime.date(2026, 4, 21)  # 14 working days
    assert route.days == 14
    page = Client().get(decided.request.get_absolute_url()).content.decode()
    assert "Komisi Informasi" in page and "21 April 2026" in page and "(14 hari kerja)" in page


def test_route_after_the_atasans_silence_counts_holidays(ppid, utama):
    objection = _objection(ppid.kabupaten, answerer=utama)
    # Submitted Monday 2 March 2026: 30 working days end on Monday 13 April.
    assert objection.due_date == datetime.date(2026, 4, 13)
    assert services.dispute_route(objection, today=datetime.date(2026, 4, 13)) is None
    route = services.dispute_route(objection, today=datetime.date(2026, 4, 14))
    assert route is not None and not route.decided
    assert route.closes == datetime.date(2026, 5, 1)  # 14 working days after 13 April
    Holiday.objects.create(date=datetime.date(2026, 4, 20), name="Libur contoh")
    Holiday.objects.create(date=datetime.date(2026, 4, 27), name="Libur contoh 2")
    clear_cache()
    route = services.dispute_route(objection, today=datetime.date(2026, 4, 14))
    assert route.closes == datetime.date(2026, 5, 5)  # two holidays: two more days


def test_lapse_is_mailed_with_the_route(
    ppid, utama, django_capture_on_commit_callbacks, mailoutbox
):
    objection = _objection(ppid.kabupaten, answerer=utama)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_and_escalate(today=datetime.date(2026, 4, 14))
    bodies = [m.body for m in mailoutbox if "maria@example.test" in m.to]
    assert len(bodies) == 1
    assert "Atasan PPID (Sekretaris Daerah) tidak menanggapi" in bodies[0]
    assert objection.number in bodies[0] and "Komisi Informasi" in bodies[0]


def test_deadlines_per_kabupaten(ppid, utama):
    PpidSettings.objects.create(
        kabupaten_id="61.07",
        answer_days=5,
        objection_answer_days=10,
        dispute_filing_days=20,
        commission_name="KI Kalbar (sekretariat)",
        commission_website="https://ki.example.test",
    )
    request = services.information_request_submit(data=request_data(ppid.kabupaten), now=MONDAY)
    assert request.due_date == datetime.date(2026, 3, 9)  # 5 working days
    objection = _objection(ppid.kabupaten, answerer=utama)
    assert objection.due_date == datetime.date(2026, 3, 16)  # 10 working days
    route = services.dispute_route(objection, today=datetime.date(2026, 3, 17))
    assert route.days == 20 and route.closes == datetime.date(2026, 4, 13)
    assert route.commission.name == "KI Kalbar (sekretariat)"
    # Another kabupaten keeps the law's values.
    other = PublicBodyFactory(region=region_chain("61.04"), kind="kabupaten")
    far = services.information_request_submit(data=request_data(other), now=MONDAY)
    assert far.due_date == datetime.date(2026, 3, 16)


def test_default_commission_names_the_province(db):
    region_chain("64", "Kalimantan Timur")
    region_chain("64.02", "Kabupaten Kutai Kartanegara")
    assert commission_for("64.02").name == "Komisi Informasi Provinsi Kalimantan Timur"


def test_settings_page_is_diskominfos(ppid):
    url = reverse("disclosure:manage_settings")
    assert _client(ppid.officer).get(url).status_code == 403
    client = _client(ppid.admin)
    assert client.get(url).status_code == 200
    data = {
        "answer_days": 10,
        "extension_days": 7,
        "objection_window_days": 30,
        "objection_answer_days": 30,
        "dispute_filing_days": 14,
        "commission_name": "",
        "commission_address": "",
        "commission_website": "",
        "report_reminder_day": 31,
        "report_reminder_month": 2,
        "report_due_day": 31,
        "report_due_month": 3,
    }
    bad = client.post(url, data)
    assert bad.status_code == 400 and "tidak ada di bulan itu" in bad.content.decode()
    assert client.post(url, {**data, "report_reminder_day": 15}).status_code == 302
    saved = PpidSettings.objects.get(kabupaten_id="61.07")
    assert (saved.report_reminder_month, saved.report_reminder_day) == (2, 15)


# --- The desa's public bodies -----------------------------------------------------------


def test_bpd_bumdes_and_bkad(ppid):
    kabupaten = ppid.kabupaten.kabupaten
    desa = region_chain("61.07.04.2001", "Sebalo Hulu")
    kecamatan = Region.objects.get(code="61.07.04")
    bpd = services.public_body_create(
        actor=ppid.admin, kind="bpd", kabupaten=kabupaten, region=desa
    )
    bumdes = services.public_body_create(
        actor=ppid.admin,
        kind="bumdes",
        kabupaten=kabupaten,
        region=desa,
        own_name="BUMDes Maju Bersama",
    )
    pemdes = services.public_body_create(
        actor=ppid.admin, kind="desa", kabupaten=kabupaten, region=desa
    )
    bkad = services.public_body_create(
        actor=ppid.admin, kind="bkad", kabupaten=kabupaten, region=kecamatan
    )
    assert bpd.name == "BPD Desa Sebalo Hulu"
    assert bumdes.name == "BUMDes Maju Bersama"
    assert bkad.name.startswith("BKAD ") and bkad.superior_title == "Ketua BKAD"
    assert pemdes.superior_title == "Kepala Desa"
    with pytest.raises(ValidationError):
        services.public_body_create(actor=ppid.admin, kind="bpd", kabupaten=kabupaten, region=desa)
    with pytest.raises(ValidationError):  # no BPD in a kelurahan
        services.public_body_create(
            actor=ppid.admin, kind="bpd", kabupaten=kabupaten, region=ppid.desa.region
        )
    with pytest.raises(ValidationError):  # a BKAD stands for a kecamatan, not a desa
        services.public_body_create(actor=ppid.admin, kind="bkad", kabupaten=kabupaten, region=desa)
    # A KIM is not the public body: its pengurus manage none of the desa's bodies, and help
    # only with the desa government's information list (not the BPD's, not the BUMDes').
    kim = KimFactory(region=desa, slug="kim-sebalo-hulu")
    ketua = UserFactory()
    KimMembershipFactory(kim=kim, user=ketua, position="ketua")
    assert set(access.get_bodies_for_user(ketua)) == set()
    assert set(access.get_list_bodies_for_user(ketua)) == {pemdes}
    assert set(access.body_managers(bpd)) == set(access.kabupaten_admins(bpd))


def test_body_form_registers_a_bkad(ppid):
    response = _client(ppid.admin).post(
        reverse("disclosure:manage_bodies"), {"kind": "bkad", "kecamatan": "61.07.04"}
    )
    assert response.status_code == 302
    assert PublicBody.objects.filter(kind="bkad", region_id="61.07.04").exists()


# --- A camat reads the bodies of the kecamatan --------------------------------------------


@pytest.fixture
def camats(ppid):
    here = UserFactory(full_name="Camat Sanggau Ledo")
    MembershipFactory(user=here, role=Role.CAMAT, region=region_chain("61.07.04"))
    elsewhere = UserFactory(full_name="Camat Lain")
    MembershipFactory(user=elsewhere, role=Role.CAMAT, region=region_chain("61.07.05"))
    return here, elsewhere


def test_camat_reads_the_kecamatans_bodies_only(ppid, camats):
    here, elsewhere = camats
    bkad = PublicBodyFactory(kind="bkad", region=Region.objects.get(code="61.07.04"))
    assert set(access.get_readable_bodies_for_user(here)) == {ppid.desa, bkad}
    assert not access.get_readable_bodies_for_user(elsewhere).exists()
    assert not access.get_bodies_for_user(here).exists()  # reading is not managing
    request = services.information_request_submit(data=request_data(ppid.desa), now=MONDAY)
    assert list(access.get_readable_requests_for_user(here)) == [request]
    assert not access.get_readable_requests_for_user(elsewhere).exists()
    with pytest.raises(PermissionDenied):
        services.information_request_answer(
            actor=here, request=request, outcome="dikabulkan", text="Silakan ambil salinan."
        )


def test_camat_pages_read_only_without_the_requester(ppid, camats):
    here, elsewhere = camats
    request = services.information_request_submit(data=request_data(ppid.desa), now=MONDAY)
    detail = reverse("disclosure:manage_request", kwargs={"number": request.number})
    documents = reverse("disclosure:manage_documents", kwargs={"pk": ppid.desa.pk})
    client = _client(here)
    page = client.get(detail)
    text = page.content.decode()
    assert page.status_code == 200 and request.number in text
    assert "6107045203900001" not in text and "Maria" not in text
    assert "Kirim jawaban" not in text
    assert client.get(documents).status_code == 200
    assert client.get(reverse("disclosure:manage")).status_code == 200
    identity = reverse("disclosure:manage_request_identity", kwargs={"number": request.number})
    assert client.get(identity).status_code == 404
    answer = reverse("disclosure:manage_request_answer", kwargs={"number": request.number})
    client.post(answer, {"outcome": "dikabulkan", "text": "Silakan ambil salinannya."})
    request.refresh_from_db()
    assert request.status == "diterima"
    # The kabupaten's own body and another kecamatan's are not the camat's.
    kab = reverse("disclosure:manage_documents", kwargs={"pk": ppid.kabupaten.pk})
    assert client.get(kab).status_code == 404
    other = _client(elsewhere)
    assert other.get(detail).status_code == 404
    assert other.get(documents).status_code == 404
    assert other.get(reverse("disclosure:manage")).status_code == 403


def test_hub_shows_the_route_with_the_kabupatens_values(ppid):
    # Seeded by a migration; a flushed test database may have lost it.
    InformationCommission.objects.get_or_create(
        province_code="61", defaults={"name": "Komisi Informasi Provinsi Kalimantan Barat"}
    )
    PpidSettings.objects.create(kabupaten_id="61.07", dispute_filing_days=21)
    page = Client().get(reverse("disclosure:hub")).content.decode()
    assert "Komisi Informasi Provinsi Kalimantan Barat dalam 21 hari kerja" in page
