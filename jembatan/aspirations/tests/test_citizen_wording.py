"""What the citizen reads after a resume and a "bukan wewenang" closure, the warning
beside the private link, and the desk's help texts naming only the steps shown."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration
from jembatan.aspirations.tests.case_world import CaseWorld

pytestmark = pytest.mark.django_db

REFERRAL = "Balai Pelaksanaan Jalan Nasional Kalimantan Barat"


def _submit(world: CaseWorld) -> Aspiration:
    case, _created = services.aspiration_submit(
        data={
            "region": world.village,
            "category": world.category,
            "description": "Jalan berlubang di depan SD Negeri 2, RT 03.",
            "visibility": Aspiration.Visibility.ANONYMOUS,
            "reporter_email": "warga@example.test",
        }
    )
    return case


def _step(world: CaseWorld, case: Aspiration, action: str, **kw) -> Aspiration:
    return services.aspiration_transition(
        actor=world.users["admin"], case=case, action=action, **kw
    )


def _mails() -> list:
    return [m for m in mail.outbox if m.to == ["warga@example.test"]]


def test_the_first_mail_warns_not_to_share_the_private_link(
    world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _submit(world)
    first = _mails()[0]
    assert "/data-saya/" in first.body or "kunci" in first.body
    assert "jangan dibagikan" in first.body


def test_resuming_reads_dilanjutkan_not_a_new_referral(world, django_capture_on_commit_callbacks):
    case = _step(world, _step(world, _submit(world), "verify"), "dispose", office=world.office)
    case = _step(world, case, "hold", body="Menunggu keterangan desa.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = _step(world, case, "resume")
    resumed = _mails()[-1]
    assert "Dilanjutkan" in resumed.subject
    assert "Dilanjutkan. Status sekarang: Didisposisikan." in resumed.body
    page = Client().get(case.get_absolute_url()).content.decode()
    timeline = page[page.index("timeline") :]
    assert "<strong>Dilanjutkan</strong>" in timeline
    assert timeline.count("Diteruskan ke") == 1  # the referral itself, once


def test_a_resumed_new_case_does_not_read_like_a_restart(world, django_capture_on_commit_callbacks):
    case = _step(world, _submit(world), "hold", body="Menunggu keterangan desa.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _step(world, case, "resume")
    resumed = _mails()[-1]
    assert "Dilanjutkan" in resumed.subject
    assert "\nStatus sekarang: Diterima" not in resumed.body


def test_bukan_wewenang_names_the_referral_in_timeline_and_subject(
    world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = _step(world, _submit(world), "refer", referred_to=REFERRAL)
    closed = _mails()[-1]
    assert f"Bukan wewenang: dirujuk ke {REFERRAL}" in closed.subject
    assert "Ditutup" not in closed.subject
    assert "Ikuti perkembangannya" not in closed.body
    page = Client().get(case.get_absolute_url()).content.decode()
    timeline = page[page.index("timeline") :]
    assert f"<strong>Bukan wewenang: dirujuk ke {REFERRAL}</strong>" in timeline
    assert "<strong>Ditutup</strong>" not in timeline


def test_the_desk_help_names_only_steps_shown_on_a_new_case(client, world):
    case = _submit(world)
    client.force_login(world.users["admin"])
    page = client.get(f"/kelola/aspirasi/{case.code}/").content.decode()
    assert "pakai “Disposisikan ke instansi” di atas" not in page
    assert "“Selesaikan dengan jawaban” di atas" not in page
    assert "verifikasi dulu" in page
    case = _step(world, _step(world, case, "verify"), "dispose", office=world.office)
    page = client.get(f"/kelola/aspirasi/{case.code}/").content.decode()
    assert "“Selesaikan dengan jawaban” di atas" in page


def test_the_home_page_says_a_villager_may_send_directly_or_through_the_kim(client):
    page = client.get("/").content.decode()
    section = page[page.index('id="aspirasi-title"') :]
    section = section[: section.index("</section>")]
    assert "langsung" in section and "KIM" in section
    assert "Sampaikan usulan atau keluhan Anda melalui KIM" not in section
