"""On a phone, without script: the reporter's data page (the copy, who processed it,
the correction form) and the privacy notice fit 360 px, and a correction goes through."""

import pytest

from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration, Category
from jembatan.testing.browser import assert_fits_phone_width, page_token, wait_for_new_page
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_data_page_and_the_privacy_notice_on_a_phone(browser, live_server, shots):
    from selenium.webdriver.common.by import By

    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan")
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    case, _ = services.aspiration_submit(
        data={
            "region": region_chain("61.07.04.1010", "Sebalo"),
            "category": category,
            "description": "Jalan berlubang di RT 03",
            "reporter_name": "Budi Santoso",
            "reporter_phone": "0812 3456 7890",
            "reporter_email": "budi.santoso.panjang.sekali@example.test",
        }
    )
    services.citizen_follow_up(case=case, body="Lubangnya makin besar setelah hujan")
    services.aspiration_transition(actor=admin, case=case, action="verify")

    browser.get(f"{live_server.url}/aspirasi/{case.code}/?k={case.reporter_key}")
    browser.get(f"{live_server.url}/aspirasi/{case.code}/data-saya/")
    record = browser.find_element(By.CSS_SELECTOR, ".processing-record").text
    assert "Aspirasi diverifikasi" in record and "Admin kabupaten (Diskominfo)" in record
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "phone-my-data.png"))

    browser.find_element(By.NAME, "reporter_phone").send_keys("0857 1111 2222")
    token = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "input[value=correct] ~ button[type=submit]").click()
    wait_for_new_page(browser, token)
    assert "Data Anda sudah diperbaiki." in browser.find_element(By.CSS_SELECTOR, "main").text
    assert Aspiration.objects.get(pk=case.pk).reporter_phone == "+6285711112222"

    browser.get(f"{live_server.url}/privasi/")
    assert "Hak Anda" in browser.find_element(By.CSS_SELECTOR, "main").text
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "phone-privacy.png"))
