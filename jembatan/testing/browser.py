"""Headless Chromium for browser tests: Debian's chromium and chromedriver.

selenium-manager is bypassed so nothing is downloaded. A missing driver fails the test
(CI installs it). Screenshots land in /tmp/jembatan-shots/ for a human to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = Path("/tmp/jembatan-shots")  # noqa: S108 (screenshots for people to look at)
WIDTH, HEIGHT = 360, 740


DESKTOP_WIDTH, DESKTOP_HEIGHT = 1366, 768


def _chromium(tmp_path, *, phone: bool):
    if not os.path.exists(CHROMEDRIVER):
        pytest.fail(
            f"{CHROMEDRIVER} not found: install Debian's chromium-driver "
            "(apt-get install chromium chromium-driver) to run the browser tests."
        )
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium.")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    width, height = (WIDTH, HEIGHT) if phone else (DESKTOP_WIDTH, DESKTOP_HEIGHT)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={width},{height}",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--lang=id",
    ]:
        options.add_argument(argument)
    if phone:
        # Headless Chromium will not make a window narrower than 500 px; emulate the
        # phone's viewport instead (this also honours <meta name="viewport">, as a phone does).
        options.add_experimental_option(
            "mobileEmulation",
            {"deviceMetrics": {"width": WIDTH, "height": HEIGHT, "pixelRatio": 2}},
        )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(0)
    if not phone:  # the window's outer size includes no browser chrome when headless,
        # but make sure the page itself gets the laptop's 1366 x 768
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
    return driver


@pytest.fixture
def browser(tmp_path):
    """A 360 x 740 phone."""
    driver = _chromium(tmp_path, phone=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def desktop_browser(tmp_path):
    """A 1366 x 768 laptop screen, the common one in a kabupaten office."""
    driver = _chromium(tmp_path, phone=False)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def severe_console_entries(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def assert_fits_phone_width(driver) -> None:
    inner_width = driver.execute_script("return window.innerWidth")
    assert inner_width == WIDTH, f"viewport is {inner_width}px wide, expected a {WIDTH}px phone"
    scroll_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH, f"page is {scroll_width}px wide: horizontal scroll at {WIDTH}px"
    too_wide = driver.execute_script(
        """
        const limit = document.documentElement.clientWidth;
        return [...document.querySelectorAll('body *')]
          .filter(el => el.getBoundingClientRect().right > limit + 1
                        && !el.closest('.table-wrap'))
          .map(el => el.tagName + (el.className ? '.' + el.className : ''))
          .slice(0, 5);
        """
    )
    assert too_wide == [], f"elements stick out to the right: {too_wide}"


def sign_in(driver, base_url: str, login: str, password: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base_url}/akun/masuk/")
    WebDriverWait(driver, 10).until(ec.visibility_of_element_located((By.NAME, "username")))
    driver.find_element(By.NAME, "username").send_keys(login)
    driver.find_element(By.NAME, "password").send_keys(password)
    old_page = page_token(driver)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for_new_page(driver, old_page)


def page_token(driver) -> str:
    """Mark the current document; pass the mark to wait_for_new_page after a navigating click.

    Chromedriver's staleness check is unreliable here (it may answer "Node with given id
    does not belong to the document" instead of reporting the element stale), so the test
    asks the page itself: a new document has a fresh window without the mark.
    """
    import secrets

    token = secrets.token_hex(8)
    driver.execute_script("window.__jembatanPage = arguments[0];", token)
    return token


def wait_for_new_page(driver, token: str) -> None:
    """After a click that navigates: a new document, completely loaded."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def loaded(d) -> bool:
        try:
            return bool(
                d.execute_script(
                    "return window.__jembatanPage !== arguments[0]"
                    " && document.readyState === 'complete';",
                    token,
                )
            )
        except WebDriverException:  # the old document went away mid-call
            return False

    WebDriverWait(driver, 10).until(loaded)


def set_network(browser, *, online: bool) -> None:
    """No signal for the page and for its service worker.

    Chromedriver's CDP commands reach the page only; the service worker is its own target
    and fetches past the page's emulated network unless told too. One session per worker,
    kept on the driver: conditions set in a session are lifted in that session only.
    """
    import itertools
    import json

    conditions = {
        "offline": not online,
        "latency": 0,
        "downloadThroughput": -1,
        "uploadThroughput": -1,
    }
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", conditions)
    targets = browser.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]
    workers = [t["targetId"] for t in targets if t["type"] == "service_worker"]
    assert workers, targets
    sessions = browser.__dict__.setdefault("_worker_sessions", {})
    ids = browser.__dict__.setdefault("_worker_message_ids", itertools.count(1))
    for worker in workers:
        if worker not in sessions:
            sessions[worker] = browser.execute_cdp_cmd(
                "Target.attachToTarget", {"targetId": worker, "flatten": False}
            )["sessionId"]
        for method, params in [
            ("Network.enable", {}),
            ("Network.emulateNetworkConditions", conditions),
        ]:
            message = json.dumps({"id": next(ids), "method": method, "params": params})
            browser.execute_cdp_cmd(
                "Target.sendMessageToTarget", {"sessionId": sessions[worker], "message": message}
            )
