"""Participants without an account as data subjects (dialogue.personal_data): erasure,
the retention rule, the breach list, the privacy notice and the forms that link it."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from jembatan.accounts.models import AuditLog
from jembatan.core.personal_data import ERASED, personal_data_registry
from jembatan.dialogue import services
from jembatan.dialogue.models import Comment, OneTimeCode, Paragraph, Reply
from jembatan.dialogue.otp import Participant, contact_hash
from jembatan.dialogue.personal_data import KEY
from jembatan.dialogue.tasks import purge_old_participants
from jembatan.dialogue.tests.conftest import client_for, verified_client

pytestmark = pytest.mark.django_db

NAME = "Maria Goreti Sekundus"
BODY = "Saya Maria dari RT 04, mohon jalan desa masuk rencana."
OTHER = "Budi menulis: setuju dengan rancangan ini."


def _paragraph(world) -> Paragraph:
    return Paragraph.objects.filter(section__consultation=world.consultation).first()


def _participant(contact: str = "maria.g@example.test", name: str = NAME) -> Participant:
    return Participant(name=name, contact_hash=contact_hash(contact))


def test_erasure_takes_name_text_and_hash_off_every_text(world):
    who = _participant()
    comment = services.comment_create(paragraph=_paragraph(world), participant=who, body=BODY)
    reply = services.reply_create(thread=world.thread, participant=who, body=f"{NAME} setuju.")
    other = services.comment_create(
        paragraph=_paragraph(world),
        participant=_participant("lain@example.test", "Budi"),
        body=OTHER,
    )
    OneTimeCode.objects.create(
        contact_hash=who.contact_hash,
        code_hash="x",
        channel="email",
        expires_at=timezone.now(),
    )
    assert personal_data_registry.erase(KEY, comment, actor=world.admin, reason="permintaan")
    for row in (comment, reply):
        row.refresh_from_db()
        assert (row.author_name, row.body, row.contact_hash) == (ERASED, ERASED, "")
    assert not OneTimeCode.objects.filter(contact_hash=who.contact_hash).exists()
    other.refresh_from_db()
    assert other.author_name == "Budi" and other.body == OTHER  # someone else's: untouched
    dumped = json.dumps(list(AuditLog.objects.values("before", "after", "note", "target_repr")))
    assert NAME not in dumped and "Saya Maria" not in dumped and OTHER in dumped
    assert AuditLog.objects.filter(action="dialogue.participant_erase").count() == 2
    assert not personal_data_registry.erase(KEY, who.contact_hash, reason="lagi")
    page = client_for(None).get(world.thread.get_absolute_url()).content.decode()
    assert NAME not in page


def test_the_retention_rule_keeps_the_text_and_drops_the_name(world, settings):
    settings.DIALOGUE_PARTICIPANT_RETENTION_DAYS = 30
    who = _participant()
    comment = services.comment_create(paragraph=_paragraph(world), participant=who, body=BODY)
    reply = services.reply_create(thread=world.thread, participant=who, body=f"Dari {NAME}.")
    assert purge_old_participants.call_local() == 0  # the consultation is still open
    long_ago = timezone.now() - datetime.timedelta(days=31)
    type(world.consultation).objects.filter(pk=world.consultation.pk).update(
        opens_at=long_ago - datetime.timedelta(days=7), closes_at=long_ago
    )
    assert purge_old_participants.call_local() == 1
    comment.refresh_from_db()
    reply.refresh_from_db()
    assert comment.author_name == ERASED and comment.contact_hash == ""
    assert comment.body == BODY  # the record of the consultation stays
    assert reply.author_name == NAME  # a recent reply keeps its name until its own time
    Reply.objects.filter(pk=reply.pk).update(created_at=long_ago)
    assert purge_old_participants.call_local() == 1
    reply.refresh_from_db()
    assert reply.author_name == ERASED and NAME not in reply.body
    assert (
        AuditLog.objects.filter(action="dialogue.participant_erase", note="retention").count() == 2
    )


def test_the_breach_list_names_participants_without_a_contact(world):
    who = _participant()
    services.comment_create(paragraph=_paragraph(world), participant=who, body=BODY)
    services.comment_create(paragraph=_paragraph(world), participant=who, body=BODY + " Lagi.")
    now = timezone.now()
    found = personal_data_registry.get(KEY).touched(now - datetime.timedelta(minutes=5), now)
    assert [(t.reference, t.channels, t.contact) for t in found] == [
        (who.contact_hash[:12], (), {"nama": NAME})
    ]
    assert Comment.objects.count() == 2


def test_the_notice_describes_participants_and_the_forms_link_it(world):
    page = client_for(None).get("/privasi/").content.decode()
    assert "Peserta dialog publik tanpa akun" in page and "365 hari" in page
    assert (
        client_for(None).get("/dialog/verifikasi/").content.decode().count('href="/privasi/"') >= 2
    )
    client = verified_client()
    paragraph = _paragraph(world)
    form = client.get(
        f"/dialog/konsultasi/{world.consultation.slug}/p/{paragraph.pk}/"
    ).content.decode()
    assert form.count('href="/privasi/"') >= 2
    thread = client.get(world.thread.get_absolute_url()).content.decode()
    assert thread.count('href="/privasi/"') >= 2
