"""The installable web app in headless Chromium: manifest and icons, the service worker,
pages read once open again without signal, and the signed-in workspace is never kept.

(The offline aspiration form has its own test: jembatan/aspirations/tests/test_browser_offline.py.)
"""

from __future__ import annotations

import pytest

from jembatan.accounts.models import Role
from jembatan.dissemination import services as dissemination
from jembatan.dissemination.access import get_publishing_areas_for_user
from jembatan.testing.browser import page_token, set_network, sign_in, wait_for_new_page
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "rahasia-yang-panjang"

# Every cache's keys, as paths with their query: {cache name: [path, ...]}.
CACHE_KEYS = """
const done = arguments[arguments.length - 1];
caches.keys().then(names => Promise.all(names.map(name => caches.open(name)
    .then(cache => cache.keys())
    .then(keys => [name, keys.map(k => new URL(k.url)).map(u => u.pathname + u.search)]))))
  .then(entries => done(Object.fromEntries(entries)), error => done({error: String(error)}));
"""


def _open(browser, url: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def _wait_for_control(browser) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 15).until(
        lambda d: d.execute_script("return !!navigator.serviceWorker.controller")
    )


def _pages_cache(browser) -> list[str]:
    from jembatan.core.views_pwa import PAGES_CACHE

    return _caches(browser).get(PAGES_CACHE, [])


def _caches(browser) -> dict:
    browser.set_script_timeout(10)
    result = browser.execute_async_script(CACHE_KEYS)
    assert "error" not in result, result
    return result


