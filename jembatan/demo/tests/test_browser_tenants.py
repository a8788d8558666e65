"""The demo's two tenants in a browser, at 360x740: each host shows its own kabupaten and
KIMs and nothing of the other. Chromium resolves every *.localhost name to this machine,
as a browser does for `make run` (kukar.localhost:8000). Screenshots land in
/tmp/jembatan-shots/ (tenant-*.png) for a person to look at."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from jembatan.communities.models import Kim
from jembatan.regions.importer import region_import
from jembatan.testing.browser import assert_fits_phone_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "kukar.localhost", "bengkayang.localhost"]
    region_import(province="61")
    region_import(province="64")
    call_command("load_demo", verbosity=0)


def _hub(browser, url: str) -> tuple[str, set[str]]:
    from selenium.webdriver.common.by import By

    browser.get(url)
    assert browser.current_url == url
    title = browser.find_element(By.ID, "hub-title").text
    kims = {
        a.text
        for a in browser.find_elements(
            By.CSS_SELECTOR, "section[aria-labelledby='kims-title'] h3 a"
        )
    }
    return title, kims


def test_each_host_shows_its_own_tenant(browser, live_server, demo, shots):
    port = urlsplit(live_server.url).port
    kukar_kims = set(Kim.objects.filter(kabupaten_id="64.02").values_list("name", flat=True))
    bengkayang_kims = set(Kim.objects.filter(kabupaten_id="61.07").values_list("name", flat=True))
    assert kukar_kims == {"KIM Timbau", "KIM Bukit Raya", "KIM Jembayan"}

    title, kims = _hub(browser, f"http://kukar.localhost:{port}/")
    browser.save_screenshot(str(shots / "tenant-kukar-hub.png"))
    assert title == "Kabupaten Kutai Kartanegara"
    assert kims == kukar_kims
    assert "Erau" in browser.page_source  # its own news
    assert "Bengkayang" not in browser.page_source
    assert "Sebalo" not in browser.page_source
    assert_fits_phone_width(browser)

    for host in ("localhost", "bengkayang.localhost"):
        title, kims = _hub(browser, f"http://{host}:{port}/")
        assert title == "Kabupaten Bengkayang", host
        assert kims and kims <= bengkayang_kims, host
        assert not kims & kukar_kims, host
        assert "Kutai Kartanegara" not in browser.page_source, host
        assert "Erau" not in browser.page_source, host
    browser.save_screenshot(str(shots / "tenant-bengkayang-hub.png"))
    assert_fits_phone_width(browser)

    # A Kukar KIM's site on its tenant's host, and not on Bengkayang's.
    browser.get(f"http://kukar.localhost:{port}/kim/timbau/")
    browser.save_screenshot(str(shots / "tenant-kukar-kim.png"))
    assert "KIM Timbau" in browser.title
    browser.get(f"http://bengkayang.localhost:{port}/kim/timbau/")
    assert "KIM Timbau" not in browser.title
    assert "KIM Timbau" not in browser.page_source
