"""On a phone: the citizen sends an aspiration with a photo, is given the private link,
and sees their case with the photo; the same address without the key shows no
reporter actions."""

import pytest
from PIL import Image

from jembatan.aspirations.models import Aspiration, Category
from jembatan.testing.browser import assert_fits_phone_width
from jembatan.testing.factories import region_chain

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_citizen_gets_a_private_link_and_sees_their_photo(
    browser, live_server, settings, shots, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = "jembatan.aspirations.tests.urls_media"
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04.1010", "Sebalo")
    category = Category.objects.create(kabupaten=kabupaten, name="Jalan")
    photo = tmp_path / "jalan.jpg"
    Image.new("RGB", (640, 480), (120, 90, 40)).save(photo, "JPEG")

    browser.get(f"{live_server.url}/aspirasi/kirim/")
    Select(browser.find_element(By.NAME, "category")).select_by_value(str(category.pk))
    browser.find_element(By.NAME, "region").send_keys("61.07.04.1010")
    browser.find_element(By.CSS_SELECTOR, "textarea[name=description]").send_keys(
        "Jalan di depan SD berlubang besar"
    )
    browser.find_element(By.NAME, "reporter_phone").send_keys("0812 3456 7890")
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(photo))
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()

    # The success page: the code and the private link, on a phone's width.
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.ID, "private-link"))
    case = Aspiration.objects.get()
    link = browser.find_element(By.ID, "private-link").text
    assert f"/aspirasi/{case.code}/?k=" in link
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "aspiration-private-link.png"))

    # The case page, as the reporter: the photo as a thumbnail, the reporter's forms,
    # and how updates reach a citizen who gave only a phone number.
    browser.get(link)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".thumbs img"))
    thumb = browser.find_element(By.CSS_SELECTOR, ".thumbs img")
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return arguments[0].naturalWidth", thumb) > 0
    )
    assert thumb.size["width"] < 200  # a thumbnail, not the full photo
    assert "?k=" not in browser.current_url  # the key left the address bar
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Kami tidak mengirim SMS" in page
    assert browser.find_elements(By.NAME, "body")  # the follow-up form
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "aspiration-reporter-view.png"))

    # The same address in a browser without the key: no photo, no reporter actions.
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/aspirasi/{case.code}/")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.NAME, "k"))
    assert not browser.find_elements(By.CSS_SELECTOR, ".thumbs img")
    assert not browser.find_elements(By.CSS_SELECTOR, "textarea[name=body]")
    assert not browser.find_elements(By.CSS_SELECTOR, f"a[href$='/{case.code}/data-saya/']")
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "aspiration-public-view.png"))
