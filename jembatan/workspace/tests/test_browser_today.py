"""In Chromium on a 360 px phone: Diskominfo's today page, a KIM question answered in
place, and the nudge from the low-reach list; axe-core finds nothing serious."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from selenium.webdriver.common.by import By

from jembatan.core.tests.test_html_validity import axe_violations
from jembatan.dissemination import services
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.dissemination.models import Delivery, Feedback, InfoItem
from jembatan.testing.browser import assert_fits_phone_width, page_token, wait_for_new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(browser, live_server, user, path: str) -> None:
    client = Client()
    client.force_login(user)
    browser.get(live_server.url + "/robots.txt")
    browser.delete_all_cookies()
    browser.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "path": "/",
        }
    )
    browser.get(live_server.url + path)


def _click(browser, element) -> None:
    token = page_token(browser)
    element.click()
    wait_for_new_page(browser, token)


def _check_page(browser) -> None:
    assert axe_violations(browser) == []
    assert_fits_phone_width(browser)


def test_diskominfo_answers_a_question_and_nudges_from_the_today_page(
    browser, live_server, staff, shots
):
    admin = staff.admin
    draft = services.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={"title": "Posyandu balita", "summary": "Timbang balita", "body": "<p>Isi</p>"},
    )
    item = services.item_publish(actor=admin, item=draft)
    services.item_fan_out(item.pk)
    InfoItem.objects.filter(pk=item.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=4)
    )
    delivery = Delivery.objects.select_related("kim", "item").get(item=item)
    services.feedback_send(
        actor=staff.tenants.a.member, delivery=delivery, body="Apakah lansia juga boleh datang?"
    )

    _open(browser, live_server, admin, "/kelola/")
    today = browser.find_element(By.CSS_SELECTOR, "[data-entry='dissemination.questions']")
    assert "1" in today.find_element(By.CSS_SELECTOR, ".badge").text
    browser.save_screenshot(str(shots / "workspace-today.png"))
    _check_page(browser)

    _click(browser, today.find_element(By.TAG_NAME, "a"))
    assert "Apakah lansia juga boleh datang?" in browser.page_source
    _check_page(browser)
    browser.find_element(By.CSS_SELECTOR, "textarea[name=answer]").send_keys("Ya, lansia juga.")
    _click(browser, browser.find_element(By.CSS_SELECTOR, ".questions button[type=submit]"))
    assert "Jawaban terkirim ke KIM." in browser.page_source
    assert "Semua pertanyaan KIM sudah dijawab." in browser.page_source
    assert Feedback.objects.get().answer == "Ya, lansia juga."

    _open(browser, live_server, admin, "/kelola/")
    low = browser.find_element(By.CSS_SELECTOR, "[data-entry='dissemination.low_reach']")
    _click(browser, low.find_element(By.TAG_NAME, "a"))
    _check_page(browser)
    browser.save_screenshot(str(shots / "workspace-low-reach.png"))
    _click(browser, browser.find_element(By.CSS_SELECTOR, "td form button[type=submit]"))
    assert "sudah diingatkan" in browser.page_source
