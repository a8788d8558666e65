import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AuditLog, Role
from jembatan.literacy import services
from jembatan.literacy.models import Certificate, Registration, Training
from jembatan.testing.factories import (
    KimMembershipFactory,
    MembershipFactory,
    TrainingFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(admin):
    return TrainingFactory(organiser=admin, quota=2)


def started(training, *, minutes_ago: int = 10) -> None:
    """The training began a few minutes ago (members register before the start)."""
    start = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    Training.objects.filter(pk=training.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=6)
    )
    training.refresh_from_db()


def test_member_registers_and_gets_a_checkin_code(client, two_tenants, training):
    member = two_tenants.a.member
    client.force_login(member)
    page = client.get(f"/literasi/pelatihan/{training.pk}/")
    assert page.status_code == 200 and "Daftar" in page.content.decode()
    response = client.post(
        f"/literasi/pelatihan/{training.pk}/daftar/", {"kim": two_tenants.a.kim.pk}
    )
    assert response.status_code == 302 and response["Location"] == "/kelola/literasi/saya/"
    registration = Registration.objects.get(training=training, user=member)
    assert len(registration.checkin_code) == 8 and registration.kim == two_tenants.a.kim
    assert audit_for(registration).filter(action="literacy.registration_create").exists()
    mine = client.get("/kelola/literasi/saya/").content.decode()
    assert registration.display_code in mine and "<svg" in mine


def test_registering_past_the_quota_is_refused_and_changes_nothing(client, two_tenants, training):
    extra = [UserFactory() for _ in range(3)]
    for user in extra:
        KimMembershipFactory(kim=two_tenants.a.kim, user=user)
    for user in extra[:2]:
        services.registration_create(actor=user, training=training, kim=two_tenants.a.kim)
    audits = AuditLog.objects.count()
    client.force_login(extra[2])
    response = client.post(
        f"/literasi/pelatihan/{training.pk}/daftar/", {"kim": two_tenants.a.kim.pk}, follow=True
    )
    assert "sudah penuh" in response.content.decode()
    assert training.registrations.count() == 2
    assert not Registration.objects.filter(user=extra[2]).exists()
    assert AuditLog.objects.count() == audits


def test_registration_rules(two_tenants, training):
    a, b = two_tenants.a, two_tenants.b
    with pytest.raises(ValidationError, match="bukan untuk KIM"):
        services.registration_create(actor=b.member, training=training, kim=b.kim)
    with pytest.raises(ValidationError, match="bukan untuk KIM"):
        services.registration_create(actor=a.outsider, training=training, kim=a.kim)
    services.registration_create(actor=a.member, training=training, kim=a.kim)
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        services.registration_create(actor=a.member, training=training, kim=a.kim)
    training.registration_deadline = timezone.now() - datetime.timedelta(hours=1)
    training.save(update_fields=["registration_deadline"])
    with pytest.raises(ValidationError, match="sudah ditutup"):
        services.registration_create(actor=a.owner, training=training, kim=a.kim)
    draft = TrainingFactory(status=Training.Status.DRAFT)
    with pytest.raises(ValidationError, match="tidak dibuka"):
        services.registration_create(actor=a.owner, training=draft, kim=a.kim)
    assert Registration.objects.count() == 1


def test_targeted_kims_only(two_tenants, admin):
    other = region_chain("61.07.04.2003", "Tirta Kencana")
    from jembatan.testing.factories import KimFactory

    kim = KimFactory(region=other)
    training = services.training_save(
        actor=admin,
        data={
            "kabupaten": region_chain("61.07"),
            "title": "Pelatihan khusus",
            "level": "desa",
            "mode": "tatap_muka",
            "place": "Balai desa",
            "starts_at": timezone.now() + datetime.timedelta(days=3),
            "ends_at": timezone.now() + datetime.timedelta(days=3, hours=4),
            "quota": 5,
            "target_all": False,
        },
        kims=[kim],
    )
    services.training_transition(actor=admin, training=training, action="open")
    with pytest.raises(ValidationError, match="bukan untuk KIM"):
        services.registration_create(
            actor=two_tenants.a.member, training=training, kim=two_tenants.a.kim
        )


