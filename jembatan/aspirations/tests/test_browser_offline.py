"""Written without signal, sent once the phone is online again, exactly once."""

import pytest

from jembatan.aspirations.models import Aspiration, Category
from jembatan.testing.browser import assert_fits_phone_width, set_network
from jembatan.testing.factories import region_chain

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_offline_aspiration_waits_in_the_outbox_then_is_sent_once(
    browser, live_server, settings, shots
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04.1010", "Sebalo")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan")

    browser.get(f"{live_server.url}/aspirasi/kirim/")
    # The service worker takes the page under its wing and keeps a copy of the form.
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return !!navigator.serviceWorker.controller")
    )
    assert_fits_phone_width(browser)
    set_network(browser, online=False)
    browser.refresh()  # no signal: the form still opens, from the phone's copy
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    assert browser.find_elements(By.CSS_SELECTOR, "textarea[name=description]")
    WebDriverWait(browser, 5).until(
        lambda d: d.execute_script("return document.querySelector('[name=client_id]').value")
    )
    Select(browser.find_element(By.NAME, "category")).select_by_value(str(category.pk))
    browser.find_element(By.NAME, "region").send_keys("61.07.04.1010")
    browser.find_element(By.CSS_SELECTOR, "textarea[name=description]").send_keys(
        "Jembatan kayu di RT 02 lapuk"
    )
    browser.find_element(By.NAME, "reporter_phone").send_keys("0812 3456 7890")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    status = browser.find_element(By.ID, "outbox-status")
    WebDriverWait(browser, 10).until(lambda d: status.is_displayed())
    assert "disimpan di ponsel ini" in status.text
    browser.save_screenshot(str(shots / "aspiration-offline.png"))
    assert not Aspiration.objects.exists()

    set_network(browser, online=True)  # the page hears "online" and empties its outbox
    WebDriverWait(browser, 15).until(lambda d: Aspiration.objects.exists())
    WebDriverWait(browser, 10).until(lambda d: "sudah terkirim" in status.text)
    case = Aspiration.objects.get()
    assert case.description == "Jembatan kayu di RT 02 lapuk"
    assert case.client_id and case.client_id.startswith("web:")

    browser.refresh()  # the outbox is empty now: nothing is sent again
    WebDriverWait(browser, 5).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    browser.execute_script("window.dispatchEvent(new Event('online'))")
    import time

    time.sleep(1)
    assert Aspiration.objects.count() == 1
