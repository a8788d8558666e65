"""The case page on a phone (issue 23, item 2: the main action buttons in view without
scrolling): the steps the reader may take stand as buttons above the case's text, each
leading to its form; at 360x740 they are inside the first screen."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from jembatan.aspirations.tests.roles_world import build_place
from jembatan.testing.browser import assert_fits_phone_width, sign_in_by_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def place(two_tenants):
    return build_place(two_tenants)


def test_an_officers_steps_are_in_the_first_screen_of_a_phone(browser, live_server, place, shots):
    case = place.referred()
    sign_in_by_cookie(browser, live_server.url, place.officer)
    browser.get(f"{live_server.url}/kelola/aspirasi/{case.code}/")
    assert_fits_phone_width(browser)
    bar = browser.find_element(By.CSS_SELECTOR, "nav.quick-actions")
    links = bar.find_elements(By.CSS_SELECTOR, "a.button")
    labels = [link.text for link in links]
    assert "Mulai tindak lanjut" in labels and "Tulis jawaban" in labels
    height = browser.execute_script("return window.innerHeight")
    for link in links:
        assert link.rect["y"] + link.rect["height"] <= height, (link.text, link.rect)
    browser.save_screenshot(str(shots / "case-steps-phone.png"))
    # A step's button leads to its form.
    links[labels.index("Mulai tindak lanjut")].click()
    form = browser.find_element(By.ID, "aksi-start")
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", form)
    assert 0 <= top < height
