"""The PPID path to the Komisi Informasi on a phone: a partly granted request, an objection
filed from the request page, the superior's decision, and the page then naming the
commission, its address and the last day to file."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from jembatan.accounts.models import Role
from jembatan.core.workdays import add_working_days
from jembatan.disclosure import services
from jembatan.disclosure.models import InformationCommission, Objection
from jembatan.disclosure.tests.conftest import request_data
from jembatan.testing.browser import assert_fits_phone_width, page_token, wait_for_new_page
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_from_partial_grant_to_the_komisi_informasi_notice(browser, live_server, ppid, shots):
    from selenium.webdriver.common.by import By

    commission, _ = InformationCommission.objects.get_or_create(
        province_code="61",
        defaults={
            "name": "Komisi Informasi Provinsi Kalimantan Barat",
            "address": "Jln. D.A. Hadi No. 146, Pontianak",
        },
    )
    request = services.information_request_submit(data=request_data(ppid.kabupaten))
    services.information_request_extend(
        actor=ppid.admin, request=request, reason="Arsip ada di gudang kecamatan."
    )
    services.information_request_answer(
        actor=ppid.admin,
        request=request,
        outcome="sebagian",
        grounds=["h"],
        text="Diberikan sebagian; data pribadi dihitamkan.",
    )
    browser.get(live_server.url + request.get_absolute_url())
    form = browser.find_element(By.CSS_SELECTOR, "form[action*='keberatan']")
    form.find_element(By.CSS_SELECTOR, "input[name=reasons][value=d]").click()
    form.find_element(By.NAME, "text").send_keys(
        "Yang saya minta rincian anggaran, bukan ringkasan."
    )
    old = page_token(browser)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_new_page(browser, old)
    objection = Objection.objects.get()
    assert "Atasan PPID menanggapi paling lambat" in browser.page_source

    superior = UserFactory(full_name="Sekretaris Daerah")
    MembershipFactory(user=superior, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    services.objection_decide(
        actor=superior, objection=objection, decision="ditolak", text="Jawaban PPID sudah sesuai."
    )
    browser.get(live_server.url + request.get_absolute_url())
    page = browser.page_source
    closes = add_working_days(timezone.localdate(), 14, kabupaten_code="61.07")
    assert commission.name in page and commission.address in page
    assert date_format(closes, "j F Y") in page
    assert "Atasan PPID menanggapi paling lambat" not in page
    assert_fits_phone_width(browser)
    browser.save_screenshot(str(shots / "ppid-komisi-informasi.png"))
