"""The phone journey's layout on the demo at 360x740: one-row menu, every KIM tab in
sight, thumb-sized workspace actions, and the information form's target checkboxes.
Screenshots land in /tmp/jembatan-shots/ (phone-*.png) for a person to look at."""

from __future__ import annotations

import pytest

from jembatan.core.tests.test_html_validity import Page, _open_as
from jembatan.testing.browser import assert_fits_phone_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KETUA = "ketua.sebalo@demo.jembatan.test"
STAFF = "diskominfo@demo.jembatan.test"


@pytest.fixture
def demo(demo_rows):
    """The demo's rows (core/tests/conftest.py), the same for each test."""


def _height(browser, selector: str) -> float:
    return browser.execute_script(
        "return document.querySelector(arguments[0]).getBoundingClientRect().height", selector
    )


def test_menu_is_one_row_and_opens_without_script(browser, live_server, demo, shots):
    from selenium.webdriver.common.by import By

    sessions: dict = {}
    _open_as(browser, live_server, Page("hub", "/"), sessions)
    browser.save_screenshot(str(shots / "phone-hub.png"))
    assert _height(browser, ".site-header") <= 64  # was 245 px: three rows and a search
    assert_fits_phone_width(browser)
    links = browser.find_element(By.CSS_SELECTOR, ".main-nav")
    assert not links.is_displayed()
    browser.find_element(By.CSS_SELECTOR, ".site-menu > summary").click()
    assert links.is_displayed()
    assert browser.find_element(By.ID, "site-search-q").is_displayed()

    _open_as(browser, live_server, Page("ws", "/kelola/", KETUA), sessions)
    browser.find_element(By.CSS_SELECTOR, ".site-menu > summary").click()
    sign_out = browser.find_element(By.CSS_SELECTOR, ".menu-panel .menu-logout button")
    assert sign_out.is_displayed() and sign_out.text == "Keluar"


def test_kim_tabs_all_in_sight_with_the_aspiration_form(browser, live_server, demo, shots):
    from selenium.webdriver.common.by import By

    _open_as(browser, live_server, Page("kim", "/kim/sebalo/"), {})
    browser.save_screenshot(str(shots / "phone-kim.png"))
    tabs = browser.find_elements(By.CSS_SELECTOR, ".kim-nav a")
    assert len(tabs) == 8
    for tab in tabs:
        rect = browser.execute_script("return arguments[0].getBoundingClientRect()", tab)
        assert rect["right"] <= 360 and rect["height"] >= 44, (tab.text, rect)
    assert tabs[-1].get_attribute("href").endswith("/aspirasi/kirim/")
    assert tabs[0].get_attribute("aria-current") == "page"  # "Beranda KIM", where we are
    assert [t.get_attribute("aria-current") for t in tabs[1:]] == [None] * 7
    # Susunan KIM: names and posts.
    people = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=pengurus-title]").text
    assert "Ketua" in people and "Stefanus Sinaga" in people


def test_workspace_actions_are_grouped_tap_targets(browser, live_server, demo, shots):
    from selenium.webdriver.common.by import By

    _open_as(browser, live_server, Page("kim-ws", "/kelola/kim/sebalo/", KETUA), {})
    browser.save_screenshot(str(shots / "phone-workspace.png"))
    groups = browser.find_elements(By.CSS_SELECTOR, ".action-groups section")
    assert len(groups) == 3
    actions = browser.find_elements(By.CSS_SELECTOR, ".action-grid a")
    assert len(actions) == 13
    for action in actions:
        rect = browser.execute_script("return arguments[0].getBoundingClientRect()", action)
        assert rect["height"] >= 44 and rect["width"] >= 44, (action.text, rect)
    assert_fits_phone_width(browser)


def test_information_form_shows_only_the_chosen_targets(browser, live_server, demo):
    from selenium.webdriver.common.by import By

    _open_as(browser, live_server, Page("info", "/kelola/informasi/baru/", STAFF), {})

    def shown(field: str) -> bool:
        return browser.find_element(By.ID, f"id_{field}").is_displayed()

    assert not shown("target_kecamatan") and not shown("target_kims")
    browser.find_element(By.CSS_SELECTOR, "#id_scope input[value=kecamatan]").click()
    assert shown("target_kecamatan") and not shown("target_kims")
    browser.find_element(By.CSS_SELECTOR, "#id_scope input[value=kims]").click()
    assert shown("target_kims") and not shown("target_kecamatan")
    legend = browser.find_element(By.CSS_SELECTOR, "fieldset:has(#id_target_kims) > legend")
    assert legend.text.startswith("KIM sasaran")


def test_aspiration_form_locates_with_one_button(browser, live_server, demo):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(live_server.url + "/aspirasi/kirim/")
    browser.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": live_server.url, "permissions": ["geolocation"]}
    )
    browser.execute_cdp_cmd(
        "Emulation.setGeolocationOverride",
        {"latitude": 0.8123456, "longitude": 109.4567891, "accuracy": 10},
    )
    latitude = browser.find_element(By.NAME, "latitude")
    assert not latitude.is_displayed()  # the numbers are only the fallback
    button = browser.find_element(By.CSS_SELECTOR, ".locate button")
    assert button.text == "Gunakan lokasi saya"
    browser.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    WebDriverWait(browser, 10).until(lambda d: latitude.get_attribute("value"))
    assert latitude.get_attribute("value") == "0.812346"
    assert browser.find_element(By.NAME, "longitude").get_attribute("value") == "109.456789"
    status = browser.find_element(By.CSS_SELECTOR, ".locate [role=status]").text
    assert "0.812346" in status
    browser.find_element(By.CSS_SELECTOR, ".locate summary").click()
    assert latitude.is_displayed()
