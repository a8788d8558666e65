"""The staff page of a request on a 360 px phone: the requester's long values (an e-mail
address, a NIK, an address without spaces) wrap instead of widening the page."""

from __future__ import annotations

import pytest

from jembatan.disclosure import services
from jembatan.disclosure.tests.conftest import MONDAY, request_data
from jembatan.testing.browser import assert_fits_phone_width, sign_in_by_cookie

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_request_detail_fits_a_phone(browser, live_server, ppid):
    request = services.information_request_submit(
        data=request_data(
            ppid.opd,
            requester_name="Maria Goreti Sulistyaningsih Kartikasari Wulandari",
            requester_email="maria.goreti.sulistyaningsih.kartikasari@pemerintahan-desa.example.test",
            requester_address="Jl.Sanggau-Ledo-Bengkayang-Kalimantan-Barat-No.5-RT03/RW07",
        ),
        now=MONDAY,
    )
    sign_in_by_cookie(browser, live_server.url, ppid.admin)
    browser.get(f"{live_server.url}/kelola/ppid/permohonan/{request.number}/")
    assert "maria.goreti" in browser.page_source
    assert_fits_phone_width(browser)
