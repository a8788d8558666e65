"""Consultations: paragraphs, comments, votes, closing, the owner's report, exports."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Notification
from jembatan.dialogue import services
from jembatan.dialogue.models import Comment, CommentVote, Paragraph, Visibility
from jembatan.dialogue.otp import Participant
from jembatan.dialogue.tests.conftest import client_for, close_now, verified_client

pytestmark = pytest.mark.django_db


def _paragraph(world, n: int = 0) -> Paragraph:
    return Paragraph.objects.filter(section__consultation=world.consultation).order_by(
        "section__order", "order"
    )[n]


def _url(world, paragraph: Paragraph) -> str:
    return f"/dialog/konsultasi/{world.consultation.slug}/p/{paragraph.pk}/"


def test_draft_is_split_into_sections_and_paragraphs(world):
    sections = list(world.consultation.sections.all())
    assert [s.heading for s in sections] == ["Bab I Ketentuan Umum", "Bab II Partisipasi"]
    assert [s.paragraphs.count() for s in sections] == [2, 2]


def test_each_paragraph_has_its_own_anchor_and_comment_link(world):
    page = client_for(None).get(world.consultation.get_absolute_url()).content.decode()
    for paragraph in Paragraph.objects.filter(section__consultation=world.consultation):
        assert f'id="p{paragraph.pk}"' in page
        assert f'href="{_url(world, paragraph)}"' in page
    assert "Tanggapi paragraf ini" in page


def test_signed_in_citizen_comments_on_a_paragraph(world):
    paragraph = _paragraph(world, 1)
    client = client_for(world.citizen)
    response = client.post(_url(world, paragraph), {"body": "Mohon rencana kerja dibahas RT."})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.paragraph == paragraph
    assert comment.author == world.citizen
    assert comment.author_name == "Warga Bengkayang"
    assert comment.visibility == Visibility.PUBLISHED
    page = client_for(None).get(_url(world, paragraph)).content.decode()
    assert "Mohon rencana kerja dibahas RT." in page
    assert audit_for(comment).filter(action="dialogue.comment").exists()


def test_citizen_without_account_must_verify_first(world):
    paragraph = _paragraph(world)
    response = client_for(None).post(_url(world, paragraph), {"body": "Tanggapan tanpa nama."})
    assert response.status_code == 302
    assert response["Location"].startswith("/dialog/verifikasi/?next=")
    assert not Comment.objects.exists()


def test_verified_citizen_comments_with_their_name_and_no_contact_shown(world):
    client = verified_client("siti.rahasia@example.test", name="Siti")
    paragraph = _paragraph(world)
    response = client.post(_url(world, paragraph), {"body": "Setuju, tambahkan desa adat."})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author is None
    assert comment.author_name == "Siti"
    assert len(comment.contact_hash) == 64
    page = client_for(None).get(_url(world, paragraph)).content.decode()
    assert "Siti" in page
    assert "siti.rahasia" not in page


def test_script_in_a_comment_is_stored_as_text_and_escaped(world):
    paragraph = _paragraph(world)
    body = '<script>alert("x")</script> <img src=x onerror=alert(1)>'
    client_for(world.citizen).post(_url(world, paragraph), {"body": body})
    assert Comment.objects.get().body == body  # kept as typed, plain text
    for url in [_url(world, paragraph), world.consultation.get_absolute_url()]:
        page = client_for(None).get(url).content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_commenting_after_closing_is_refused_with_nothing_changed(world):
    close_now(world.consultation)
    paragraph = _paragraph(world)
    response = client_for(world.citizen).post(_url(world, paragraph), {"body": "Terlambat."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "sudah ditutup; tanggapan tidak lagi diterima" in page
    assert not Comment.objects.exists()
    with pytest.raises(ValidationError, match="sudah ditutup"):
        services.comment_create(
            paragraph=paragraph,
            participant=Participant(name="X", user_id=world.citizen.pk),
            body="abc",
        )
    # The page of a closed consultation has no comment form at all.
    assert (
        'name="body"' not in client_for(world.citizen).get(_url(world, paragraph)).content.decode()
    )


def test_agree_and_disagree_one_per_person_and_toggle(world):
    paragraph = _paragraph(world)
    author = client_for(world.citizen)
    author.post(_url(world, paragraph), {"body": "Perlu jadwal yang jelas."})
    comment = Comment.objects.get()
    voter = client_for(world.tenants.a.member)
    vote_url = f"/dialog/konsultasi/{world.consultation.slug}/tanggapan/{comment.pk}/suara/"
    voter.post(vote_url, {"suara": "setuju"})
    comment.refresh_from_db()
    assert (comment.agree_count, comment.disagree_count) == (1, 0)
    voter.post(vote_url, {"suara": "tidak"})  # changes the vote, never adds a second
    comment.refresh_from_db()
    assert (comment.agree_count, comment.disagree_count) == (0, 1)
    assert CommentVote.objects.count() == 1
    voter.post(vote_url, {"suara": "tidak"})  # the same again takes it back
    comment.refresh_from_db()
    assert (comment.agree_count, comment.disagree_count) == (0, 0)
    assert CommentVote.objects.count() == 0
    verified_client().post(vote_url, {"suara": "setuju"})
    comment.refresh_from_db()
    assert comment.agree_count == 1


def test_voting_after_closing_is_refused(world):
    paragraph = _paragraph(world)
    client_for(world.citizen).post(_url(world, paragraph), {"body": "Perlu jadwal yang jelas."})
    comment = Comment.objects.get()
    close_now(world.consultation)
    vote_url = f"/dialog/konsultasi/{world.consultation.slug}/tanggapan/{comment.pk}/suara/"
    response = client_for(world.tenants.a.member).post(vote_url, {"suara": "setuju"}, follow=True)
    assert "suara tidak lagi diterima" in response.content.decode()
    comment.refresh_from_db()
    assert comment.agree_count == 0
    assert not CommentVote.objects.exists()


def test_owner_responds_per_section_and_publishes_the_report(world):
    client = client_for(world.admin)
    consultation = world.consultation
    section = consultation.sections.first()
    url = f"/kelola/dialog/konsultasi/{consultation.pk}/bagian/{section.pk}/"
    # Not before closing.
    client.post(url, {"heard": "Warga minta jadwal.", "changed": ""})
    section.refresh_from_db()
    assert section.heard == ""
    close_now(consultation)
    for s in consultation.sections.all():
        response = client.post(
            f"/kelola/dialog/konsultasi/{consultation.pk}/bagian/{s.pk}/",
            {"heard": f"Warga meminta kejelasan {s.heading}.", "changed": "Pasal 2 diperjelas."},
        )
        assert response.status_code == 302
    assert (
        client_for(None).get(f"/dialog/konsultasi/{consultation.slug}/laporan/").status_code == 404
    )
    client.post(f"/kelola/dialog/konsultasi/{consultation.pk}/laporan/")
    consultation.refresh_from_db()
    assert consultation.report_published_at is not None
    page = client_for(None).get(f"/dialog/konsultasi/{consultation.slug}/laporan/").content.decode()
    assert "Apa yang kami dengar" in page and "Pasal 2 diperjelas." in page
    assert audit_for(consultation).filter(action="dialogue.report_publish").exists()


def test_report_needs_an_answer_where_citizens_commented_and_tells_them(world):
    consultation = world.consultation
    paragraph = _paragraph(world)
    client_for(world.citizen).post(_url(world, paragraph), {"body": "Jadwal musyawarah?"})
    close_now(consultation)
    staff = client_for(world.admin)
    page = staff.get(f"/kelola/dialog/konsultasi/{consultation.pk}/").content.decode()
    # The owner reads the comments beside the section while writing the response.
    assert "Jadwal musyawarah?" in page and "1 tanggapan tampil" in page
    assert "tidak perlu" in page or "boleh dikosongkan" in page  # the other sections
    with pytest.raises(ValidationError, match="dikomentari warga"):
        services.consultation_report_publish(actor=world.admin, consultation=consultation)
    services.section_respond(
        actor=world.admin, section=paragraph.section, heard="Jadwal diumumkan.", changed=""
    )
    # Sections nobody commented on need no response.
    services.consultation_report_publish(actor=world.admin, consultation=consultation)
    told = Notification.objects.filter(kind="dialogue.report_published")
    assert list(told.values_list("recipient_id", flat=True)) == [world.citizen.pk]


def test_text_is_fixed_once_commented(world):
    client_for(world.citizen).post(_url(world, _paragraph(world)), {"body": "Tanggapan pertama."})
    data = {
        "title": world.consultation.title,
        "summary": "x",
        "text": "# Baru\nTeks lain.",
        "opens_at": world.consultation.opens_at,
        "closes_at": world.consultation.closes_at,
    }
    with pytest.raises(ValidationError, match="sudah menanggapinya"):
        services.consultation_update(actor=world.admin, consultation=world.consultation, data=data)
    assert world.consultation.sections.first().heading == "Bab I Ketentuan Umum"


def test_other_kabupaten_cannot_manage_or_export(world):
    client = client_for(world.admin_b)
    pk = world.consultation.pk
    assert client.get(f"/kelola/dialog/konsultasi/{pk}/").status_code == 404
    assert client.get(f"/kelola/dialog/konsultasi/{pk}/ekspor.csv").status_code == 404
    assert (
        client_for(world.citizen).get(f"/kelola/dialog/konsultasi/{pk}/ekspor.csv").status_code
        == 404
    )
    response = client.post(f"/kelola/dialog/konsultasi/{pk}/laporan/")
    assert response.status_code == 404


def test_draft_consultation_is_not_public(world):
    consultation = services.consultation_create(
        actor=world.admin,
        owner_key="61.07|",
        data={
            "title": "Draf rahasia",
            "summary": "Belum terbit.",
            "text": "Satu paragraf.",
            "opens_at": world.consultation.opens_at,
            "closes_at": world.consultation.closes_at,
        },
    )
    assert client_for(None).get(consultation.get_absolute_url()).status_code == 404


def test_exports_have_comments_but_no_contact_data(world):
    client = verified_client("rahasia.sekali@example.test", name="Rina")
    client.post(_url(world, _paragraph(world)), {"body": "=SUM(A1) jalan desa rusak"})
    staff = client_for(world.admin)
    pk = world.consultation.pk
    csv_response = staff.get(f"/kelola/dialog/konsultasi/{pk}/ekspor.csv")
    text = csv_response.content.decode("utf-8-sig")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "Rina" in text and "'=SUM(A1) jalan desa rusak" in text
    assert "rahasia.sekali" not in text
    assert Comment.objects.get().contact_hash not in text
    xlsx = staff.get(f"/kelola/dialog/konsultasi/{pk}/ekspor.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "Rina" in values
    pdf = staff.get(f"/kelola/dialog/konsultasi/{pk}/ekspor.pdf")
    assert pdf.content.startswith(b"%PDF")
    assert staff.get(f"/kelola/dialog/konsultasi/{pk}/ekspor.doc").status_code == 404


def test_staff_create_and_publish_from_the_workspace(world):
    client = client_for(world.admin)
    response = client.post(
        "/kelola/dialog/konsultasi/baru/",
        {
            "owner": "61.07|",
            "title": "Rancangan APBDes Sebalo 2027",
            "summary": "Rancangan anggaran desa.",
            "opens_at": "2026-01-01T08:00",
            "closes_at": "2030-01-01T08:00",
            "text": "# Pendapatan\nDana desa.\n\nBagi hasil pajak.\n\n# Belanja\nJalan usaha tani.",
        },
    )
    assert response.status_code == 302
    from jembatan.dialogue.models import Consultation

    consultation = Consultation.objects.get(title="Rancangan APBDes Sebalo 2027")
    assert not consultation.is_published
    assert consultation.sections.count() == 2
    client.post(f"/kelola/dialog/konsultasi/{consultation.pk}/terbitkan/")
    consultation.refresh_from_db()
    assert consultation.is_published and consultation.is_open
