"""On a phone: the office puts a case on hold with a reason and resumes it; the citizen
reads where a case that is not this government's authority should go."""

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


def test_hold_and_resume_from_a_phone_and_the_referral_page(browser, live_server, shots):
    from selenium.webdriver.common.by import By

    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    desa = region_chain("61.07.04.2001", "Sungai Jaga A")
    pupr = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    roads = Category.objects.create(kabupaten=kabupaten, name="Jalan", office=pupr)
    staff = UserFactory(email="diskominfo@example.test")
    MembershipFactory(user=staff, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    officer = UserFactory(email="pupr@example.test", full_name="Budi Petugas")
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, region=kabupaten, office=pupr)
    data = {
        "region": desa,
        "category": roads,
        "description": "Jalan berlubang di depan SD Negeri 2.",
        "visibility": "anonim",
        "reporter_phone": "081234567890",
    }
    case, _ = services.aspiration_submit(data=data)
    services.aspiration_transition(actor=staff, case=case, action="verify")
    services.aspiration_transition(actor=staff, case=case, action="dispose", office=pupr)

    sign_in_by_cookie(browser, live_server.url, officer)
    browser.get(f"{live_server.url}/kelola/aspirasi/{case.code}/")
    assert "Respons pertama instansi paling lambat" in browser.page_source
    assert_fits_phone_width(browser)
    form = browser.find_element(By.ID, "aksi-hold")
    form.find_element(By.TAG_NAME, "textarea").send_keys("Menunggu anggaran perubahan.")
    old = page_token(browser)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_new_page(browser, old)
    case.refresh_from_db()
    assert case.status == Status.ON_HOLD
    assert browser.find_element(By.ID, "ditunda").is_displayed()
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "aspiration-on-hold.png"))
    old = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "#aksi-resume button[type=submit]").click()
    wait_for_new_page(browser, old)
    case.refresh_from_db()
    assert case.status == Status.DISPOSED

    other, _ = services.aspiration_submit(data=data)
    services.aspiration_transition(
        actor=staff, case=other, action="refer", referred_to="Balai Jalan Nasional"
    )
    browser.get(f"{live_server.url}{other.get_absolute_url()}")
    assert "Balai Jalan Nasional" in browser.find_element(By.ID, "bukan-wewenang").text
    assert_fits_phone_width(browser)
