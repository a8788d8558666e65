"""On a phone, a case whose category has no office cannot be referred by a single tap."""

import pytest

from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.models import Category, Status
from jembatan.testing.browser import (
    assert_fits_phone_width,
    page_token,
    sign_in_by_cookie,
    wait_for_new_page,
)
from jembatan.testing.factories import MembershipFactory, OfficeFactory, UserFactory, region_chain

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_refer_needs_an_office_chosen_and_closing_is_apart(browser, live_server, settings, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

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

    sign_in_by_cookie(browser, live_server.url, staff)
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


def test_an_officer_takes_and_answers_a_case_from_a_phone(browser, live_server, settings, shots):
    """The office's side on a 360 px phone: the case fits, the officer takes it and
    answers; an answer sent from the same (now older) page is refused, not doubled."""
    from selenium.webdriver.common.by import By

    from jembatan.aspirations.models import CaseEvent

    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    desa = region_chain("61.07.04.2001", "Sungai Jaga A")
    pupr = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    roads = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=pupr)
    staff = UserFactory(email="diskominfo@example.test")
    MembershipFactory(user=staff, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    officer = UserFactory(email="pupr@example.test", full_name="Budi Petugas")
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, region=kabupaten, office=pupr)
    case, _ = services.aspiration_submit(
        data={
            "region": desa,
            "category": roads,
            "description": "Jalan berlubang di depan sekolah.",
            "visibility": "anonim",
            "reporter_phone": "081234567890",
        }
    )
    services.aspiration_transition(actor=staff, case=case, action="verify")
    services.aspiration_transition(actor=staff, case=case, action="dispose", office=pupr)

    sign_in_by_cookie(browser, live_server.url, officer)
    browser.get(f"{live_server.url}/kelola/aspirasi/{case.code}/")
    assert_fits_phone_width(browser)
    old = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "form[action$='/ambil/'] button").click()
    wait_for_new_page(browser, old)
    assert "Ditangani oleh Budi Petugas" in browser.page_source
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "aspiration-office-phone.png"))
    # A colleague answers meanwhile; this page's answer then comes back refused.
    services.aspiration_comment(actor=staff, case=case, body="Dijadwalkan.", public=True)
    browser.find_element(By.CSS_SELECTOR, "form[action$='/tulis/'] textarea").send_keys(
        "Sudah ditambal hari ini."
    )
    browser.find_element(By.CSS_SELECTOR, "form[action$='/tulis/'] input[name=public]").click()
    old = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "form[action$='/tulis/'] button").click()
    wait_for_new_page(browser, old)
    assert "sudah diubah petugas lain" in browser.page_source
    answers = CaseEvent.objects.filter(aspiration=case, kind=CaseEvent.Kind.ANSWER)
    assert list(answers.values_list("body", flat=True)) == ["Dijadwalkan."]
