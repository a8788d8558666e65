"""The PPID's new staff pages on a 360 px phone: Diskominfo names a body's atasan PPID,
sets the kabupaten's deadlines and writes the annual report; each page fits the screen."""

from __future__ import annotations

import pytest

from jembatan.accounts.models import Role
from jembatan.disclosure.models import AnnualReport, PpidSettings
from jembatan.testing.browser import (
    assert_fits_phone_width,
    page_token,
    sign_in_by_cookie,
    wait_for_new_page,
)
from jembatan.testing.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def _submit(browser, form) -> None:
    from selenium.webdriver.common.by import By

    old = page_token(browser)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_new_page(browser, old)


def test_atasan_settings_and_report_on_a_phone(browser, live_server, ppid, shots):
    from selenium.webdriver.common.by import By

    sekda = UserFactory(full_name="Drs. Sekda Bengkayang")
    MembershipFactory(
        user=sekda, role=Role.OPD_OFFICER, region=ppid.kabupaten.kabupaten, office=ppid.office
    )
    sign_in_by_cookie(browser, live_server.url, ppid.admin)

    browser.get(f"{live_server.url}/kelola/ppid/badan/{ppid.kabupaten.pk}/atasan/")
    assert_fits_phone_width(browser)
    form = browser.find_element(By.CSS_SELECTOR, "main form")
    form.find_element(By.CSS_SELECTOR, f"input[name=superiors][value='{sekda.pk}']").click()
    _submit(browser, form)
    assert "Drs. Sekda Bengkayang" in browser.page_source
    assert ppid.kabupaten.superiors.filter(pk=sekda.pk).exists()

    browser.get(f"{live_server.url}/kelola/ppid/pengaturan/")
    assert_fits_phone_width(browser)
    form = browser.find_element(By.CSS_SELECTOR, "main form")
    days = form.find_element(By.NAME, "dispute_filing_days")
    days.clear()
    days.send_keys("20")
    _submit(browser, form)
    assert PpidSettings.objects.get(kabupaten_id="61.07").dispute_filing_days == 20

    browser.get(f"{live_server.url}/kelola/ppid/laporan/2026/uraian/")
    assert_fits_phone_width(browser)
    form = browser.find_element(By.CSS_SELECTOR, "main form")
    for name in ("policy", "facilities", "staff", "budget", "obstacles", "recommendations"):
        form.find_element(By.NAME, name).send_keys("Uraian bagian ini untuk tahun 2026.")
    _submit(browser, form)
    publish = browser.find_element(By.CSS_SELECTOR, "form[action$='terbitkan/']")
    _submit(browser, publish)
    assert AnnualReport.objects.get(year=2026).published_at is not None
    browser.get(f"{live_server.url}/ppid/laporan/2026/")
    assert "Uraian bagian ini untuk tahun 2026." in browser.page_source
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "ppid-laporan-pasal-56.png"))
