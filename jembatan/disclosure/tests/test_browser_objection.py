"""A requester files an objection from the private request page, in a real browser.

The page's referrer policy decides the Origin header of the POST: under ``no-referrer``
Chromium sends ``Origin: null`` and Django's CSRF check refused every objection, which only
a real browser shows (the test client sends no Origin at all).
"""

import pytest

from jembatan.disclosure import services
from jembatan.disclosure.models import Objection
from jembatan.disclosure.tests.conftest import request_data
from jembatan.testing.browser import assert_fits_phone_width, page_token, wait_for_new_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_objection_is_filed_from_the_request_page(browser, live_server, ppid, shots):
    from selenium.webdriver.common.by import By

    request = services.information_request_submit(data=request_data(ppid.desa))
    services.information_request_answer(
        actor=ppid.admin, request=request, outcome="ditolak", grounds=["h"], text="Data pribadi."
    )

    browser.get(live_server.url + request.get_absolute_url())
    assert "Ajukan keberatan" in browser.page_source
    form = browser.find_element(By.CSS_SELECTOR, "form[action*='keberatan']")
    form.find_element(By.CSS_SELECTOR, "input[name=reasons][value=a]").click()
    form.find_element(By.NAME, "text").send_keys("Bukan data pribadi, mohon ditinjau.")
    old = page_token(browser)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_new_page(browser, old)

    assert "Verifikasi CSRF gagal" not in browser.page_source
    objection = Objection.objects.get()
    assert objection.request == request and objection.reasons == ["a"]
    assert objection.number in browser.page_source
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "ppid-objection-filed.png"))
