"""/aspirasi/kirim/ counts what was stored: typos cost nothing, stored cases do.

One address is a whole posko or a carrier's NAT, so its limit is high; one phone number
or email is one person, so its limit is low (jembatan.aspirations.limits).
"""

from __future__ import annotations

import pytest

from jembatan.aspirations.models import Aspiration
from jembatan.aspirations.tests.test_views import SUBMIT, form_data, text

pytestmark = pytest.mark.django_db

INVALID = {"description": ""}  # "this field is required": sent back with the form


def valid(world, n: int, **extra) -> dict:
    return (
        form_data(
            world,
            description=f"Jembatan gantung di dusun {n} putus.",
            reporter_phone=f"0812 3456 {n:04d}",
        )
        | extra
    )


def test_ten_typos_do_not_block_the_eleventh_valid_form(client, world):
    for n in range(10):
        response = client.post(SUBMIT, form_data(world, **INVALID))
        assert response.status_code == 400, n

    response = client.post(SUBMIT, valid(world, 11))

    assert response.status_code == 302
    assert Aspiration.objects.count() == 1


def test_only_stored_aspirations_use_up_the_address_limit(client, world, settings):
    settings.ASPIRATION_SUBMIT_LIMIT = 3
    for _n in range(10):
        assert client.post(SUBMIT, form_data(world, **INVALID)).status_code == 400
    for n in range(3):
        assert client.post(SUBMIT, valid(world, n)).status_code == 302, n

    refused = client.post(SUBMIT, valid(world, 3))

    assert refused.status_code == 429
    assert "Terlalu banyak kiriman" in text(refused)
    # What was typed is kept on the refused form.
    assert "Jembatan gantung di dusun 3 putus." in text(refused)
    assert Aspiration.objects.count() == 3
    # Another address is not affected.
    other = client.post(SUBMIT, valid(world, 4), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302
    assert Aspiration.objects.count() == 4


def test_one_phone_number_is_limited_across_addresses(client, world, settings):
    settings.ASPIRATION_SUBMIT_CONTACT_LIMIT = 2
    for n in range(2):
        data = valid(world, n, reporter_phone="0812-3456-7890")
        assert client.post(SUBMIT, data, REMOTE_ADDR=f"10.0.0.{n}").status_code == 302

    # The same number written another way, from a third address.
    again = valid(world, 2, reporter_phone="+62 812 3456 7890")
    refused = client.post(SUBMIT, again, REMOTE_ADDR="10.0.0.9")

    assert refused.status_code == 429
    assert "nomor HP atau email ini" in text(refused)
    assert Aspiration.objects.count() == 2
    assert client.post(SUBMIT, valid(world, 3), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_one_email_is_limited(client, world, settings):
    settings.ASPIRATION_SUBMIT_CONTACT_LIMIT = 1
    data = valid(world, 1, reporter_phone="", reporter_email="Warga@Example.test")
    assert client.post(SUBMIT, data).status_code == 302

    again = valid(world, 2, reporter_phone="", reporter_email="warga@example.test")

    assert client.post(SUBMIT, again).status_code == 429
    assert Aspiration.objects.count() == 1


def test_a_form_sent_again_is_not_counted_twice(client, world, settings):
    settings.ASPIRATION_SUBMIT_LIMIT = 2
    data = valid(world, 1, client_id="a1b2c3d4-e5f6-4a5b-9c8d-0123456789ab")
    first = client.post(SUBMIT, data)
    # The outbox retries after a lost answer: it finds its case, and costs nothing.
    retry = client.post(SUBMIT, data)
    assert first.status_code == retry.status_code == 302 and first.url == retry.url
    assert client.post(SUBMIT, valid(world, 2)).status_code == 302
    assert client.post(SUBMIT, valid(world, 3)).status_code == 429
    assert Aspiration.objects.count() == 2


def test_a_flood_of_invalid_forms_is_still_refused(client, world, settings):
    settings.ASPIRATION_SUBMIT_LIMIT = 2  # the flood guard: 5 times that, valid or not
    for n in range(10):
        assert client.post(SUBMIT, form_data(world, **INVALID)).status_code == 400, n

    assert client.post(SUBMIT, valid(world, 1)).status_code == 429
    assert not Aspiration.objects.exists()
