"""On a phone, a case whose category has no office cannot be referred by a single tap."""

import pytest

from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.models import Category, Status
from jembatan.testing.browser import (
    assert_fits_phone_width,
    page_token,
    sign_in,
    wait_for_new_page,
)
from jembatan.testing.factories import MembershipFactory, OfficeFactory, UserFactory, region_chain

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_refer_needs_an_office_chosen_and_closing_is_apart(browser, live_server, settings, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    settings.HUB_REGION_CODE = "61.07"
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    desa = region_chain("61.07.04.2001", "Sungai Jaga A")
    OfficeFactory(kabupaten=kabupaten, name="Dinas Kesehatan")
    pupr = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    other = Category.objects.create(kabupaten=kabupaten, name="Lainnya")
    staff = UserFactory(email="diskominfo@example.test")
    MembershipFactory(user=staff, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    case, _ = services.aspiration_submit(
        data={
            "region": desa,
            "category": other,
            "description": "Lampu jalan di simpang tiga mati.",
            "visibility": "anonim",
            "reporter_phone": "081234567890",
        }
    )
    services.aspiration_transition(actor=staff, case=case, action="verify")

    sign_in(browser, live_server.url, staff.email, "rahasia-yang-panjang")
    browser.get(f"{live_server.url}/kelola/aspirasi/{case.code}/")
    assert_fits_phone_width(browser)
    select = Select(browser.find_element(By.CSS_SELECTOR, "select[name=office]"))
    assert select.first_selected_option.get_attribute("value") == ""
    dispose = browser.find_element(By.CSS_SELECTOR, "form:has(select[name=office]) button")
    dispose.click()  # the browser refuses: an office must be chosen
    assert browser.execute_script(
        "return !document.querySelector('select[name=office]').checkValidity()"
    )
    case.refresh_from_db()
    assert case.status == Status.VERIFIED and case.office_id is None
    close = browser.find_element(By.ID, "close-title")
    assert close.location["y"] > dispose.location["y"]  # its own section, further down
    browser.save_screenshot(str(shots / "aspiration-staff-desk.png"))

    select.select_by_value(str(pupr.pk))
    old = page_token(browser)
    dispose.click()
    wait_for_new_page(browser, old)
    case.refresh_from_db()
    assert case.status == Status.DISPOSED and case.office_id == pupr.pk
