"""The browser fixtures keep one Chromium per worker, and a test finds nothing of the
test before it: no cookie, storage, service worker, cache, permission or emulation."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jembatan.testing import httpd
from jembatan.testing.browser import HEIGHT, LAPTOP, WIDTH, set_network

pytestmark = pytest.mark.browser

PAGE = b"""<!doctype html><html lang="id"><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>Halaman</title><p>Halo</p>"""
WORKER = b"self.addEventListener('fetch', () => {});"

# Everything a page can leave behind in its origin, and in the browser for it.
LEAVE = """
const done = arguments[arguments.length - 1];
localStorage.setItem('kept', '1');
document.cookie = 'kept=1; path=/; max-age=3600';
const opened = new Promise((ok, fail) => {
  const request = indexedDB.open('kept');
  request.onsuccess = () => { request.result.close(); ok(); };
  request.onerror = fail;
});
opened
  .then(() => caches.open('kept'))
  .then(cache => cache.put('/kept', new Response('kept')))
  .then(() => navigator.serviceWorker.register('/sw.js'))
  .then(() => navigator.serviceWorker.ready)
  .then(() => done('ok'), error => done(String(error)));
"""

FIND = """
const done = arguments[arguments.length - 1];
Promise.all([
  indexedDB.databases(),
  caches.keys(),
  navigator.serviceWorker.getRegistrations(),
  navigator.permissions.query({name: 'geolocation'}),
  fetch('/cached').then(r => r.text()),
]).then(([databases, cacheNames, workers, geolocation, served]) => done({
  local: localStorage.length,
  cookie: document.cookie,
  databases: databases.map(d => d.name),
  caches: cacheNames,
  workers: workers.length,
  geolocation: geolocation.state,
  agent: navigator.userAgent,
  online: navigator.onLine,
  size: [innerWidth, innerHeight],
  served: served,
}), error => done({error: String(error)}));
"""


class _Site(BaseHTTPRequestHandler):
    served = 0  # how often /cached reached the server (the HTTP cache keeps it an hour)

    def do_GET(self) -> None:
        if self.path == "/cached":
            type(self).served += 1
            body, kind = str(type(self).served).encode(), "text/plain"
            extra = {"Cache-Control": "max-age=3600"}
        elif self.path == "/sw.js":
            body, kind, extra = WORKER, "text/javascript", {}
        else:
            body, kind, extra = PAGE, "text/html; charset=utf-8", {}
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """A page on localhost (a secure context: service workers and caches work there)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    httpd.start(server)
    yield f"http://localhost:{server.server_address[1]}"
    httpd.stop(server)


def _find(driver, site: str) -> dict:
    driver.get(site + "/")
    driver.set_script_timeout(10)
    found = driver.execute_async_script(FIND)
    assert "error" not in found, found
    return found


@pytest.mark.parametrize(
    ("chromium", "size"),
    [("_phone_chromium", [WIDTH, HEIGHT]), ("_laptop_chromium", list(LAPTOP))],
)
def test_the_next_test_has_the_same_chromium_and_nothing_of_the_last(request, chromium, size, site):
    chromium = request.getfixturevalue(chromium)
    first = chromium.session()
    driver = next(first)
    started, profile = chromium.started, chromium.profile
    clean = _find(driver, site)
    assert clean["size"] == size
    driver.set_script_timeout(10)
    assert driver.execute_async_script(LEAVE) == "ok"
    driver.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": site, "permissions": ["geolocation"]}
    )
    driver.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": "Telepon/1.0"})
    driver.execute_script("console.error('dari tes sebelumnya')")
    set_network(driver, online=False)
    left = driver.execute_async_script(FIND.replace("fetch('/cached')", "caches.match('/kept')"))
    # What the first test left, seen from its own page.
    assert left["local"] == 1 and left["cookie"] == "kept=1", left
    assert left["databases"] == ["kept"] and left["caches"] == ["kept"], left
    assert left["workers"] == 1 and left["geolocation"] == "granted", left
    assert left["agent"] == "Telepon/1.0" and left["online"] is False, left
    first.close()

    second = chromium.session()
    driver_again = next(second)
    try:
        assert driver_again is driver
        assert (chromium.started, chromium.profile) == (started, profile)  # not restarted
        assert driver_again.get_log("browser") == []
        assert driver_again.timeouts.script == 30
        found = _find(driver_again, site)
        # /cached is asked of the server again: the HTTP cache went with the context.
        assert found == {**clean, "served": str(int(clean["served"]) + 1)}, found
    finally:
        second.close()


def test_a_page_left_outside_the_context_gets_the_next_test_a_new_chromium(_phone_chromium, site):
    first = _phone_chromium.session()
    driver = next(first)
    started, profile = _phone_chromium.started, _phone_chromium.profile
    driver.switch_to.new_window("tab")  # chromedriver opens it in the profile's own context
    driver.get(site + "/")
    driver.execute_script("localStorage.setItem('kept', '1')")
    first.close()
    assert not profile.exists()

    second = _phone_chromium.session()
    try:
        driver = next(second)
        assert _phone_chromium.started == started + 1
        assert _find(driver, site)["local"] == 0
    finally:
        second.close()


def test_a_chromium_that_died_is_replaced(_phone_chromium, site):
    first = _phone_chromium.session()
    next(first)
    first.close()
    started, pid = _phone_chromium.started, _phone_chromium.pid
    assert pid > 0 and "chromium" in os.readlink(f"/proc/{pid}/exe")
    os.kill(pid, signal.SIGKILL)

    second = _phone_chromium.session()
    try:
        driver = next(second)
        assert _phone_chromium.started == started + 1
        assert _find(driver, site)["size"] == [WIDTH, HEIGHT]
    finally:
        second.close()


def test_a_test_in_the_own_profile_ends_its_chromium(_phone_chromium, site):
    session = _phone_chromium.session(own_profile=True)
    driver = next(session)
    connection = _phone_chromium.connection
    contexts = {
        t["targetId"]: t["browserContextId"]
        for t in connection("Target.getTargets")["targetInfos"]
        if t["type"] == "page"
    }
    default = connection("Target.getBrowserContexts")["defaultBrowserContextId"]
    assert contexts[driver.current_window_handle] == default
    assert _find(driver, site)["size"] == [WIDTH, HEIGHT]
    profile = _phone_chromium.profile
    session.close()
    assert _phone_chromium.driver is None and not profile.exists()