def test_unregister_before_start_only(two_tenants, training):
    member = two_tenants.a.member
    registration = services.registration_create(
        actor=member, training=training, kim=two_tenants.a.kim
    )
    services.registration_cancel(actor=member, registration=registration)
    assert not Registration.objects.exists()
    registration = services.registration_create(
        actor=member, training=training, kim=two_tenants.a.kim
    )
    Training.objects.filter(pk=training.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    with pytest.raises(ValidationError, match="sudah dimulai"):
        services.registration_cancel(actor=member, registration=registration)
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_check_in_by_code_issues_a_certificate_once(client, two_tenants, admin, training):
    member = two_tenants.a.member
    registration = services.registration_create(
        actor=member, training=training, kim=two_tenants.a.kim
    )
    started(training)
    client.force_login(admin)
    url = f"/kelola/literasi/{training.pk}/hadir/"
    assert client.get(url).status_code == 200
    typed = registration.display_code.lower()  # people type with a dash, in lower case
    response = client.post(url, {"code": typed}, follow=True)
    assert "hadir" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended_at and registration.checkin_method == "kode"
    assert registration.checked_in_by == admin
    assert audit_for(registration).filter(action="literacy.check_in").count() == 1
    cert = Certificate.objects.get(user=member, training=training)
    assert cert.kind == Certificate.Kind.ATTENDANCE and len(cert.code) == 12

    # Twice: "sudah hadir", nothing changed.
    first_time = registration.attended_at
    audits = AuditLog.objects.count()
    response = client.post(url, {"code": registration.checkin_code}, follow=True)
    assert "sudah hadir" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended_at == first_time
    assert Certificate.objects.filter(user=member).count() == 1
    assert AuditLog.objects.count() == audits


def test_forged_and_foreign_codes_are_rejected(client, two_tenants, admin, training):
    registration = services.registration_create(
        actor=two_tenants.a.member, training=training, kim=two_tenants.a.kim
    )
    other = TrainingFactory(organiser=admin)
    foreign = services.registration_create(
        actor=two_tenants.a.owner, training=other, kim=two_tenants.a.kim
    )
    started(training)
    started(other)
    client.force_login(admin)
    url = f"/kelola/literasi/{training.pk}/hadir/"
    audits = AuditLog.objects.count()
    for code in ["ZZZZ2345", foreign.checkin_code]:
        response = client.post(url, {"code": code})
        assert response.status_code == 200
        assert "tidak terdaftar di pelatihan ini" in response.content.decode()
    response = client.post(url, {"code": "ABC"})
    assert "8 huruf" in response.content.decode()
    registration.refresh_from_db()
    foreign.refresh_from_db()
    assert registration.attended_at is None and foreign.attended_at is None
    assert not Certificate.objects.exists()
    assert AuditLog.objects.count() == audits


def test_scanner_json_endpoint_is_idempotent(client, two_tenants, admin, training):
    registration = services.registration_create(
        actor=two_tenants.a.member, training=training, kim=two_tenants.a.kim
    )
    started(training)
    client.force_login(admin)
    url = f"/kelola/literasi/{training.pk}/hadir/"
    # The QR carries the check-in URL; the scanner posts what it read.
    scanned = f"http://testserver{url}?kode={registration.checkin_code}"
    headers = {"HTTP_ACCEPT": "application/json"}
    first = client.post(url, {"code": scanned, "method": "qr"}, **headers)
    assert first.status_code == 200 and first.json()["status"] == "ok"
    again = client.post(url, {"code": scanned, "method": "qr"}, **headers)
    assert again.json()["status"] == "already" and "sudah hadir" in again.json()["message"]
    forged = client.post(url, {"code": "QQQQ7777", "method": "qr"}, **headers)
    assert forged.status_code == 400 and forged.json()["status"] == "rejected"
    registration.refresh_from_db()
    assert registration.checkin_method == "qr"


def test_check_in_by_list_and_access(client, two_tenants, admin, training):
    a = two_tenants.a
    regs = [
        services.registration_create(actor=u, training=training, kim=a.kim)
        for u in (a.member, a.owner)
    ]
    started(training)
    client.force_login(a.member)
    assert client.get(f"/kelola/literasi/{training.pk}/hadir/").status_code == 404
    assert (
        client.post(
            f"/kelola/literasi/{training.pk}/hadir/", {"list": "1", "registration": [regs[0].pk]}
        ).status_code
        == 404
    )
    assert not Registration.objects.filter(attended_at__isnull=False).exists()
    client.force_login(admin)
    response = client.post(
        f"/kelola/literasi/{training.pk}/hadir/",
        {"list": "1", "registration": [r.pk for r in regs]},
        follow=True,
    )
    assert "2 peserta dicatat hadir" in response.content.decode()
    assert set(Registration.objects.values_list("checkin_method", flat=True)) == {"daftar"}
    assert Certificate.objects.count() == 2


def test_training_lifecycle_and_organisers(client, two_tenants, admin):
    client.force_login(admin)
    start = timezone.localtime() + datetime.timedelta(days=10)
    data = {
        "title": "Pelatihan foto jurnalistik",
        "kabupaten": "61.07",
        "level": "kecamatan",
        "mode": "daring",
        "online_url": "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "quota": "20",
        "target_all": "on",
    }
    response = client.post("/kelola/literasi/baru/", data)
    assert response.status_code == 200 and "memerlukan tautan" in response.content.decode()
    data["online_url"] = "https://meet.example.test/literasi"
    response = client.post("/kelola/literasi/baru/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    training = Training.objects.get(title="Pelatihan foto jurnalistik")
    assert training.status == "draf" and training.organiser == admin
    assert client.get("/literasi/").content.decode().count(training.title) == 0
    client.post(f"/kelola/literasi/{training.pk}/status/", {"action": "open"})
    training.refresh_from_db()
    assert training.status == "dibuka"
    assert training.title in client.get("/literasi/").content.decode()
    with pytest.raises(ValidationError):
        services.training_transition(actor=admin, training=training, action="open")

    # A camat organises for their own kecamatan only; an outsider not at all.
    camat = UserFactory()
    MembershipFactory(user=camat, role=Role.CAMAT, region=region_chain("61.07.04"))
    client.force_login(camat)
    assert client.get(f"/kelola/literasi/{training.pk}/").status_code == 404
    data |= {"kecamatan": "61.07.04", "title": "Pembinaan kecamatan"}
    assert client.post("/kelola/literasi/baru/", data).status_code == 302
    own = Training.objects.get(title="Pembinaan kecamatan")
    assert client.get(f"/kelola/literasi/{own.pk}/hadir/").status_code == 200
    data |= {"kecamatan": "", "title": "Pembinaan kabupaten"}
    response = client.post("/kelola/literasi/baru/", data)
    assert (
        response.status_code == 200
        and not Training.objects.filter(title="Pembinaan kabupaten").exists()
    )
    client.force_login(two_tenants.a.outsider)
    assert client.get("/kelola/literasi/baru/").status_code == 403


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_last_seat_goes_to_one_member_only(two_tenants):
    """Members taking the last seat at the same moment: the training row lock lets one in."""
    import threading

    from django.db import connection

    training = TrainingFactory(quota=1)
    users = [UserFactory() for _ in range(4)]
    for user in users:
        KimMembershipFactory(kim=two_tenants.a.kim, user=user)
    barrier = threading.Barrier(len(users))
    results = []

    def take_seat(user):
        try:
            barrier.wait()
            services.registration_create(actor=user, training=training, kim=two_tenants.a.kim)
            results.append("ok")
        except ValidationError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_seat, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["full", "full", "full", "ok"]
    assert Registration.objects.filter(training=training).count() == 1


def test_check_in_days_early_is_refused_and_a_future_training_cannot_close(
    client, two_tenants, admin, training
):
    registration = services.registration_create(
        actor=two_tenants.a.member, training=training, kim=two_tenants.a.kim
    )
    with pytest.raises(ValidationError, match="Presensi dibuka mulai"):
        services.registration_check_in(
            actor=admin, training=training, code=registration.checkin_code
        )
    registration.refresh_from_db()
    assert registration.attended_at is None
    with pytest.raises(ValidationError, match="belum dimulai"):
        services.training_transition(actor=admin, training=training, action="close")
    training.refresh_from_db()
    assert training.status == Training.Status.OPEN
