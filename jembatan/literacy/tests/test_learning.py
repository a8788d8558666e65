import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Role
from jembatan.core.links import reset_task_base, set_task_base
from jembatan.literacy import services
from jembatan.literacy.documents import handout_pdf
from jembatan.literacy.files import check_video, sniff_video
from jembatan.literacy.models import Certificate, Lesson, LessonProgress, Module, QuizAttempt
from jembatan.testing.factories import MembershipFactory, ModuleFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 64


def small_pdf() -> bytes:
    return handout_pdf("Materi literasi digital", ["Menulis berita yang benar."])


@pytest.fixture
def admin(db):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    return user


@pytest.fixture
def module(admin, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    module = ModuleFactory(title="Menulis berita desa", pass_mark=60)
    services.lesson_save(
        actor=admin,
        module=module,
        title="Apa itu berita",
        kind=Lesson.Kind.ARTICLE,
        body="<p>Berita menjawab 5W+1H.</p><script>alert(1)</script>",
        order=1,
    )
    services.lesson_save(
        actor=admin,
        module=module,
        title="Panduan PDF",
        kind=Lesson.Kind.PDF,
        order=2,
        file=services_pdf(),
    )
    for text, choices, correct in [
        ("Berita yang baik?", ["Benar dan jelas", "Gosip"], 0),
        ("Sumber berita?", ["Tebakan", "Narasumber"], 1),
        ("Foto warga boleh dipakai?", ["Dengan izin", "Selalu"], 0),
    ]:
        services.question_add(
            actor=admin, module=module, text=text, choices=choices, correct=correct
        )
    return module


def services_pdf():
    from jembatan.literacy.files import check_pdf

    return check_pdf(io.BytesIO(small_pdf()), name="panduan.pdf")


def answers(module: Module, *, right: int) -> dict[str, str]:
    data = {}
    for index, question in enumerate(module.questions.prefetch_related("choices")):
        choices = list(question.choices.all())
        pick = next(c for c in choices if c.is_correct == (index < right))
        data[f"q{question.pk}"] = str(pick.pk)
    return data


def test_article_is_sanitised(module):
    article = module.lessons.get(kind="artikel")
    assert "<script>" not in article.body and "5W+1H" in article.body


def test_full_learning_path_earns_a_module_certificate(client, module):
    learner = UserFactory(full_name="Maria Dayanti")
    client.force_login(learner)
    assert client.get(f"/literasi/modul/{module.pk}/").status_code == 200
    first, second = module.lessons.all()
    page = client.get(first.get_absolute_url())
    assert page.status_code == 200 and "5W+1H" in page.content.decode()
    # Quiz failed first: an attempt, no certificate.
    response = client.post(f"/literasi/modul/{module.pk}/kuis/", answers(module, right=1))
    assert "Belum lulus" in response.content.decode()
    assert QuizAttempt.objects.get(user=learner).passed is False
    # Passed, but a lesson is still open: no certificate yet.
    response = client.post(f"/literasi/modul/{module.pk}/kuis/", answers(module, right=3))
    assert "Selesaikan 2 materi lagi" in response.content.decode()
    assert not Certificate.objects.exists()
    response = client.post(first.get_absolute_url())
    assert response["Location"] == second.get_absolute_url()
    response = client.post(second.get_absolute_url())
    assert LessonProgress.objects.filter(user=learner).count() == 2
    cert = Certificate.objects.get(user=learner, module=module)
    assert cert.kind == "modul" and cert.holder_name == "Maria Dayanti"
    assert audit_for(cert).filter(action="literacy.certificate_issue").exists()
    # Marking a lesson again changes nothing.
    client.post(first.get_absolute_url())
    assert LessonProgress.objects.filter(user=learner).count() == 2
    assert Certificate.objects.count() == 1
    mine = client.get("/kelola/literasi/saya/").content.decode()
    assert "Menulis berita desa" in mine and cert.display_code in mine


def test_quiz_must_be_complete(client, module):
    learner = UserFactory()
    client.force_login(learner)
    data = answers(module, right=3)
    data.pop(next(iter(data)))
    response = client.post(f"/literasi/modul/{module.pk}/kuis/", data)
    assert "Pilih satu jawaban" in response.content.decode()
    assert not QuizAttempt.objects.exists()
    with pytest.raises(ValidationError):
        services.quiz_submit(user=learner, module=module, answers={})


def test_downloads_for_offline_use(client, module):
    client.force_login(UserFactory())
    pdf_lesson = module.lessons.get(kind="pdf")
    response = client.get(f"/literasi/modul/{module.pk}/materi/{pdf_lesson.pk}/berkas/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    response = client.get(f"/literasi/modul/{module.pk}/unduh/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert names[0] == "index.html" and "01-apa-itu-berita.html" in names
    assert archive.read("02-panduan-pdf.pdf").startswith(b"%PDF-")
    assert b"5W+1H" in archive.read("01-apa-itu-berita.html")


def test_lessons_need_an_account_and_drafts_stay_hidden(client, module):
    lesson = module.lessons.first()
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 302 and "/akun/" in response["Location"]
    draft = ModuleFactory(is_published=False)
    client.force_login(UserFactory())
    assert client.get(f"/literasi/modul/{draft.pk}/").status_code == 404


def test_video_is_recognised_by_content():
    assert sniff_video(MP4_HEAD) == ".mp4"
    assert sniff_video(WEBM_HEAD) == ".webm"
    assert sniff_video(b"<html>not a video</html>") is None
    checked = check_video(SimpleUploadedFile("klip.mp4", MP4_HEAD, "video/mp4"))
    assert checked.name == "klip.mp4" and checked.extension == ".mp4"
    with pytest.raises(ValidationError, match="bukan video"):
        check_video(SimpleUploadedFile("palsu.mp4", b"MZ\x90\x00" * 20, "video/mp4"))


def test_video_size_limit(settings):
    settings.LITERACY_MAX_VIDEO_BYTES = 100
    with pytest.raises(ValidationError, match="terlalu besar"):
        check_video(SimpleUploadedFile("besar.mp4", MP4_HEAD + b"\x00" * 200, "video/mp4"))


def test_staff_build_a_module_in_the_workspace(client, admin, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(admin)
    response = client.post(
        "/kelola/literasi/modul/baru/",
        {"kabupaten": "61.07", "title": "Keamanan digital", "order": 1, "pass_mark": 70},
    )
    assert response.status_code == 302
    module = Module.objects.get(title="Keamanan digital")
    base = f"/kelola/literasi/modul/{module.pk}/"
    response = client.post(
        base + "materi/baru/",
        {
            "title": "Video sandi",
            "kind": "video",
            "order": 1,
            "file": SimpleUploadedFile("sandi.mp4", b"not really", "video/mp4"),
        },
    )
    assert response.status_code == 200 and "bukan video MP4" in response.content.decode()
    assert not module.lessons.exists()
    response = client.post(
        base + "materi/baru/",
        {
            "title": "Video sandi",
            "kind": "video",
            "order": 1,
            "file": SimpleUploadedFile("sandi.mp4", MP4_HEAD, "video/mp4"),
        },
    )
    assert response.status_code == 302
    lesson = module.lessons.get()
    assert lesson.file.name.endswith(".mp4") and lesson.file_name == "sandi.mp4"
    response = client.post(
        base + "materi/baru/",
        {
            "title": "Panduan",
            "kind": "pdf",
            "order": 2,
            "file": SimpleUploadedFile("panduan.pdf", b"%PDF-1.4 broken", "application/pdf"),
        },
    )
    assert response.status_code == 200 and module.lessons.count() == 1
    response = client.post(
        base + "soal/",
        {
            "text": "Sandi yang kuat?",
            "choice_1": "123456",
            "choice_2": "Frasa panjang",
            "correct": 1,
            "order": 1,
        },
    )
    assert module.questions.get().choices.get(is_correct=True).text == "Frasa panjang"
    # Another kabupaten's admin cannot touch it.
    other = UserFactory()
    MembershipFactory(user=other, role=Role.KABUPATEN_ADMIN, region=region_chain("61.04"))
    client.force_login(other)
    assert client.get(base).status_code == 404


def test_what_to_learn_next(module):
    # Served on the tenant's host as a task is (core.links): the modules it offers are
    # that tenant's and the platform's.
    token = set_task_base("http://testserver")
    try:
        learner = UserFactory()
        assert services.learn_next(learner) == (module, module.lessons.first())
        services.lesson_complete(user=learner, lesson=module.lessons.first())
        assert services.learn_next(learner) == (module, module.lessons.last())
        services.lesson_complete(user=learner, lesson=module.lessons.last())
        assert services.learn_next(learner) == (module, None)  # only the quiz is left
    finally:
        reset_task_base(token)
