"""Headless Chromium for browser tests: Debian's chromium and chromedriver.

selenium-manager is bypassed so nothing is downloaded. A missing driver fails the test
(CI installs it). Screenshots land in /tmp/jembatan-shots/ for a human to look at.

One Chromium per worker and screen (the phone, the laptop) serves every test: starting
one costs about a second of CPU and two of waiting, once per test before. Each test gets
a browser context of its own (the incognito kind, made with CDP's
``Target.createBrowserContext``) with one tab: cookies, local storage, IndexedDB, service
workers and their caches, the HTTP cache and the permissions granted live in the context
and are thrown away with it after the test, as they were with the profile folder of a
Chromium per test. The tab's own settings (the emulated network, user agent, location,
screen size) go with the tab. What chromedriver keeps for the session is put back for
each test (timeouts, the console log). A Chromium that died, or that a test left with a
page outside its context, is ended; the next test starts a new one with a new profile.

A test marked ``chromium_profile`` needs what Chromium refuses an incognito context (to
install the app): its tab is in the profile itself, and the Chromium is ended after it.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import urllib.request
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = Path("/tmp/jembatan-shots")  # noqa: S108 (screenshots for people to look at)
WIDTH, HEIGHT = 360, 740
LAPTOP = (1366, 768)
# Commands that act on a browser context rather than on the tab: sent on the browser's
# own connection for the test's context (from the tab they would reach the default one).
CONTEXT_COMMANDS = frozenset(
    {
        "Browser.grantPermissions",
        "Browser.setPermission",
        "Browser.resetPermissions",
        "Browser.setDownloadBehavior",
    }
)


@pytest.fixture(scope="session")
def _phone_chromium(tmp_path_factory) -> Iterator[Chromium]:
    chromium = Chromium(tmp_path_factory.mktemp("chromium-phone"), WIDTH, HEIGHT, phone=True)
    yield chromium
    chromium.quit()


@pytest.fixture(scope="session")
def _laptop_chromium(tmp_path_factory) -> Iterator[Chromium]:
    chromium = Chromium(tmp_path_factory.mktemp("chromium-laptop"), *LAPTOP, phone=False)
    yield chromium
    chromium.quit()


@pytest.fixture
def browser(_phone_chromium, request):
    """A 360x740 phone."""
    yield from _phone_chromium.session(own_profile=_own_profile(request))


@pytest.fixture
def laptop_browser(_laptop_chromium, request):
    """A 1366x768 laptop screen, the most common in the offices."""
    yield from _laptop_chromium.session(own_profile=_own_profile(request))


def _own_profile(request) -> bool:
    return request.node.get_closest_marker("chromium_profile") is not None


class BrowserConnection:
    """CDP on the browser's own target (chromedriver's ``execute_cdp_cmd`` reaches the tab
    only, which may not make or drop browser contexts)."""

    def __init__(self, address: str) -> None:
        import websocket

        with urllib.request.urlopen(f"http://{address}/json/version", timeout=10) as answer:
            url = json.load(answer)["webSocketDebuggerUrl"]
        # Chromium refuses DevTools connections that carry an Origin it was not told of.
        self._socket = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self._ids = itertools.count(1)

    def __call__(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params or {}}))
        while True:  # no domain is enabled on this connection: answers, and no events
            message = json.loads(self._socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def close(self) -> None:
        self._socket.close()


class Chromium:
    """One Chromium and its chromedriver session, kept between tests (see the module's
    docstring); ``session()`` is the body of a test's fixture."""

    def __init__(self, folder: Path, width: int, height: int, *, phone: bool) -> None:
        self.folder, self.width, self.height, self.phone = folder, width, height, phone
        self.driver: Any = None
        self.connection: BrowserConnection | None = None
        self.profile: Path | None = None
        self.pid = 0  # the browser process, ended by quit() if chromedriver could not
        self.home = ""
        self.started = 0  # Chromiums started so far (each with a new profile folder)

    def session(self, *, own_profile: bool = False) -> Iterator[Any]:
        """A test's tab. ``own_profile``: in the browser's own profile rather than in an
        incognito context (what Chromium refuses incognito: installing the app); the
        Chromium is ended after the test, the next test gets a new one."""
        try:
            driver = self._open_tab(own_profile=own_profile)
        except BaseException:
            self.quit()  # half a tab, or a Chromium that does not answer: a new one next
            raise
        try:
            yield driver
        finally:
            if own_profile:
                self.quit()
            else:
                self._close_context()

    def _open_tab(self, *, own_profile: bool) -> Any:
        if not self._alive():
            self.quit()
            self._start()
        assert self.connection is not None
        driver = self.driver
        target: dict[str, Any] = {"url": "about:blank"}
        if not own_profile:
            target["browserContextId"] = driver.browser_context = self.connection(
                "Target.createBrowserContext"
            )["browserContextId"]
        driver.switch_to.window(self.connection("Target.createTarget", target)["targetId"])
        driver.set_page_load_timeout(30)
        driver.set_script_timeout(30)  # chromedriver's default; a test may have changed it
        driver.implicitly_wait(0)
        driver.get_log("browser")  # what the last test's pages wrote is not this test's
        if not self.phone:
            # The window's frame takes some of --window-size: make the page itself that size.
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": self.width,
                    "height": self.height,
                    "deviceScaleFactor": 1,
                    "mobile": False,
                },
            )
        return driver

    def _close_context(self) -> None:
        driver, connection = self.driver, self.connection
        try:
            assert driver is not None and connection is not None
            context, driver.browser_context = driver.browser_context, None
            driver.switch_to.window(self.home)
            connection("Target.disposeBrowserContext", {"browserContextId": context})
            # set_network's sessions with the service workers went with them.
            driver.__dict__.pop("_worker_sessions", None)
            pages = [
                (t["targetId"], t["url"])
                for t in connection("Target.getTargets")["targetInfos"]
                if t["type"] == "page"
            ]
            if pages != [(self.home, "about:blank")]:
                raise RuntimeError(f"a page outside the test's context: {pages}")
        except Exception:
            # Whatever is left in this Chromium is not known to be clean: the next test
            # gets a new one, with a new profile.
            self.quit()

    def _alive(self) -> bool:
        if self.driver is None or self.connection is None:
            return False
        try:
            self.connection("Browser.getVersion")
            return self.driver.current_window_handle == self.home
        except Exception:
            return False

    def _start(self) -> None:
        self.started += 1
        self.profile = self.folder / f"profile-{self.started}"
        self.driver = _start_chromium(
            self.folder, self.profile, self.width, self.height, phone=self.phone
        )
        self.home = self.driver.current_window_handle
        self.driver.get("about:blank")  # the home tab stays blank: no test uses it
        address = self.driver.capabilities["goog:chromeOptions"]["debuggerAddress"]
        self.connection = BrowserConnection(address)
        self.driver.browser_connection = self.connection
        self.pid = next(
            p["id"]
            for p in self.connection("SystemInfo.getProcessInfo")["processInfo"]
            if p["type"] == "browser"
        )

    def quit(self) -> None:
        if self.connection is not None:
            with suppress(Exception):  # the browser is going anyway
                self.connection.close()
            self.connection = None
        if self.driver is not None:
            with suppress(Exception):  # a dead chromedriver: quit() still ends its process
                self.driver.quit()
            self.driver = None
        if self.pid:
            _end_orphan(self.pid)
            self.pid = 0
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None


