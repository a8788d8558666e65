"""Polls: one response per person (account, verified contact, paper ballot), closing,
results by kecamatan, exports."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from jembatan.dialogue import services_polls
from jembatan.dialogue.models import Answer, Poll, Question, Response
from jembatan.dialogue.otp import Participant
from jembatan.dialogue.tests.conftest import client_for, close_now, make_poll, verified_client

pytestmark = pytest.mark.django_db


def _form(world, village=None, *, single: int = 0, scale: str = "4", extra: dict | None = None):
    poll = world.poll
    questions = {q.kind: q for q in poll.questions.all()}
    single_q = questions[Question.Kind.SINGLE]
    multiple_q = questions[Question.Kind.MULTIPLE]
    data = {
        f"q{single_q.pk}": str(single_q.options.all()[single].pk),
        f"q{multiple_q.pk}": [str(o.pk) for o in multiple_q.options.all()[:2]],
        f"q{questions[Question.Kind.SCALE].pk}": scale,
        f"q{questions[Question.Kind.TEXT].pk}": "Perbaiki jalan ke sekolah.",
        "region": (village or world.village).code,
    }
    return data | (extra or {})


def _url(world) -> str:
    return f"/dialog/jajak/{world.poll.slug}/"


def test_signed_in_citizen_answers_once(world):
    client = client_for(world.citizen)
    response = client.post(_url(world), _form(world))
    assert response.status_code == 302
    response_row = Response.objects.get()
    assert response_row.channel == Response.Channel.ACCOUNT
    assert response_row.user == world.citizen
    assert response_row.answers.count() == 5  # single, two multiple, scale, text
    # Voting twice: a clear error, nothing changed.
    answers_before = Answer.objects.count()
    response = client.post(_url(world), _form(world, single=1))
    page = response.content.decode()
    assert "sudah mengisi jajak pendapat ini" in page
    assert Response.objects.count() == 1
    assert Answer.objects.count() == answers_before
    assert 'name="region"' not in client.get(_url(world)).content.decode()


def test_one_response_per_email_across_sessions(world):
    client = verified_client("budi@example.test", name="Budi")
    assert client.post(_url(world), _form(world)).status_code == 302
    row = Response.objects.get()
    assert row.channel == Response.Channel.CODE and row.user is None and len(row.contact_hash) == 64
    again = verified_client("BUDI@example.test ", name="Budi lagi")  # same address, normalised
    response = again.post(_url(world), _form(world, single=2))
    assert response.status_code == 409
    assert "sudah mengisi jajak pendapat ini" in response.content.decode()
    assert Response.objects.count() == 1


def test_service_refuses_a_second_response_for_the_same_contact(world):
    someone = Participant(name="A", contact_hash="f" * 64)
    answers = {q.pk: None for q in world.poll.questions.all()}
    single = world.poll.questions.get(kind=Question.Kind.SINGLE)
    scale = world.poll.questions.get(kind=Question.Kind.SCALE)
    answers |= {single.pk: single.options.first().pk, scale.pk: 3}
    services_polls.poll_respond(
        poll=world.poll, region=world.village, answers=answers, participant=someone
    )
    with pytest.raises(ValidationError, match="satu orang satu jawaban"):
        services_polls.poll_respond(
            poll=world.poll, region=world.village, answers=answers, participant=someone
        )
    assert Response.objects.count() == 1


def test_required_questions_and_desa_are_checked(world):
    client = client_for(world.citizen)
    data = _form(world)
    single = world.poll.questions.get(kind=Question.Kind.SINGLE)
    data[f"q{single.pk}"] = ""
    response = client.post(_url(world), data)
    assert response.status_code == 400
    assert "Pilih satu jawaban." in response.content.decode()
    response = client.post(_url(world), _form(world, village=world.tenants.b.kim.region))
    assert response.status_code == 400
    response = client.post(_url(world), _form(world, scale="9"))
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_closed_poll_by_url_shows_a_message_and_refuses_posts(world):
    close_now(world.poll)
    client = client_for(world.citizen)
    page = client.get(_url(world)).content.decode()
    assert "sudah ditutup" in page
    assert 'name="region"' not in page
    response = client.post(_url(world), _form(world))
    assert response.status_code == 409
    assert "sudah ditutup; jawaban tidak lagi diterima" in response.content.decode()
    assert not Response.objects.exists()
    with pytest.raises(ValidationError, match="sudah ditutup"):
        services_polls.poll_respond(
            poll=world.poll,
            region=world.village,
            answers={},
            participant=Participant(name="A", user_id=world.citizen.pk),
        )


def test_paper_ballot_recorded_by_a_kim_member_with_a_unique_serial(world):
    member = world.tenants.a.member
    kim = world.tenants.a.kim
    client = client_for(member)
    url = f"/kelola/dialog/jajak/{world.poll.pk}/kertas/"
    assert client.get("/kelola/dialog/").content.decode().count(url) == 1
    response = client.post(url, _form(world, extra={"kim": kim.pk, "serial": "sbl-001"}))
    assert response.status_code == 302
    row = Response.objects.get()
    assert (row.channel, row.kim, row.recorded_by, row.ballot_serial) == (
        Response.Channel.PAPER,
        kim,
        member,
        "SBL-001",
    )
    response = client.post(url, _form(world, extra={"kim": kim.pk, "serial": "SBL-001"}))
    assert response.status_code == 400
    assert "sudah dicatat" in response.content.decode()
    assert Response.objects.count() == 1
    # A second ballot with another serial is fine (one person, one paper).
    assert (
        client.post(url, _form(world, extra={"kim": kim.pk, "serial": "SBL-002"})).status_code
        == 302
    )
    assert Response.objects.count() == 2


def test_paper_ballots_only_by_members_of_the_polls_kabupaten(world):
    url = f"/kelola/dialog/jajak/{world.poll.pk}/kertas/"
    for user in (world.tenants.b.member, world.tenants.a.outsider):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, _form(world, extra={"serial": "X1"})).status_code == 404
    close_now(world.poll)
    assert client_for(world.tenants.a.member).get(url).status_code == 404
    assert not Response.objects.exists()


def test_results_by_kecamatan_after_closing(world):
    services_polls_answer = [
        (world.citizen, world.village, 0),
        (world.tenants.a.member, world.village, 0),
        (world.tenants.a.owner, world.other_village, 1),
    ]
    for user, village, choice in services_polls_answer:
        assert (
            client_for(user).post(_url(world), _form(world, village, single=choice)).status_code
            == 302
        )
    results_url = f"/dialog/jajak/{world.poll.slug}/hasil/"
    page = client_for(None).get(results_url).content.decode()
    assert "Hasil ditampilkan setelah jajak pendapat ditutup" in page
    close_now(world.poll)
    results = services_polls.poll_results(world.poll)
    assert results.total == 3
    assert results.by_kecamatan == {"Bengkayang": 2, "Ledo": 1}
    single = results.questions[0]
    assert [(o.label, o.count) for o in single.options] == [
        ("Jalan", 2),
        ("Air bersih", 1),
        ("Internet", 0),
    ]
    assert single.options[0].by_kecamatan == {"Bengkayang": 2}
    assert results.questions[2].average == 4
    page = client_for(None).get(results_url).content.decode()
    assert "Ledo" in page and "Jalan" in page
    assert "Perbaiki jalan ke sekolah." not in page  # free text is for staff only


def test_live_results_are_public_while_open(world):
    poll = make_poll(world.admin, results=Poll.Results.LIVE)
    page = client_for(None).get(f"/dialog/jajak/{poll.slug}/hasil/").content.decode()
    assert "Hasil sementara" in page


def test_questions_are_fixed_once_answered(world):
    client_for(world.citizen).post(_url(world), _form(world))
    with pytest.raises(ValidationError, match="sudah ada yang menjawab"):
        services_polls.question_add(
            actor=world.admin, poll=world.poll, text="Baru", kind="teks", required=False, options=[]
        )
    assert world.poll.questions.count() == 4


def test_poll_exports(world):
    client_for(world.citizen).post(_url(world), _form(world))
    client_for(world.tenants.a.owner).post(_url(world), _form(world, world.other_village, single=1))
    staff = client_for(world.admin)
    base = f"/kelola/dialog/jajak/{world.poll.pk}/ekspor"
    text = staff.get(f"{base}.csv").content.decode("utf-8-sig")
    assert "kec. Bengkayang" in text and "kec. Ledo" in text
    assert "Jalan,1,1,0" in text.replace("\r", "")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(staff.get(f"{base}.xlsx").content))
    texts = [c.value for row in book.worksheets[1].iter_rows() for c in row]
    assert "Saran Anda: Perbaiki jalan ke sekolah." in texts
    assert staff.get(f"{base}.pdf").content.startswith(b"%PDF")
    assert client_for(world.admin_b).get(f"{base}.csv").status_code == 404
    assert client_for(world.citizen).get(f"{base}.csv").status_code == 404


def test_staff_build_a_poll_in_the_workspace(world):
    client = client_for(world.admin)
    response = client.post(
        "/kelola/dialog/jajak/baru/",
        {
            "form": "poll",
            "owner": "61.07|",
            "title": "Survei kepuasan posyandu",
            "summary": "Bagaimana layanan posyandu?",
            "opens_at": "2026-01-01T08:00",
            "closes_at": "2030-01-01T08:00",
            "results": "langsung",
        },
    )
    assert response.status_code == 302
    poll = Poll.objects.get(title="Survei kepuasan posyandu")
    url = f"/kelola/dialog/jajak/{poll.pk}/"
    response = client.post(
        url, {"form": "question", "text": "Pilih satu", "kind": "tunggal", "options": "Ya"}
    )
    assert "Tulis 2 sampai 12 pilihan" in response.content.decode()
    client.post(
        url,
        {
            "form": "question",
            "text": "Pilih satu",
            "kind": "tunggal",
            "required": "on",
            "options": "Ya\nTidak",
        },
    )
    assert poll.questions.get().options.count() == 2
    client.post(f"{url}terbitkan/")
    poll.refresh_from_db()
    assert poll.is_published
