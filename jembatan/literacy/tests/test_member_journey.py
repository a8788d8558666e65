"""The literacy journey as a KIM member lives it: told when registration opens, no
"Daftar" on a full training, today's trainings first, counts without a reload, a
certificate only once the training has started, naming its issuer, date and place, with
every character of the name, which the member can correct; tied KIMs share a rank."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Notification
from jembatan.dashboard import scoring
from jembatan.literacy import score_rules, services
from jembatan.literacy.models import Certificate, KimScore, Registration, Training
from jembatan.testing.factories import (
    KimFactory,
    TrainingFactory,
    UserFactory,
)
from jembatan.testing.pdf import pdftotext

pytestmark = pytest.mark.django_db


def move(training: Training, *, start: datetime.datetime) -> None:
    Training.objects.filter(pk=training.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=6)
    )
    training.refresh_from_db()


def test_targeted_members_are_told_when_registration_opens(two_tenants, admin):
    training = TrainingFactory(organiser=admin, status=Training.Status.DRAFT)
    services.training_transition(actor=admin, training=training, action="open")
    told = set(
        Notification.objects.filter(kind="literacy.registration_open").values_list(
            "recipient_id", flat=True
        )
    )
    a = two_tenants.a
    assert {a.owner.pk, a.member.pk} <= told
    # Another kabupaten's KIM is not targeted, nor is a user with no KIM.
    assert two_tenants.b.member.pk not in told and a.outsider.pk not in told


def test_a_full_training_offers_no_register_button(client, two_tenants, admin):
    training = TrainingFactory(organiser=admin, quota=1)
    services.registration_create(
        actor=two_tenants.a.owner, training=training, kim=two_tenants.a.kim
    )
    client.force_login(two_tenants.a.member)
    page = client.get(f"/literasi/pelatihan/{training.pk}/").content.decode()
    assert "Kuota pelatihan ini sudah penuh" in page
    assert f"/literasi/pelatihan/{training.pk}/daftar/" not in page


def test_my_trainings_put_today_and_upcoming_first(client, two_tenants, admin):
    member, kim = two_tenants.a.member, two_tenants.a.kim
    now = timezone.now()
    titles = {"past": now - datetime.timedelta(days=30), "later": None, "today": None}
    trainings = {}
    for title in titles:
        trainings[title] = TrainingFactory(organiser=admin, title=f"Pelatihan {title}")
        services.registration_create(actor=member, training=trainings[title], kim=kim)
    move(trainings["past"], start=now - datetime.timedelta(days=30))
    move(trainings["later"], start=now + datetime.timedelta(days=20))
    move(trainings["today"], start=now - datetime.timedelta(minutes=30))
    client.force_login(member)
    page = client.get("/kelola/literasi/saya/").content.decode()
    today, later, past = (page.index(f"Pelatihan {t}") for t in ("today", "later", "past"))
    assert today < later < past


def test_check_in_before_the_start_gives_no_certificate_until_it_starts(client, two_tenants, admin):
    member = two_tenants.a.member
    training = TrainingFactory(organiser=admin)
    registration = services.registration_create(
        actor=member, training=training, kim=two_tenants.a.kim
    )
    move(training, start=timezone.now() + datetime.timedelta(hours=1))
    services.registration_check_in(actor=admin, training=training, code=registration.checkin_code)
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert not Certificate.objects.filter(user=member).exists()
    assert services.certificates_issue_due() == 0
    # The training starts: the periodic job (or the member's own page) issues it, once.
    move(training, start=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(member)
    client.get("/kelola/literasi/saya/")
    assert Certificate.objects.filter(user=member, training=training).count() == 1
    assert services.certificates_issue_due() == 0


def test_check_in_answers_with_the_new_count_for_the_page(client, two_tenants, admin):
    training = TrainingFactory(organiser=admin)
    registration = services.registration_create(
        actor=two_tenants.a.member, training=training, kim=two_tenants.a.kim
    )
    services.registration_create(
        actor=two_tenants.a.owner, training=training, kim=two_tenants.a.kim
    )
    move(training, start=timezone.now() - datetime.timedelta(minutes=5))
    client.force_login(admin)
    response = client.post(
        f"/kelola/literasi/{training.pk}/hadir/",
        {"code": registration.checkin_code},
        HTTP_ACCEPT="application/json",
    )
    body = response.json()
    assert body["status"] == "ok" and body["attended"] == 1
    assert body["registration"] == registration.pk
    assert body["summary"] == "1 dari 2 peserta hadir."
    page = client.get(f"/kelola/literasi/{training.pk}/hadir/").content.decode()
    assert 'id="attendance-summary"' in page and f'id="registration-{registration.pk}"' in page


def test_certificate_names_issuer_date_place_and_every_character(client, admin, tmp_path):
    holder = UserFactory(full_name="Bong Siu Lan 黄秀兰 — Ngô Thị Đào")
    training = TrainingFactory(organiser=admin, place="Aula Kantor Camat Sebalo")
    move(training, start=timezone.make_aware(datetime.datetime(2026, 11, 3, 9, 0)))
    cert = services.certificate_issue(
        actor=None, user=holder, kind=Certificate.Kind.ATTENDANCE, training=training
    )
    client.force_login(holder)
    response = client.get(f"/kelola/literasi/sertifikat/{cert.code}/pdf/")
    text = " ".join(pdftotext(response.content, tmp_path).split())
    assert "Bong Siu Lan 黄秀兰 — Ngô Thị Đào" in text
    assert "Dinas Komunikasi dan Informatika Kabupaten" in text
    assert "3 November 2026" in text and "Aula Kantor Camat Sebalo" in text
    public = client.get(f"/literasi/sertifikat/{cert.code}/").content.decode()
    assert "Dinas Komunikasi dan Informatika" in public and "Aula Kantor Camat Sebalo" in public


def test_the_holder_corrects_the_name_on_the_certificate(client, two_tenants):
    holder = UserFactory(full_name="yohanes atong")
    cert = services.certificate_issue(
        actor=None, user=holder, kind=Certificate.Kind.ATTENDANCE, training=TrainingFactory()
    )
    url = f"/kelola/literasi/sertifikat/{cert.code}/nama/"
    # Someone else cannot, and an empty name is refused with a message.
    client.force_login(two_tenants.a.member)
    assert client.post(url, {"holder_name": "Orang Lain"}).status_code == 404
    client.force_login(holder)
    response = client.post(url, {"holder_name": "   "}, follow=True)
    assert "Tulis nama Anda" in response.content.decode()
    response = client.post(url, {"holder_name": "  Yohanes  Atong "}, follow=True)
    assert "Nama di sertifikat sudah diperbaiki" in response.content.decode()
    cert.refresh_from_db()
    assert cert.holder_name == "Yohanes Atong"
    assert audit_for(cert).filter(action="literacy.certificate_rename").count() == 1
    assert client.get(url).status_code == 405
    # The public check says the name was corrected, and what it was when issued.
    public = client.get(f"/literasi/sertifikat/{cert.code}/").content.decode()
    assert "Yohanes Atong" in public and "Nama diperbaiki oleh pemegangnya" in public
    assert "yohanes atong" in public


def test_tied_kims_share_a_rank_and_the_page_shows_points_to_next_level(client, two_tenants):
    kabupaten = two_tenants.a.kim.kabupaten_id
    for name in ("KIM Alpha", "KIM Beta"):
        KimFactory(name=name, region=two_tenants.a.kim.region)
    scores = scoring.compute_kabupaten(kabupaten, 2026)
    # Nothing happened this year: every KIM has 0 points and the same rank.
    assert {s.points for s in scores} == {0}
    assert {s.rank for s in scores} == {1}
    score = KimScore.objects.filter(kim=two_tenants.a.kim, year=2026).get()
    page = client.get(f"/literasi/skor/{two_tenants.a.kim.slug}/2026/")
    text = page.content.decode()
    weights = score_rules.weights_for(kabupaten)
    assert f"Kurang {weights.level_berkembang - score.points} poin lagi" in text


def test_new_training_form_does_not_tick_all_kims_and_both_is_refused(client, admin, two_tenants):
    client.force_login(admin)
    page = client.get("/kelola/literasi/baru/").content.decode()
    box = page[page.index('name="target_all"') - 200 : page.index('name="target_all"') + 80]
    assert "checked" not in box
    start = timezone.localtime() + datetime.timedelta(days=5)
    data = {
        "title": "Menulis berita",
        "kabupaten": "61.07",
        "level": "desa",
        "mode": "tatap_muka",
        "place": "Balai desa",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "quota": 10,
        "target_all": "on",
        "target_kims": [two_tenants.a.kim.pk],
    }
    response = client.post("/kelola/literasi/baru/", data)
    assert "Pilih salah satu" in response.content.decode()
    assert not Training.objects.filter(title="Menulis berita").exists()
    assert Registration.objects.count() == 0