def _end_orphan(pid: int) -> None:
    """End the browser process if chromedriver died before ending it (a pid that is no
    longer Chromium's is left alone)."""
    with suppress(OSError):
        if "chromium" in os.readlink(f"/proc/{pid}/exe"):
            os.kill(pid, signal.SIGKILL)
            with suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _driver_class() -> type:
    from selenium import webdriver

    class Chrome(webdriver.Chrome):
        """chromedriver's Chrome; the commands of CONTEXT_COMMANDS reach the test's context."""

        browser_context: str | None = None
        browser_connection: BrowserConnection | None = None

        def execute_cdp_cmd(self, cmd: str, cmd_args: dict) -> dict:
            if (
                cmd in CONTEXT_COMMANDS
                and self.browser_context
                and self.browser_connection is not None
                and "browserContextId" not in cmd_args
            ):
                return self.browser_connection(
                    cmd, {**cmd_args, "browserContextId": self.browser_context}
                )
            return super().execute_cdp_cmd(cmd, cmd_args)

    return Chrome


def _start_chromium(folder: Path, profile: Path, width: int, height: int, *, phone: bool) -> Any:
    if not os.path.exists(CHROMEDRIVER):
        pytest.fail(
            f"{CHROMEDRIVER} not found: install Debian's chromium-driver "
            "(apt-get install chromium chromium-driver) to run the browser tests."
        )
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium.")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

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
        f"--user-data-dir={profile}",
        "--lang=id",
    ]:
        options.add_argument(argument)
    if phone:
        # Headless Chromium will not make a window narrower than 500 px; emulate the
        # phone's viewport instead (this also honours <meta name="viewport">, as a phone
        # does). chromedriver applies it to every tab, those of new contexts too.
        options.add_experimental_option(
            "mobileEmulation",
            {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}},
        )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=str(folder / "chromedriver.log"))
    return _driver_class()(service=service, options=options)


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


def sign_in_by_cookie(driver, base_url: str, user) -> None:
    """Signed in as ``user`` with the session cookie of a Django test client, for a test
    whose point is a page behind the sign-in, not the sign-in (``sign_in`` goes through
    the form: a page, a POST and the password's hash, over a second a test)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    # Set through DevTools, for the server's address: no page is opened for it (a page of
    # another kind, robots.txt, would also ask for a favicon the console reports missing).
    driver.execute_cdp_cmd(
        "Network.setCookie",
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": base_url + "/",
            "path": "/",
            "httpOnly": True,
        },
    )


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
