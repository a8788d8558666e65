"""Polls and consultations people can judge before they give a number: the questions are
readable before verifying, closing times carry the zone and open items do not read as
closed, nobody agrees with themselves, and one report reaches the moderator with its
reason in a queue that shows what needs a decision."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from jembatan.accounts.audit import audit_for
from jembatan.dialogue import services
from jembatan.dialogue.models import Comment, Visibility
from jembatan.dialogue.otp import Participant
from jembatan.dialogue.tests.conftest import client_for, close_now, verified_client

pytestmark = pytest.mark.django_db


def paragraph_url(world) -> str:
    section = world.consultation.sections.order_by("order").first()
    paragraph = section.paragraphs.order_by("order").first()
    return f"/dialog/konsultasi/{world.consultation.slug}/p/{paragraph.pk}/"


def vote_url(world, comment) -> str:
    return f"/dialog/konsultasi/{world.consultation.slug}/tanggapan/{comment.pk}/suara/"


def test_poll_questions_are_readable_before_verifying(world):
    page = client_for(None).get(world.poll.get_absolute_url()).content.decode()
    assert "Prioritas utama" in page and "Air bersih" in page and "Kepuasan layanan desa" in page
    assert 'name="region"' not in page  # answering still needs a verified contact


def test_open_items_read_open_and_closing_times_carry_the_zone(world):
    index = client_for(None).get("/dialog/").content.decode()
    assert "dibuka sampai" in index and " WIB" in index
    assert "ditutup " not in index.replace("Konsultasi ini sudah ditutup", "")
    close_now(world.poll)
    page = client_for(None).get(world.poll.get_absolute_url()).content.decode()
    assert "ditutup " in page and "pukul" in page and "WIB" in page


def test_an_author_cannot_agree_with_their_own_comment(world):
    url = paragraph_url(world)
    author = client_for(world.citizen)
    author.post(url, {"body": "Tambahkan jadwal musyawarah."})
    comment = Comment.objects.get()
    page = author.get(url).content.decode()
    assert "Tanggapan Anda sendiri" in page and vote_url(world, comment) not in page
    author.post(vote_url(world, comment), {"suara": "setuju"})
    comment.refresh_from_db()
    assert comment.agree_count == 0
    with pytest.raises(ValidationError, match="tanggapan Anda sendiri"):
        services.comment_vote(
            comment=comment,
            participant=Participant(name="x", user_id=world.citizen.pk),
            value=1,
        )
    # Someone else may.
    other = verified_client("tetangga@example.test", name="Tetangga")
    other.post(vote_url(world, comment), {"suara": "setuju"})
    comment.refresh_from_db()
    assert comment.agree_count == 1


def test_one_report_reaches_the_default_queue_with_its_reason(world):
    url = paragraph_url(world)
    client_for(world.citizen).post(url, {"body": "Kepala desa itu penipu."})
    comment = Comment.objects.get()
    client_for(None).post(f"/dialog/lapor/tanggapan/{comment.pk}/", {"reason": "kasar"})
    comment.refresh_from_db()
    assert comment.report_count == 1 and comment.visibility == Visibility.PUBLISHED
    staff = client_for(world.admin)
    page = staff.get("/kelola/dialog/moderasi/").content.decode()
    assert "Kepala desa itu penipu." in page and "Kasar, menghina atau SARA (1)" in page
    assert page.count(">Tampilkan<") == 0  # one word for one action only
    assert "Saring" in page and "Biarkan tampil" in page
    staff.post(
        f"/kelola/dialog/moderasi/tanggapan/{comment.pk}/",
        {"action": "keep", "kabupaten": "61.07"},
    )
    comment.refresh_from_db()
    assert comment.visibility == Visibility.PUBLISHED and comment.report_count == 0
    assert audit_for(comment).filter(action="dialogue.keep").exists()
    assert "Kepala desa itu penipu." not in staff.get("/kelola/dialog/moderasi/").content.decode()