@pytest.fixture
def public_content(settings, two_tenants, django_capture_on_commit_callbacks):
    """The hub of Kabupaten Bengkayang, KIM Sebalo and one published information item."""
    admin = UserFactory(full_name="Petugas Diskominfo")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    draft = dissemination.item_create(
        actor=admin,
        area_key=get_publishing_areas_for_user(admin)[0].key,
        data={
            "title": "Jadwal posyandu balita",
            "summary": "Posyandu di setiap dusun",
            "body": "<p>Bawa buku KIA.</p>",
        },
        kims=(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        item = dissemination.item_publish(actor=admin, item=draft)
    return {"kim": two_tenants.a.kim, "item": item, "owner": two_tenants.a.owner}


@pytest.mark.chromium_profile  # Chromium never offers to install from an incognito context
def test_installable_and_visited_pages_open_without_signal(
    browser, live_server, public_content, shots, settings
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base = live_server.url
    _open(browser, base + "/")
    _wait_for_control(browser)

    # (1) The manifest as Chromium reads it, and its icons as the browser loads them.
    manifest = browser.execute_cdp_cmd("Page.getAppManifest", {})
    assert manifest["url"] == base + "/manifest.webmanifest"
    assert manifest["errors"] == [], manifest["errors"]
    import json

    data = json.loads(manifest["data"])
    assert (data["name"], data["start_url"], data["display"]) == ("Jembatan", "/", "standalone")
    browser.set_script_timeout(10)
    icons = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        Promise.all(arguments[0].map(icon => fetch(icon.src).then(r => r.blob().then(blob =>
          createImageBitmap(blob).then(img => ({src: icon.src, sizes: icon.sizes, status: r.status,
            type: r.headers.get('Content-Type'), got: img.width + 'x' + img.height}))))))
          .then(done, e => done(String(e)));
        """,
        [icon for icon in data["icons"] if icon["type"] == "image/png"],
    )
    assert isinstance(icons, list) and len(icons) == 3, icons
    for icon in icons:
        assert icon["status"] == 200 and icon["type"] == "image/png", icon
        assert icon["got"] == icon["sizes"], icon

    # (2) The service worker is registered for the whole site and active.
    state = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        navigator.serviceWorker.ready.then(r => done([r.scope, r.active && r.active.state]));
        """
    )
    assert state == [base + "/", "activated"]
    installability = browser.execute_cdp_cmd("Page.getInstallabilityErrors", {})
    assert installability["installabilityErrors"] == [], installability

    # (3) Read three pages while online, now that the service worker answers.
    kim_url = f"/kim/{public_content['kim'].slug}/"
    info_url = public_content["item"].get_absolute_url()
    titles = {}
    _open(browser, base + "/aspirasi/lacak/")  # Cache-Control: no-store, private: not kept
    for path in ["/", kim_url, info_url]:
        _open(browser, base + path)
        titles[path] = browser.find_element(By.TAG_NAME, "h1").text
    WebDriverWait(browser, 10).until(lambda d: len(_pages_cache(d)) == 3)
    assert set(_pages_cache(browser)) == {"/", kim_url, info_url}
    assert titles[info_url] == "Jadwal posyandu balita"
    shell = [keys for name, keys in _caches(browser).items() if name.startswith("jembatan-shell-")]
    assert len(shell) == 1 and {"/offline/", "/aspirasi/kirim/", "/jsi18n/"} <= set(shell[0])

    set_network(browser, online=False)
    try:
        for path in [kim_url, info_url, "/"]:
            _open(browser, base + path)
            assert browser.find_element(By.TAG_NAME, "h1").text == titles[path], path
        # The stylesheet came from the phone too.
        header = browser.find_element(By.CSS_SELECTOR, ".site-header")
        # The served tenant's palette (hijau, #1b5e20), set by a class on <body>.
        assert header.value_of_css_property("background-color") == "rgba(27, 94, 32, 1)"

        # The aspiration form opens from the app shell (offline-form.js queues what is sent).
        _open(browser, base + "/aspirasi/kirim/")
        assert browser.find_elements(By.CSS_SELECTOR, "form[data-offline-outbox] textarea")

        # A page never read: the offline page, with links to the kept ones.
        _open(browser, base + "/berita/")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Tanpa sinyal"
        WebDriverWait(browser, 5).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#saved-pages a")) == 3
        )
        links = browser.find_elements(By.CSS_SELECTOR, "#saved-pages a")
        hrefs = [link.get_attribute("href") for link in links]
        # The last read online first (reading a kept page offline does not move it).
        assert hrefs == [base + info_url, base + kim_url, base + "/"]
        assert [link.text for link in links] == [
            titles[info_url],
            "KIM Sebalo",
            "Kabupaten Bengkayang",
        ]
        assert not browser.find_element(By.ID, "saved-pages-empty").is_displayed()
        browser.save_screenshot(str(shots / "pwa-offline-page.png"))
        links[-1].click()  # and they open
        WebDriverWait(browser, 10).until(
            lambda d: d.find_element(By.TAG_NAME, "h1").text != "Tanpa sinyal"
        )
    finally:
        set_network(browser, online=True)

    # Online, but the server answers 503 (its database away): the kept copy is shown;
    # a page never read gets the server's answer.
    settings.ROOT_URLCONF = "jembatan.core.tests.urls_down"
    _open(browser, base + info_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == titles[info_url]
    _open(browser, base + "/berita/")
    assert "tidak tersedia" in browser.find_element(By.TAG_NAME, "body").text


def test_signed_in_pages_are_never_kept(browser, live_server, public_content):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base = live_server.url
    _open(browser, base + "/")
    _wait_for_control(browser)
    # The first page, loaded before the service worker took over, is kept as well.
    WebDriverWait(browser, 10).until(lambda d: "/" in _pages_cache(d))
    _open(browser, base + "/kim/")
    assert "/kim/" in _pages_cache(browser)  # anonymous public pages are kept

    sign_in(browser, base, public_content["owner"].email, PASSWORD)
    assert _pages_cache(browser) == []  # signing in empties what the phone kept
    for path in ["/kelola/", "/kelola/", "/kim/"]:
        _open(browser, base + path)
        assert browser.current_url == base + path  # rendered, not sent elsewhere
    assert "Masuk sebagai Ketua" in browser.find_element(By.TAG_NAME, "body").text
    kept = _caches(browser)
    everywhere = [key for keys in kept.values() for key in keys]
    assert not [key for key in everywhere if key.startswith(("/kelola/", "/akun/"))], kept
    # A public page read while signed in carries the reader's name: not kept either.
    assert _pages_cache(browser) == []

    # Signing out: the copy of the aspiration form kept while signed in showed the name;
    # it is dropped and fetched again for nobody in particular.
    token = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, "form.logout-form button[type=submit]").click()
    wait_for_new_page(browser, token)
    assert "Masuk sebagai" not in browser.find_element(By.TAG_NAME, "body").text
    browser.set_script_timeout(10)
    form_copy = """
        const done = arguments[arguments.length - 1];
        caches.match('/aspirasi/kirim/').then(r => r ? r.text() : '').then(done, () => done(''));
    """
    WebDriverWait(browser, 10).until(
        lambda d: "data-offline-outbox" in d.execute_async_script(form_copy)
    )
    assert "Masuk sebagai" not in browser.execute_async_script(form_copy)
