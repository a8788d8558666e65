"""A citizen without an account on a phone: reads a poll, verifies an e-mail address with
the code that arrives by mail, and votes once."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from jembatan.dialogue.models import Response
from jembatan.testing.browser import assert_fits_phone_width, page_token, wait_for_new_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_poll_vote_by_email_code(browser, live_server, world, shots, settings):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    settings.SMS_GATEWAY_URL = ""  # e-mail is the channel that works here
    browser.get(live_server.url + world.poll.get_absolute_url())
    assert "Prioritas utama" in browser.page_source  # the questions, before verifying
    old = page_token(browser)
    browser.find_element(By.PARTIAL_LINK_TEXT, "Verifikasi").click()
    wait_for_new_page(browser, old)
    assert "field-error" not in browser.page_source
    browser.find_element(By.NAME, "name").send_keys("Siti Warga")
    browser.find_element(By.NAME, "contact").send_keys("siti.warga@example.test")
    mail.outbox.clear()
    old = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for_new_page(browser, old)
    assert "ke email Anda" in browser.page_source
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    browser.find_element(By.NAME, "code").send_keys(code)
    old = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for_new_page(browser, old)
    assert "Siti Warga" in browser.page_source  # back on the poll, taking part by name

    browser.find_element(By.CSS_SELECTOR, "input[type=radio][value]").click()
    for scale in browser.find_elements(By.CSS_SELECTOR, "select"):
        Select(scale).select_by_index(len(Select(scale).options) - 1)
    region = browser.find_elements(By.NAME, "region")
    if region:
        region[0].send_keys("Sebalo")
    for box in browser.find_elements(By.CSS_SELECTOR, "fieldset input[type=radio]"):
        if not box.is_selected() and box.get_attribute("name") not in {
            b.get_attribute("name")
            for b in browser.find_elements(By.CSS_SELECTOR, "input[type=radio]:checked")
        }:
            box.click()
    old = page_token(browser)
    # The answer form, not the "Bukan Anda?" button above it.
    browser.find_element(By.CSS_SELECTOR, "form.narrow button[type=submit]").click()
    wait_for_new_page(browser, old)
    browser.save_screenshot(str(shots / "poll-voted-by-email.png"))
    errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".field-error, .form-errors")]
    assert "jawaban Anda tercatat" in browser.page_source, errors
    assert Response.objects.filter(poll=world.poll).count() == 1
    assert_fits_phone_width(browser)
