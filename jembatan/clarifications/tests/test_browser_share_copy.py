"""The "Salin" button stays hidden until share.js shows it: without JavaScript it would
be a button that does nothing (a class's display must not beat the hidden attribute)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from jembatan.clarifications import services
from jembatan.clarifications.models import Verdict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hidden_copy_button_is_not_shown(browser, live_server):
    from jembatan.clarifications.tests.conftest import make_world

    world = make_world()
    row = services.clarification_create(
        actor=world.admin,
        data={
            "verdict": Verdict.FALSE,
            "title": "Vaksin campak tidak mengandung chip",
            "claim": "Vaksin campak mengandung chip.",
            "explanation": "Tidak ada chip.",
            "sources": "",
        },
        kabupaten_code="61.07",
    )
    services.clarification_publish(actor=world.admin, clarification=row)
    browser.get(live_server.url + row.get_absolute_url())
    button = browser.find_element(By.CSS_SELECTOR, "[data-copy-button]")
    # As the server sends it (before or without share.js): hidden, and really not shown.
    display = browser.execute_script(
        "const b = arguments[0]; b.hidden = true; return getComputedStyle(b).display;", button
    )
    assert display == "none"
    assert not button.is_displayed()
