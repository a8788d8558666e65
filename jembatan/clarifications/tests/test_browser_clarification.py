"""In Chromium on a 360 px phone: a citizen reports a rumour without an account,
Diskominfo answers it and publishes, the citizen follows the mailed link to the answer
page and finds the verdict and the share buttons; axe-core finds nothing serious."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from jembatan.clarifications.models import Clarification, RumourReport
from jembatan.core.tests.test_html_validity import axe_violations
from jembatan.dissemination.models import Delivery
from jembatan.testing.browser import assert_fits_phone_width, page_token, wait_for_new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(browser, element) -> None:
    token = page_token(browser)
    element.click()
    wait_for_new_page(browser, token)


def _check_page(browser) -> None:
    assert axe_violations(browser) == []
    assert_fits_phone_width(browser)


def _sign_in_as(browser, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    browser.delete_all_cookies()
    browser.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "path": "/",
        }
    )


def test_a_rumour_from_submission_to_a_shared_answer(browser, live_server, shots):
    from jembatan.clarifications.tests.conftest import World, make_world

    world: World = make_world()
    # The citizen, no account.
    browser.get(live_server.url + "/klarifikasi/kirim/")
    _check_page(browser)
    browser.find_element(By.NAME, "text").send_keys(
        "Pesan berantai: air PDAM Bengkayang tercemar bahan kimia, jangan diminum seminggu."
    )
    browser.find_element(By.NAME, "link").send_keys("https://pesan.example/berantai/1")
    browser.find_element(By.NAME, "contact_email").send_keys("warga@example.test")
    _click(browser, browser.find_element(By.CSS_SELECTOR, "main form.narrow button[type=submit]"))
    report = RumourReport.objects.get()
    assert report.code in browser.page_source
    assert "Terima kasih" in browser.page_source
    browser.save_screenshot(str(shots / "clarification-submitted.png"))
    _check_page(browser)

    # Diskominfo answers from the queue.
    _sign_in_as(browser, live_server, world.admin)
    browser.get(live_server.url + "/kelola/klarifikasi/")
    _click(browser, browser.find_element(By.PARTIAL_LINK_TEXT, report.code))
    assert "PDAM" in browser.page_source
    _click(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "klarifikasi baru"))
    browser.find_element(By.CSS_SELECTOR, "input[name=verdict][value=salah]").click()
    browser.find_element(By.NAME, "title").send_keys("Air PDAM Bengkayang aman diminum")
    browser.find_element(By.NAME, "explanation").send_keys(
        "Hasil uji laboratorium minggu ini memenuhi baku mutu air minum."
    )
    browser.find_element(By.NAME, "sources").send_keys(
        "Laboratorium Kesehatan Daerah — https://labkesda.example.go.id/uji"
    )
    _click(browser, browser.find_element(By.CSS_SELECTOR, "main form.narrow button[type=submit]"))
    assert "Draf klarifikasi tersimpan" in browser.page_source
    mail.outbox.clear()
    _click(browser, browser.find_element(By.XPATH, "//button[contains(., 'Terbitkan')]"))
    assert "Klarifikasi terbit" in browser.page_source
    row = Clarification.objects.get()
    assert row.is_published
    assert Delivery.objects.filter(item=row.info_item, kim=world.kim).exists()
    assert_fits_phone_width(browser)

    # The citizen follows the mailed link.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert link.endswith(row.get_absolute_url())
    browser.delete_all_cookies()
    browser.get(live_server.url + row.get_absolute_url())
    page = browser.page_source
    assert "Salah (hoaks)" in browser.find_element(By.CSS_SELECTOR, ".verdict").text
    assert 'property="og:title"' in page and "Air PDAM Bengkayang aman diminum" in page
    shares = {
        a.get_attribute("class"): a.get_attribute("href")
        for a in browser.find_elements(By.CSS_SELECTOR, ".share-links a")
    }
    assert shares["share-whatsapp"].startswith("https://wa.me/?text=")
    assert "facebook.com/sharer" in shares["share-facebook"]
    assert shares["share-telegram"].startswith("https://t.me/share/url")
    copy = browser.find_element(By.ID, "share-url")
    assert copy.get_attribute("value").endswith(row.get_absolute_url())
    browser.save_screenshot(str(shots / "clarification-answer.png"))
    _check_page(browser)
    # The tracking page says it is answered and links the answer.
    browser.get(live_server.url + f"/klarifikasi/lacak/{report.code}/")
    assert row.get_absolute_url() in browser.page_source

    # The next citizen who starts typing the same rumour is pointed to the answer.
    browser.get(live_server.url + "/klarifikasi/kirim/")
    browser.find_element(By.NAME, "text").send_keys(
        "Katanya air PDAM Bengkayang tercemar bahan kimia, benarkah?"
    )
    box = browser.find_element(By.ID, "similar-live")
    WebDriverWait(browser, 10).until(lambda d: box.is_displayed())
    assert box.find_element(By.TAG_NAME, "a").get_attribute("href").endswith(row.get_absolute_url())
    assert "Salah (hoaks)" in box.text
    browser.save_screenshot(str(shots / "clarification-similar-while-typing.png"))
    _check_page(browser)
