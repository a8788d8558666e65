"""Headless Chromium against a live server: the hub on a 360 px phone, and signing in.

Uses Debian's chromium and chromedriver (apt: chromium chromium-driver); selenium-manager
is bypassed so nothing is downloaded. A missing driver fails the test: CI installs it.
Screenshots land in /tmp/jembatan-shots/ for a human to look at.
"""

from __future__ import annotations

import pytest

from jembatan.testing.browser import (
    assert_fits_phone_width,
    page_token,
    severe_console_entries,
    sign_in,
    wait_for_new_page,
)
from jembatan.testing.factories import KimFactory, KimMembershipFactory, UserFactory, region_chain

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "rahasia-yang-panjang"


@pytest.fixture
def hub_data(settings):
    region_chain("61", "Kalimantan Barat")
    region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04", "Sungai Raya Kepulauan")
    names = [
        ("61.07.04.2001", "Karimunting"),
        ("61.07.04.2002", "Sungai Duri"),
        ("61.07.04.2003", "Sungai Jaga A"),
    ]
    kims = []
    for code, name in names:
        kims.append(KimFactory(name=f"KIM {name}", region=region_chain(code, name)))
    region_chain("61.07.01", "Sungai Raya")
    region_chain("61.07.01.2001", "Desa dengan Nama yang Sangat Panjang Sekali di Perbatasan")
    kims.append(
        KimFactory(
            name="KIM Informasi Masyarakat Desa dengan Nama yang Sangat Panjang Sekali",
            region=region_chain("61.07.01.2001"),
        )
    )
    # Another kabupaten's KIM, which the hub must not show.
    region_chain("61.04.05.2001", "Sungai Pinyuh")
    KimFactory(name="KIM Sungai Pinyuh", region=region_chain("61.04.05.2001"))
    return kims


@pytest.fixture
def ketua(hub_data):
    user = UserFactory(email="ketua.karimunting@example.test", full_name="Siti Rahmawati")
    KimMembershipFactory(kim=hub_data[0], user=user, position="ketua")
    return user


def test_hub_on_a_phone(browser, live_server, hub_data, shots):
    from selenium.webdriver.common.by import By

    browser.get(live_server.url + "/")
    heading = browser.find_element(By.CSS_SELECTOR, "h1#hub-title")
    assert heading.is_displayed()
    assert heading.text == "Kabupaten Bengkayang"
    assert browser.title.startswith("Kabupaten Bengkayang")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "KIM Karimunting" in body
    assert "KIM Sungai Pinyuh" not in body
    # The stylesheet was served and applied (no CDN, nothing blocked by the CSP).
    stylesheet_ok = browser.execute_script(
        "return [...document.styleSheets].some(s => s.href && s.href.includes('/static/')"
        " && s.cssRules.length > 0)"
    )
    assert stylesheet_ok, "the product's stylesheet did not load"
    browser.save_screenshot(str(shots / "hub.png"))
    full = browser.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    import base64

    (shots / "hub-full.png").write_bytes(base64.b64decode(full["data"]))
    assert_fits_phone_width(browser)
    assert severe_console_entries(browser) == []


def test_directory_on_a_phone(browser, live_server, hub_data):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(live_server.url + "/kim/")
    assert_fits_phone_width(browser)
    Select(browser.find_element(By.ID, "kecamatan")).select_by_value("61.07.04")
    old = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "form.filter-form button[type=submit]").click()
    wait_for_new_page(browser, old)
    assert browser.current_url.endswith("/kim/?kecamatan=61.07.04")
    items = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.list li")]
    assert len(items) == 3
    assert all("Sungai Raya Kepulauan" in item for item in items)
    assert_fits_phone_width(browser)


def test_sign_in_with_email_lands_on_workspace(browser, live_server, ketua, shots):
    from selenium.webdriver.common.by import By

    browser.get(live_server.url + "/akun/masuk/")
    assert_fits_phone_width(browser)
    # The username field accepts email or phone; it has the focus on arrival.
    active_name = browser.execute_script("return document.activeElement.name")
    assert active_name == "username"
    sign_in(browser, live_server.url, "Ketua.Karimunting@example.test", PASSWORD)
    assert browser.current_url == live_server.url + "/kelola/"
    main = browser.find_element(By.TAG_NAME, "main")
    assert "Selamat datang, Siti Rahmawati." in main.text
    assert "KIM Karimunting" in main.text
    browser.save_screenshot(str(shots / "workspace.png"))
    assert_fits_phone_width(browser)
    assert severe_console_entries(browser) == []


def test_sign_in_with_phone(browser, live_server, ketua):
    from selenium.webdriver.common.by import By

    ketua.phone = "0812-3456-7890"
    ketua.save()
    sign_in(browser, live_server.url, "0812 3456 7890", PASSWORD)
    assert browser.current_url == live_server.url + "/kelola/"
    assert "Siti Rahmawati" in browser.find_element(By.TAG_NAME, "main").text


def test_wrong_password_shows_indonesian_error(browser, live_server, ketua, shots):
    from selenium.webdriver.common.by import By

    sign_in(browser, live_server.url, ketua.email, "bukan-kata-sandinya")
    assert browser.current_url.startswith(live_server.url + "/akun/masuk/")
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert alert.is_displayed()
    assert "Email/nomor HP atau kata sandi salah." in alert.text
    browser.save_screenshot(str(shots / "login-error.png"))
    # Not signed in: the workspace sends us back to the login page.
    browser.get(live_server.url + "/kelola/")
    assert browser.current_url.startswith(live_server.url + "/akun/masuk/")
