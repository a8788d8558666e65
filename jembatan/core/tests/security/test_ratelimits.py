"""Every public form has a limit: the same visitor sending it again and again is refused.

Each case sends at most MAX_TRIES requests from one address and expects a refusal (429,
or the "Terlalu banyak" message on the page the form returns to) before the end, and
none on the first request. Limits that are settings are lowered to keep this quick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase, override_settings

from jembatan.testing.factories import UserFactory

pytestmark = [pytest.mark.django_db]

MAX_TRIES = 35
REFUSED = "Terlalu banyak"


@dataclass
class Case:
    method: str
    url: str
    data: dict = field(default_factory=dict)


def cases(world) -> dict[str, Case]:
    a = world.args["a"]
    consultation = f"/dialog/konsultasi/{a['slug:consultation']}"
    return {
        "aspiration submit": Case(
            "post", "/aspirasi/kirim/", {"description": "Jalan rusak di depan sekolah."}
        ),
        "aspiration tracking (unknown codes)": Case("get", "/aspirasi/ZZZZ9999/"),
        "aspiration follow-up": Case(
            "post", f"/aspirasi/{a['code:aspiration']}/tambahan/", {"body": "Tambahan"}
        ),
        "post comment": Case(
            "post",
            "/kim/kim-a/berita/berita-kim-a/komentar/",
            {"name": "Warga", "body": "Komentar yang cukup panjang."},
        ),
        "PPID request": Case("post", "/ppid/permohonan/", {"requester_name": "x"}),
        "PPID tracking (unknown numbers)": Case(
            "post",
            "/ppid/permohonan/lacak/",
            {"number": "PPID-2026-999999", "contact": "081234567890"},
        ),
        "PPID objection": Case(
            "post",
            f"/ppid/permohonan/{a['number']}/{a['token']}/keberatan/",
            {"text": "keberatan"},
        ),
        "certificate lookup": Case("get", "/literasi/sertifikat/ZZZZ9999/"),
        "dialogue code request (OTP)": Case(
            "post",
            "/dialog/verifikasi/",
            {"step": "request", "name": "Siti", "contact": "siti@example.test"},
        ),
        "dialogue comment": Case(
            "post", f"{consultation}/p/{a['pk:paragraph']}/", {"body": "Komentar saya"}
        ),
        "dialogue vote": Case(
            "post", f"{consultation}/tanggapan/{a['pk:dialogue_comment']}/suara/", {"value": "1"}
        ),
        "dialogue report": Case(
            "post", f"/dialog/lapor/tanggapan/{a['pk:dialogue_comment']}/", {"reason": "spam"}
        ),
        "Open311 POST": Case(
            "post",
            "/open311/v2/requests.json",
            {"service_code": a["code:case_category"], "description": "Jalan rusak"},
        ),
        "password reset": Case("post", "/akun/lupa-sandi/", {"email": "x@example.test"}),
        "login": Case("post", "/akun/masuk/", {"username": "x@example.test", "password": "y"}),
    }


def verified_participant() -> Client:
    """A citizen who proved an email address with the mailed code (dialogue needs one)."""
    client = Client()
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/dialog/verifikasi/",
            {"step": "request", "name": "Siti", "contact": "warga@example.test", "next": "/"},
        )
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    client.post("/dialog/verifikasi/", {"step": "code", "code": code, "next": "/"})
    cache.clear()
    return client


def refused(response) -> bool:
    return response.status_code == 429 or REFUSED in response.content.decode(errors="ignore")


@override_settings(ASPIRATION_SUBMIT_LIMIT=3, PPID_REQUEST_LIMIT=3, AXES_FAILURE_LIMIT=3)
def test_every_public_form_refuses_a_flood(world):
    UserFactory(email="x@example.test")  # the reset form mails a real account
    report = {}
    for name, case in cases(world).items():
        cache.clear()
        client = (
            verified_participant()
            if name.startswith("dialogue") and "OTP" not in name
            else Client()
        )
        send = getattr(client, case.method)
        first = send(case.url, case.data, follow=True)
        assert not refused(first), f"{name}: refused at once"
        for attempt in range(2, MAX_TRIES + 1):
            if refused(send(case.url, case.data, follow=True)):
                report[name] = attempt
                break
        else:
            pytest.fail(f"{name}: {MAX_TRIES} requests from one visitor and none refused")
    print("refused at request:", report)


def test_password_reset_mails_at_most_three_per_account_an_hour(db):
    user = UserFactory(email="siti@example.test")
    mail.outbox.clear()
    for i in range(5):
        client = Client(REMOTE_ADDR=f"10.0.0.{i}")  # different visitors, one account
        response = client.post("/akun/lupa-sandi/", {"email": user.email})
    assert len(mail.outbox) == 3
    assert response.status_code == 429


def test_comment_reports_count_once_per_visitor(world):
    """The report form always thanks the reader; repeats are dropped silently."""
    from jembatan.sites.models import Comment

    comment = Comment.objects.get(post__slug="berita-kim-a")
    client = Client()
    for _ in range(10):
        client.post(f"/kim/kim-a/berita/berita-kim-a/komentar/{comment.pk}/laporkan/")
    comment.refresh_from_db()
    assert comment.report_count == 1
