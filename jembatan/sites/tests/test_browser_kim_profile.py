"""On a 360 px phone the KIM profile with a filled SK and term fits the screen."""

import datetime

import pytest

from jembatan.communities.models import DecreeSigner
from jembatan.testing.browser import assert_fits_phone_width

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_profile_with_a_long_sk_fits_a_phone(browser, live_server, two_tenants, shots):
    from selenium.webdriver.common.by import By

    kim = two_tenants.a.kim
    kim.region.name = "Kelurahan Sebalo Kecamatan Bengkayang Kota"
    kim.region.save()
    kim.sk_number = "188.45/123/DKI/BKY/KEP/2026-PENGUKUHAN-KIM-SEBALO"
    kim.sk_date = datetime.date(2026, 1, 15)
    kim.sk_signer = DecreeSigner.BUPATI
    kim.term_start = datetime.date(2026, 1, 15)
    kim.term_end = datetime.date(2029, 1, 14)
    kim.address = "Jalan Raya Bengkayang-Sanggau Ledo Kilometer 12, RT 003/RW 001"
    kim.save()

    browser.get(f"{live_server.url}/kim/{kim.slug}/profil/")
    facts = browser.find_element(By.CSS_SELECTOR, "dl.facts")
    assert "188.45/123/DKI" in facts.text and "Masa bakti pengurus" in facts.text
    browser.save_screenshot(str(shots / "kim-profile-sk.png"))
    assert_fits_phone_width(browser)
