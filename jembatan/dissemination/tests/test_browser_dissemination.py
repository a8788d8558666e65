"""Diskominfo publishes, a KIM re-publishes with a local note, a reader's visit is counted."""

import pytest
from django.urls import reverse

from jembatan.accounts.models import Role
from jembatan.dissemination.models import Delivery, InfoItem
from jembatan.testing.browser import (
    assert_fits_phone_width,
    page_token,
    severe_console_entries,
    sign_in_by_cookie,
    wait_for_new_page,
)
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

PHONE = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def _submit(browser, selector: str) -> None:
    from selenium.webdriver.common.by import By

    old = page_token(browser)
    browser.find_element(By.CSS_SELECTOR, selector).click()
    wait_for_new_page(browser, old)


def test_publish_republish_and_count_a_reader(browser, live_server, two_tenants, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    a = two_tenants.a
    staff = UserFactory(email="diskominfo@example.test", full_name="Agustina Rosa")
    MembershipFactory(user=staff, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))

    sign_in_by_cookie(browser, live_server.url, staff)
    browser.get(f"{live_server.url}/kelola/informasi/baru/")
    assert_fits_phone_width(browser)
    browser.find_element(By.NAME, "title").send_keys("Imunisasi balita Desember")
    browser.find_element(By.NAME, "summary").send_keys("Imunisasi dasar di setiap posyandu.")
    browser.find_element(By.CSS_SELECTOR, ".editor-area").send_keys("Bawa buku KIA.")
    _submit(browser, "main form.wide-form button[type=submit]")
    item = InfoItem.objects.get()
    assert item.status == InfoItem.Status.DRAFT and "Bawa buku KIA." in item.body
    _submit(browser, f"form[action$='/informasi/{item.pk}/terbitkan/'] button")
    WebDriverWait(browser, 10).until(
        lambda d: Delivery.objects.filter(item=item, kim=a.kim).exists()
    )
    assert "1" in browser.find_element(By.CSS_SELECTOR, ".stats li strong").text

    browser.delete_all_cookies()
    sign_in_by_cookie(browser, live_server.url, a.owner)
    browser.get(f"{live_server.url}/kelola/kim/{a.kim.slug}/informasi/")
    assert "Imunisasi balita Desember" in browser.page_source
    _submit(browser, f"a[href$='/informasi/{item.pk}/']")
    assert Delivery.objects.get(item=item, kim=a.kim).read_at is not None
    browser.find_element(By.NAME, "note").send_keys("Posyandu Melati, Sabtu pukul 08.00.")
    _submit(browser, "form[action$='/terbitkan-ulang/'] button")
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "inbox-item.png"))
    delivery = Delivery.objects.select_related("post").get(item=item, kim=a.kim)
    assert delivery.post is not None and delivery.post.status == "published"

    browser.delete_all_cookies()
    # Headless Chromium says so in its User-Agent: counted as a robot, not a reader.
    browser.get(live_server.url + delivery.post.get_absolute_url())
    browser.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": PHONE})
    browser.get(live_server.url + delivery.post.get_absolute_url())
    body = browser.find_element(By.CSS_SELECTOR, ".post-body").text
    assert "Posyandu Melati, Sabtu pukul 08.00." in body and "Bawa buku KIA." in body
    source = browser.find_element(By.CSS_SELECTOR, ".source a")
    assert source.get_attribute("href").endswith(item.get_absolute_url())
    # The page's beacon reaches the server and the (in-process) task counts one view.
    WebDriverWait(browser, 10).until(lambda d: Delivery.objects.get(pk=delivery.pk).view_count == 1)
    browser.refresh()  # the same reader again within the window: not a new view
    beacon = reverse("dissemination:beacon")
    answered = (  # the server has answered this page's beacon (and counted, or not)
        "return performance.getEntriesByType('resource')"
        ".some(e => new URL(e.name).pathname === arguments[0] && e.responseEnd > 0)"
    )
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(answered, beacon))
    assert Delivery.objects.get(pk=delivery.pk).view_count == 1
    assert severe_console_entries(browser) == []
    browser.save_screenshot(str(shots / "republished-post.png"))
