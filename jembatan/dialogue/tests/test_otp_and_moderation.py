"""One-time codes, discussions, moderation (reports, filters, blocks, audit), dissemination."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import AuditLog
from jembatan.dialogue import moderation, otp, services
from jembatan.dialogue.models import Block, Comment, OneTimeCode, Paragraph, Reply, Visibility
from jembatan.dialogue.tests.conftest import client_for, verified_client
from jembatan.dialogue.views import CODE_LIMIT, CONTACT_LIMIT
from jembatan.dissemination.models import Delivery, InfoItem
from jembatan.testing.factories import home_client

pytestmark = pytest.mark.django_db


def _paragraph_url(world) -> str:
    paragraph = Paragraph.objects.filter(section__consultation=world.consultation).first()
    return f"/dialog/konsultasi/{world.consultation.slug}/p/{paragraph.pk}/"


# --- One-time codes ----------------------------------------------------------------------


def test_code_is_hashed_expires_and_allows_five_tries(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = otp.code_request(contact="warga@example.test", channel="sms")
    code = mail.outbox[-1].body.split(": ")[1][:6]
    assert row.channel == OneTimeCode.Channel.EMAIL
    assert code not in row.code_hash and "warga" not in row.contact_hash
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError, match=f"Sisa percobaan: {left}"):
            otp.code_verify(contact="warga@example.test", code=wrong)
    with pytest.raises(ValidationError, match="Minta kode baru"):
        otp.code_verify(contact="warga@example.test", code=wrong)
    # After five wrong tries even the right code is refused.
    with pytest.raises(ValidationError, match="Terlalu banyak percobaan"):
        otp.code_verify(contact="warga@example.test", code=code)
    row.refresh_from_db()
    assert row.attempts == 5 and row.verified_at is None


def test_expired_code_is_refused(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = otp.code_request(contact="warga@example.test", channel="sms")
    code = mail.outbox[-1].body.split(": ")[1][:6]
    OneTimeCode.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="kedaluwarsa"):
        otp.code_verify(contact="warga@example.test", code=code)


def test_phone_code_goes_through_the_gateway(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "jembatan.core.gateway.send_text", lambda to, text, **kw: sent.append((to, text))
    )
    with (
        override_settings(SMS_GATEWAY_URL="https://gateway.example.test/", SMS_GATEWAY_SECRET="s"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        row = otp.code_request(contact="0812-3456-7890", channel="whatsapp")
    assert row.channel == OneTimeCode.Channel.WHATSAPP
    assert sent and sent[0][0] == "+6281234567890"
    code = sent[0][1].split(": ")[1][:6]
    assert otp.code_verify(contact="+62 812 3456 7890", code=code) == row.contact_hash


def _request_code(client, contact: str, capture):
    with capture(execute=True):
        response = client.post(
            "/dialog/verifikasi/", {"step": "request", "name": "A", "contact": contact}
        )
    client.post("/dialog/verifikasi/", {"step": "restart"})
    return response


def test_code_requests_are_rate_limited(world, django_capture_on_commit_callbacks):
    client = client_for(None)
    statuses = [
        _request_code(client, f"w{n}@example.test", django_capture_on_commit_callbacks).status_code
        for n in range(CODE_LIMIT + 1)
    ]
    assert statuses[:CODE_LIMIT] == [302] * CODE_LIMIT
    assert statuses[CODE_LIMIT] == 429
    assert OneTimeCode.objects.count() == CODE_LIMIT


def test_mistyped_contacts_do_not_use_up_the_code_limit(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("jembatan.dialogue.views.CODE_LIMIT", 2)
    client = client_for(None)
    for n in range(10):
        assert (
            _request_code(client, f"0812-{n}", django_capture_on_commit_callbacks).status_code
            == 400
        )
    assert (
        _request_code(client, "a@example.test", django_capture_on_commit_callbacks).status_code
        == 302
    )
    assert (
        _request_code(client, "b@example.test", django_capture_on_commit_callbacks).status_code
        == 302
    )
    assert (
        _request_code(client, "c@example.test", django_capture_on_commit_callbacks).status_code
        == 429
    )
    assert OneTimeCode.objects.count() == 2


@pytest.fixture
def sms_gateway(settings, monkeypatch):
    """An operator's SMS/WhatsApp gateway is configured (its HTTP side is tested in
    aspirations/tests/test_gateway.py); what it would send is collected here."""
    sent = []
    settings.SMS_GATEWAY_URL = "https://gateway.example.test/"
    settings.SMS_GATEWAY_SECRET = "s"
    monkeypatch.setattr(
        "jembatan.core.gateway.send_text", lambda to, text, **kw: sent.append((to, text))
    )
    return sent


def test_one_contact_gets_three_codes_from_any_address(
    world, sms_gateway, django_capture_on_commit_callbacks
):
    for n in range(CONTACT_LIMIT):
        client = client_for(None)
        client.defaults["REMOTE_ADDR"] = f"10.0.0.{n}"
        response = _request_code(client, "0812-3456-7890", django_capture_on_commit_callbacks)
        assert response.status_code == 302, n
    client = client_for(None)
    client.defaults["REMOTE_ADDR"] = "10.0.0.99"
    response = _request_code(client, "+62 812 3456 7890", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "sudah sering diminta" in response.content.decode()
    assert OneTimeCode.objects.count() == CONTACT_LIMIT


def test_bad_contact_is_refused(world, sms_gateway):
    response = client_for(None).post(
        "/dialog/verifikasi/", {"step": "request", "name": "A", "contact": "12ab"}
    )
    assert response.status_code == 400
    assert "Nomor telepon tidak valid" in response.content.decode()
    assert not OneTimeCode.objects.exists()


def test_verify_never_redirects_off_site(world):
    client = verified_client()
    response = client.post("/dialog/verifikasi/lupakan/", {"next": "https://evil.example/"})
    assert response["Location"] == "/dialog/"


# --- Discussions -------------------------------------------------------------------------


def test_kim_pengurus_opens_a_thread_and_citizens_reply(world):
    thread = world.thread
    assert thread.kim == world.tenants.a.kim
    client = verified_client(name="Yohanes")
    response = client.post(thread.get_absolute_url(), {"body": "<b>Sore</b> hari lebih cocok."})
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.author_name == "Yohanes" and reply.visibility == Visibility.PUBLISHED
    page = client_for(None).get(thread.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Sore&lt;/b&gt; hari lebih cocok." in page


def test_anggota_and_outsiders_cannot_open_threads(world):
    for user in (world.tenants.a.member, world.tenants.a.outsider):
        with pytest.raises(PermissionDenied):
            services.thread_create(actor=user, opener_key="", title="X", body="Isi diskusi ini.")
        assert client_for(user).get("/kelola/dialog/diskusi/baru/").status_code == 403


def test_locked_thread_refuses_replies(world):
    client_for(world.admin).post(f"/kelola/dialog/diskusi/{world.thread.pk}/kunci/", {"kunci": "1"})
    world.thread.refresh_from_db()
    assert world.thread.is_locked
    response = client_for(world.citizen).post(
        world.thread.get_absolute_url(), {"body": "Halo semua."}
    )
    assert response.status_code == 400
    assert "sudah dikunci" in response.content.decode()
    assert not Reply.objects.exists()
    assert audit_for(world.thread).filter(action="dialogue.thread_lock").exists()
    # Another kabupaten's admin cannot unlock it.
    response = client_for(world.admin_b).post(
        f"/kelola/dialog/diskusi/{world.thread.pk}/kunci/", {"kunci": "0"}
    )
    assert response.status_code == 404


# --- Moderation --------------------------------------------------------------------------


def test_word_filter_holds_text_until_a_moderator_restores_it(world):
    admin = client_for(world.admin)
    admin.post("/kelola/dialog/moderasi/kata/", {"kabupaten": "61.07", "word": "Bodoh"})
    client_for(world.citizen).post(_paragraph_url(world), {"body": "Rancangan ini BODOH sekali."})
    comment = Comment.objects.get()
    assert comment.visibility == Visibility.HELD
    assert "BODOH sekali" not in client_for(None).get(_paragraph_url(world)).content.decode()
    queue = admin.get("/kelola/dialog/moderasi/").content.decode()
    assert "Rancangan ini BODOH sekali." in queue
    admin.post(
        f"/kelola/dialog/moderasi/tanggapan/{comment.pk}/",
        {"kabupaten": "61.07", "action": "restore"},
    )
    comment.refresh_from_db()
    assert comment.visibility == Visibility.PUBLISHED
    entry = audit_for(comment).get(action="dialogue.restore")
    assert entry.actor == world.admin and entry.before["visibility"] == "ditahan"
    assert AuditLog.objects.filter(action="dialogue.word_add").exists()


def test_reports_hide_a_text_after_three_people(world):
    client_for(world.citizen).post(_paragraph_url(world), {"body": "Iklan obat kuat murah!"})
    comment = Comment.objects.get()
    url = f"/dialog/lapor/tanggapan/{comment.pk}/"
    reporter = client_for(world.tenants.a.member)
    reporter.post(url, {"reason": "spam"})
    reporter.post(url, {"reason": "spam"})  # the same person twice counts once
    comment.refresh_from_db()
    assert comment.report_count == 1 and comment.visibility == Visibility.PUBLISHED
    client_for(world.tenants.a.owner).post(url, {"reason": "spam"})
    verified_client().post(url, {"reason": "kasar"})
    comment.refresh_from_db()
    assert comment.report_count == 3 and comment.visibility == Visibility.HELD
    assert audit_for(comment).filter(action="dialogue.auto_hold").exists()
    assert "Iklan obat kuat" not in client_for(None).get(_paragraph_url(world)).content.decode()


def test_blocked_author_cannot_post_again(world):
    client = verified_client("pengganggu@example.test", name="Pengganggu")
    client.post(_paragraph_url(world), {"body": "Tulisan yang mengganggu."})
    comment = Comment.objects.get()
    admin = client_for(world.admin)
    admin.post(
        f"/kelola/dialog/moderasi/tanggapan/{comment.pk}/",
        {"kabupaten": "61.07", "action": "block", "reason": "Berulang kali menghina."},
    )
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN
    block = Block.objects.get()
    assert block.contact_hash == comment.contact_hash and block.user is None
    response = client.post(_paragraph_url(world), {"body": "Saya kembali lagi."})
    assert response.status_code == 400
    assert "Anda diblokir" in response.content.decode()
    assert Comment.objects.count() == 1
    # Blocked for replies and polls of the kabupaten too.
    assert client.post(world.thread.get_absolute_url(), {"body": "Halo lagi."}).status_code == 400
    assert audit_for(block).filter(action="dialogue.block", actor=world.admin).exists()
    admin.post(f"/kelola/dialog/moderasi/blokir/{block.pk}/cabut/", {"kabupaten": "61.07"})
    assert not Block.objects.exists()
    assert AuditLog.objects.filter(action="dialogue.unblock").exists()


def test_signed_in_author_is_blocked_by_account(world):
    client_for(world.citizen).post(world.thread.get_absolute_url(), {"body": "Balasan kasar."})
    reply = Reply.objects.get()
    moderation.author_block(actor=world.admin, item=reply, reason="Kasar.")
    assert Block.objects.get().user == world.citizen
    response = client_for(world.citizen).post(_paragraph_url(world), {"body": "Coba lagi."})
    assert "Anda diblokir" in response.content.decode()
    assert not Comment.objects.exists()


def test_moderation_is_per_kabupaten(world):
    client_for(world.citizen).post(_paragraph_url(world), {"body": "Tulisan warga biasa."})
    comment = Comment.objects.get()
    other = home_client(world.admin_b)  # on Mempawah's host, where its role is
    # Mempawah's queue does not show Bengkayang's texts, and cannot act on them.
    assert (
        "Tulisan warga biasa."
        not in other.get("/kelola/dialog/moderasi/?tampil=dilaporkan").content.decode()
    )
    response = other.post(
        f"/kelola/dialog/moderasi/tanggapan/{comment.pk}/", {"kabupaten": "61.07", "action": "hide"}
    )
    assert response.status_code == 404
    comment.refresh_from_db()
    assert comment.visibility == Visibility.PUBLISHED
    with pytest.raises(PermissionDenied):
        moderation.contribution_moderate(actor=world.admin_b, item=comment, action="hide")
    assert client_for(world.citizen).get("/kelola/dialog/moderasi/").status_code == 403


def test_public_forms_are_rate_limited(world):
    client = client_for(world.citizen)
    statuses = [
        client.post(_paragraph_url(world), {"body": f"Tanggapan nomor {n}."}).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
    assert Comment.objects.count() == 10


def test_honeypot_keeps_nothing(world):
    response = client_for(world.citizen).post(
        _paragraph_url(world), {"body": "Spam bot.", "website": "http://spam.example"}
    )
    assert response.status_code == 302
    assert not Comment.objects.exists()


# --- Dissemination -----------------------------------------------------------------------


def test_disseminate_a_consultation_to_all_kims(world, django_capture_on_commit_callbacks):
    client = client_for(world.admin)
    url = f"/kelola/dialog/sebarkan/konsultasi/{world.consultation.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"scope": "area"})
    assert response.status_code == 302
    world.consultation.refresh_from_db()
    item = world.consultation.info_item
    assert item.status == InfoItem.Status.PUBLISHED
    assert item.category == InfoItem.Category.PARTICIPATION
    assert world.consultation.get_absolute_url() in item.body
    assert Delivery.objects.filter(item=item, kim=world.tenants.a.kim).exists()
    assert not Delivery.objects.filter(item=item, kim=world.tenants.b.kim).exists()
    # Twice: refused, nothing new.
    response = client.post(url, {"scope": "area"})
    assert "sudah disebarkan" in response.content.decode()
    assert InfoItem.objects.count() == 1
    page = client.get(f"/kelola/dialog/konsultasi/{world.consultation.pk}/").content.decode()
    assert f"/kelola/informasi/{item.pk}/jangkauan/" in page


def test_disseminate_a_poll_to_chosen_kims(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.admin).post(
            f"/kelola/dialog/sebarkan/jajak/{world.poll.pk}/",
            {"scope": "kims", "target_kims": [world.tenants.a.kim.pk]},
        )
    assert response.status_code == 302
    world.poll.refresh_from_db()
    assert list(world.poll.info_item.target_kims.all()) == [world.tenants.a.kim]
    assert (
        client_for(world.admin_b)
        .post(f"/kelola/dialog/sebarkan/jajak/{world.poll.pk}/", {"scope": "area"})
        .status_code
        == 404
    )


def test_audit_rows_hold_no_contact(world):
    verified_client("jejak@example.test").post(_paragraph_url(world), {"body": "Tanpa jejak."})
    dumped = json.dumps(list(AuditLog.objects.values("before", "after", "note", "target_repr")))
    assert "jejak@example.test" not in dumped


def test_a_decision_outside_the_table_is_refused_and_leaves_no_row(world):
    client_for(world.citizen).post(_paragraph_url(world), {"body": "Tulisan warga biasa."})
    comment = Comment.objects.get()
    with pytest.raises(ValidationError, match="tidak berlaku"):
        moderation.contribution_moderate(actor=world.admin, item=comment, action="restore")
    with pytest.raises(ValidationError, match="tidak dikenal"):
        moderation.contribution_moderate(actor=world.admin, item=comment, action="approve")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.PUBLISHED
    assert not audit_for(comment).exclude(action="dialogue.comment").exists()


def test_held_by_reports_says_why_in_the_queue(world):
    client_for(world.citizen).post(world.thread.get_absolute_url(), {"body": "Balasan iklan."})
    reply = Reply.objects.get()
    for n in range(3):
        moderation.contribution_report(item=reply, reporter_key=f"v:{n}", reason="spam")
    reply.refresh_from_db()
    assert reply.visibility == Visibility.HELD and reply.held_reason == "Dilaporkan 3 orang"
    page = client_for(world.admin).get("/kelola/dialog/moderasi/?tampil=antrean").content.decode()
    assert "Balasan iklan." in page and "(Dilaporkan 3 orang)" in page
    assert 'value="restore"' in page and 'value="keep"' not in page
    assert "Blokir penulis" in page and f"/kelola/dialog/moderasi/balasan/{reply.pk}/" in page
