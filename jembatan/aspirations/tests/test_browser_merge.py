"""Merging a duplicate in a real browser: the likely duplicate shows on the case page,
which fits a 360 px phone, and the merge is one click at 1366x768."""

import pytest

from jembatan.accounts.models import Role
from jembatan.aspirations import services
from jembatan.aspirations.models import Aspiration, Category, Status
from jembatan.testing.browser import (
    assert_fits_phone_width,
    page_token,
    sign_in_by_cookie,
    wait_for_new_page,
)
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_staff_merge_a_duplicate_at_1366_by_768(browser, live_server, settings, shots):
    from selenium.webdriver.common.by import By

    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    desa = region_chain("61.07.04.2001", "Sungai Jaga A")
    roads = Category.objects.create(kabupaten=kabupaten, name="Jalan")
    staff = UserFactory(email="diskominfo@example.test")
    MembershipFactory(user=staff, role=Role.KABUPATEN_ADMIN, region=kabupaten)

    def case(text):
        made, _ = services.aspiration_submit(
            data={
                "region": desa,
                "category": roads,
                "description": text,
                "visibility": "anonim",
                "reporter_phone": "081234567890",
            }
        )
        return made

    original = case("Lampu jalan di simpang tiga Sungai Jaga mati sejak seminggu.")
    duplicate = case("Lampu jalan simpang tiga Sungai Jaga mati, mohon segera diganti.")

    sign_in_by_cookie(browser, live_server.url, staff)
    browser.get(f"{live_server.url}/kelola/aspirasi/{duplicate.code}/")
    section = browser.find_element(By.ID, "duplikat")
    assert original.display_code in section.text
    assert_fits_phone_width(browser)

    # The desk's screen: 1366x768 (chromedriver puts the phone back at each navigation,
    # so the page is laid out again at this size without reloading it).
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False},
    )
    assert browser.execute_script("return window.innerWidth") == 1366
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1366
    button = browser.find_element(
        By.XPATH, f"//button[normalize-space()='Gabungkan kasus ini ke {original.display_code}']"
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    browser.save_screenshot(str(shots / "aspiration-merge-1366.png"))
    old = page_token(browser)
    button.click()
    wait_for_new_page(browser, old)
    assert "pelapornya sudah diberi tahu" in browser.page_source
    duplicate = Aspiration.objects.get(pk=duplicate.pk)
    assert duplicate.status == Status.CLOSED and duplicate.merged_into_id == original.pk

    browser.get(f"{live_server.url}/aspirasi/{duplicate.code}/")
    link = browser.find_element(By.CSS_SELECTOR, "#digabung a")
    assert link.get_attribute("href").endswith(f"/aspirasi/{original.code}/")
    assert f"Digabung dengan {original.display_code}" in browser.page_source
