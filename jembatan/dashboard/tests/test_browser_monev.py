"""The monev page on a 360 px phone: nothing sticks out beside its scrolling tables, axe
finds no violation, and the period picker works as a plain form."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from jembatan.core.tests.test_html_validity import axe_violations
from jembatan.dashboard.tests.test_monev import _build
from jembatan.testing.browser import assert_fits_phone_width, page_token, wait_for_new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_monev_page_on_a_phone(browser, live_server, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    world = _build()
    client = Client()
    client.force_login(world.province)
    browser.get(live_server.url + "/robots.txt")
    browser.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "path": "/",
        }
    )
    browser.get(live_server.url + "/kelola/dasbor/monev/?wilayah=61&tahun=2025&triwulan=2")
    browser.save_screenshot(str(shots / "phone-monev.png"))
    assert "Triwulan II 2025" in browser.find_element(By.TAG_NAME, "h1").text
    assert_fits_phone_width(browser)
    assert axe_violations(browser) == []
    # Another period and another region through the form itself.
    Select(browser.find_element(By.ID, "f-wilayah")).select_by_value("61.07")
    Select(browser.find_element(By.ID, "f-triwulan")).select_by_value("")
    token = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "form.inline-form button").click()
    wait_for_new_page(browser, token)  # not the old page's heading, gone stale mid-read
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert "Kabupaten Bengkayang" in heading and "Tahun 2025" in heading
    assert_fits_phone_width(browser)
