"""Files on answers (issue 23, item 4): an office attaches a PDF (the work report) to a
public answer from the case page. The file is checked as information attachments are
(dissemination.files), kept outside MEDIA_ROOT and handed out only by views that check:
staff who may see the case, and the reporter with their key. A refused file leaves
nothing behind and the answer typed is shown again."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.models import AnswerFile, CaseEvent
from jembatan.aspirations.tests.roles_world import build_place, pdf_bytes, signed_in
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db

ANSWER = "Jalan sudah ditambal pada hari Kamis; laporan pekerjaan terlampir."


@pytest.fixture
def place(two_tenants, settings, tmp_path):
    settings.PPID_PRIVATE_ROOT = tmp_path / "private"  # each test its own private files
    return build_place(two_tenants)


def _page(case) -> str:
    return f"/kelola/aspirasi/{case.code}/"


def _pdf(name="laporan pekerjaan.pdf", data=None):
    return SimpleUploadedFile(name, data or pdf_bytes(), content_type="application/pdf")


def _answer(place, case, files, **extra):
    version = services.case_version(case)
    return signed_in(place.officer).post(
        f"{_page(case)}tulis/",
        {"body": ANSWER, "public": "on", "version": version, "files": files} | extra,
    )


def _private_files() -> list[str]:
    root = settings.PPID_PRIVATE_ROOT / "aspirasi"
    return [os.path.join(d, f) for d, _s, names in os.walk(root) for f in names]


def test_an_answer_with_a_pdf_reaches_staff_and_the_reporter_only(place):
    case = place.referred()
    key = case.reporter_key
    response = _answer(place, case, [_pdf()])
    assert response.status_code == 302
    row = AnswerFile.objects.get()
    assert (row.event.kind, row.event.is_public, row.name) == (
        CaseEvent.Kind.ANSWER,
        True,
        "laporan_pekerjaan.pdf",
    )
    # Stored in the private storage, never under MEDIA_ROOT.
    assert row.file.storage.location.startswith(os.path.abspath(settings.PPID_PRIVATE_ROOT))
    assert not str(settings.PPID_PRIVATE_ROOT).startswith(str(settings.MEDIA_ROOT))
    assert len(_private_files()) == 1

    staff_url = f"{_page(case)}berkas/{row.pk}/"
    for who in (place.officer, place.admin, place.camat):
        got = signed_in(who).get(staff_url)
        assert got.status_code == 200, who
        assert b"".join(got.streaming_content).startswith(b"%PDF-")
        assert "attachment" in got["Content-Disposition"]
        assert got["Cache-Control"] == "private, no-store"
    page = signed_in(place.officer).get(_page(case)).content.decode()
    assert staff_url in page
    # The stored name (which a /media/ URL would need) appears nowhere.
    assert os.path.basename(row.file.name) not in page

    # The reporter, with the private link, downloads it from the public page.
    citizen = Client()
    citizen.get(f"/aspirasi/{case.code}/?k={key}")
    public_url = f"/aspirasi/{case.code}/berkas/{row.pk}/"
    assert public_url in citizen.get(f"/aspirasi/{case.code}/").content.decode()
    got = citizen.get(public_url)
    assert got.status_code == 200
    assert b"".join(got.streaming_content).startswith(b"%PDF-")


def test_others_get_403_or_404(place):
    case = place.referred()
    _answer(place, case, [_pdf()])
    row = AnswerFile.objects.get()
    public_url = f"/aspirasi/{case.code}/berkas/{row.pk}/"
    # Anyone with the code alone: 403, and the public page does not list the file.
    assert Client().get(public_url).status_code == 403
    assert public_url not in Client().get(f"/aspirasi/{case.code}/").content.decode()
    assert signed_in(place.other_camat).get(public_url).status_code == 403
    # Staff of another kabupaten, the camat of another kecamatan: not their case.
    other_admin = UserFactory()
    MembershipFactory(user=other_admin, role=Role.KABUPATEN_ADMIN, region=region_chain("61.04"))
    for who in (other_admin, place.other_camat):
        assert signed_in(who).get(f"{_page(case)}berkas/{row.pk}/").status_code == 404
    # Another case's file number under this case: not found either.
    other = place.referred()
    assert signed_in(place.admin).get(f"{_page(other)}berkas/{row.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("upload", "english"),
    [
        (
            lambda: SimpleUploadedFile("laporan.pdf", b"bukan pdf sama sekali", "application/pdf"),
            "claims to be a PDF, but its content is not a PDF",
        ),
        (
            lambda: SimpleUploadedFile(
                "aktif.pdf",
                pdf_bytes().replace(
                    b"/Type /Catalog",
                    b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
                ),
                "application/pdf",
            ),
            "scripts or embedded files",
        ),
    ],
)
def test_a_bad_file_is_refused_in_the_readers_language_and_nothing_is_lost(place, upload, english):
    case = place.referred()
    client = signed_in(place.officer)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"{_page(case)}tulis/",
        {
            "body": ANSWER,
            "public": "on",
            "version": services.case_version(case),
            "files": [upload()],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert english in page
    assert ANSWER in page  # the answer typed is still in the form
    assert not case.events.filter(kind=CaseEvent.Kind.ANSWER).exists()
    assert not AnswerFile.objects.exists()
    assert _private_files() == []


def test_a_photo_belongs_in_the_photo_field_and_files_only_on_public_answers(place):
    case = place.referred()
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "JPEG")
    photo = SimpleUploadedFile("jalan.jpg", buffer.getvalue(), "image/jpeg")
    response = _answer(place, case, [photo])
    assert response.status_code == 400
    assert "kolom foto" in response.content.decode()
    response = signed_in(place.officer).post(
        f"{_page(case)}tulis/", {"body": "Catatan untuk rekan.", "files": [_pdf()]}
    )
    assert response.status_code == 400
    assert "hanya dapat dilampirkan pada jawaban publik" in response.content.decode()
    assert not AnswerFile.objects.exists()
    assert not case.events.filter(kind__in=[CaseEvent.Kind.ANSWER, CaseEvent.Kind.NOTE]).exists()
    assert _private_files() == []


def test_an_answer_refused_as_stale_comes_back_ready_to_send_again(place):
    case = place.referred()
    stale = services.case_version(case)
    services.aspiration_comment(actor=place.admin, case=case, body="Dijadwalkan.", public=True)
    client = signed_in(place.officer)
    response = client.post(
        f"{_page(case)}tulis/", {"body": ANSWER, "public": "on", "version": stale}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "sudah diubah petugas lain" in page and ANSWER in page
    current = response.context["comment_form"]["version"].value()
    assert current != stale
    # Having read the colleague's answer, the officer sends it again: it goes through.
    again = client.post(
        f"{_page(case)}tulis/",
        {"body": ANSWER, "public": "on", "version": current, "files": [_pdf()]},
    )
    assert again.status_code == 302
    assert case.events.filter(kind=CaseEvent.Kind.ANSWER).count() == 2
    assert AnswerFile.objects.count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_office_answers_with_a_pdf_the_camat_nudges_the_ketua_flags(
    browser, live_server, place, tmp_path, shots
):
    """Every new form of the case page at 360 px: the officer's answer with a file, the
    camat's nudge and the ketua's flag, each fitting the phone and each taking effect."""
    from selenium.webdriver.common.by import By

    from jembatan.accounts.models import Notification
    from jembatan.aspirations.models import CaseFlag
    from jembatan.testing.browser import (
        assert_fits_phone_width,
        page_token,
        sign_in,
        wait_for_new_page,
    )

    case = place.referred()
    report = tmp_path / "laporan-pekerjaan.pdf"
    report.write_bytes(pdf_bytes())

    def open_as(user):
        browser.delete_all_cookies()
        sign_in(browser, live_server.url, user.email, "rahasia-yang-panjang")
        browser.get(f"{live_server.url}{_page(case)}")
        assert_fits_phone_width(browser)

    def send(form_selector):
        old = page_token(browser)
        browser.find_element(By.CSS_SELECTOR, f"{form_selector} button[type=submit]").click()
        wait_for_new_page(browser, old)

    open_as(place.officer)
    form = "form[action$='/tulis/']"
    browser.find_element(By.CSS_SELECTOR, f"{form} textarea").send_keys(ANSWER)
    browser.find_element(By.CSS_SELECTOR, f"{form} input[name=files]").send_keys(str(report))
    browser.find_element(By.CSS_SELECTOR, f"{form} input[name=public]").click()
    send(form)
    row = AnswerFile.objects.get()
    assert row.name == "laporan-pekerjaan.pdf" and row.event.is_public
    assert_fits_phone_width(browser)
    assert browser.find_element(By.LINK_TEXT, "laporan-pekerjaan.pdf")
    browser.save_screenshot(str(shots / "aspiration-answer-file-phone.png"))

    open_as(place.camat)
    assert not browser.find_elements(By.CSS_SELECTOR, "input[name=action]")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/dorong/'] textarea").send_keys(
        "Warga menunggu."
    )
    send("form[action$='/dorong/']")
    assert Notification.objects.filter(kind="aspiration.nudged", recipient=place.officer).exists()
    assert_fits_phone_width(browser)

    fresh = place.submit()
    case = fresh
    open_as(place.ketua)
    browser.find_element(By.CSS_SELECTOR, "input[name=tanda-reason][value=spam]").click()
    send("form[action$='/tandai/']")
    assert CaseFlag.objects.get().aspiration == fresh
    assert "Menunggu keputusan Diskominfo" in browser.page_source
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "aspiration-flag-phone.png"))
