"""A KIM member on a phone: registers for a training, is checked in, and gets a certificate
whose PDF (read back with pdftotext) names them, the issuer, the date and the place."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import urllib.request

import pytest
from django.utils import timezone

from jembatan.literacy import services
from jembatan.literacy.models import Certificate, Registration, Training
from jembatan.testing.browser import (
    assert_fits_phone_width,
    page_token,
    sign_in_by_cookie,
    wait_for_new_page,
)
from jembatan.testing.factories import TrainingFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_registration_to_certificate_on_a_phone(
    browser, live_server, two_tenants, admin, shots, tmp_path
):
    from selenium.webdriver.common.by import By

    organiser = admin
    member = two_tenants.a.member
    member.full_name = "Bong Siu Lan 黄秀兰"
    member.save(update_fields=["full_name"])
    training = TrainingFactory(
        organiser=organiser, title="Menulis berita desa", place="Aula Kecamatan Sebalo"
    )

    sign_in_by_cookie(browser, live_server.url, member)
    browser.get(f"{live_server.url}/literasi/pelatihan/{training.pk}/")
    assert "Tambahkan ke kalender" in browser.page_source
    old = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "form[action$='/daftar/'] button[type=submit]").click()
    wait_for_new_page(browser, old)
    registration = Registration.objects.get(training=training, user=member)
    assert registration.display_code in browser.page_source  # "Pelatihan saya" shows the code
    assert_fits_phone_width(browser)

    # The day comes: the organiser checks the member in with the code on their screen.
    start = timezone.now() - datetime.timedelta(minutes=5)
    Training.objects.filter(pk=training.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    training.refresh_from_db()
    services.registration_check_in(
        actor=organiser, training=training, code=registration.display_code
    )
    cert = Certificate.objects.get(user=member, training=training)

    browser.get(f"{live_server.url}/kelola/literasi/saya/")
    assert "Sertifikat saya" in browser.page_source and "Unduh PDF" in browser.page_source
    browser.save_screenshot(str(shots / "literacy-mine-certificate.png"))
    link = browser.find_element(By.CSS_SELECTOR, f"a[href$='/sertifikat/{cert.code}/pdf/']")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    request = urllib.request.Request(  # noqa: S310 (the live server)
        link.get_attribute("href"), headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (live server)
        assert response.headers["Content-Type"] == "application/pdf"
        (tmp_path / "sertifikat.pdf").write_bytes(response.read())
    executable = shutil.which("pdftotext")
    assert executable, "pdftotext is installed by make test's set-up (Debian poppler-utils)"
    text = " ".join(
        subprocess.run(
            [executable, str(tmp_path / "sertifikat.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    )
    assert "Bong Siu Lan 黄秀兰" in text and "Menulis berita desa" in text
    assert "Dinas Komunikasi dan Informatika" in text and "Aula Kecamatan Sebalo" in text
