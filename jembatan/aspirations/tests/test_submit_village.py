"""The aspiration form's village field, typed without picking a suggestion (no JavaScript)."""

from __future__ import annotations

import pytest

from jembatan.aspirations.models import Aspiration
from jembatan.aspirations.tests.test_views import SUBMIT, form_data, text
from jembatan.regions.models import Region
from jembatan.testing.factories import region_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(world):
    Region.objects.filter(code="61.07.04").update(name="Bengkayang")
    return {
        "suti": region_chain("61.07.10.2003", "Suka Maju"),
        "betung": region_chain("61.07.14.2004", "Suka Maju"),
    }


@pytest.mark.parametrize(
    "typed",
    [
        "Desa Sebalo",
        "Kelurahan Sebalo",
        "sebalo bengkayang",
        "SEBALO",
        "Sebalo, Kec. Bengkayang",
        "Seballo",
    ],
)
def test_the_way_villagers_write_sebalo_is_understood(client, world, places, typed):
    response = client.post(SUBMIT, form_data(world, region=typed))

    assert response.status_code == 302, text(response)[:2000]
    assert Aspiration.objects.get().region == world.village


def test_a_name_in_two_kecamatan_is_answered_with_a_choice(client, world, places):
    data = form_data(
        world,
        region="Desa Suka Maju",
        description="Jembatan gantung di Dusun Sungai Keli putus sejak banjir.",
        reporter_name="Yohanes Atong",
    )

    response = client.post(SUBMIT, data)

    assert response.status_code == 400
    html = text(response)
    assert '<fieldset class="region-choices">' in html and "<legend>" in html
    assert 'name="region-pilih" value="61.07.10.2003"' in html
    assert 'name="region-pilih" value="61.07.14.2004"' in html
    assert "Kecamatan Wilayah 61.07.14" in html  # where each one lies
    # Everything else stays as typed.
    assert "Jembatan gantung di Dusun Sungai Keli putus sejak banjir." in html
    assert 'value="Yohanes Atong"' in html and 'value="Desa Suka Maju"' in html
    assert not Aspiration.objects.exists()

    chosen = data | {"region-ketik": "Desa Suka Maju", "region-pilih": "61.07.14.2004"}
    response = client.post(SUBMIT, chosen)

    assert response.status_code == 302
    assert Aspiration.objects.get().region == places["betung"]


def test_the_kecamatan_typed_with_the_name_needs_no_choice(client, world, places):
    Region.objects.filter(code="61.07.10").update(name="Suti Semarang")

    response = client.post(SUBMIT, form_data(world, region="Suka Maju, Kec. Suti Semarang"))

    assert response.status_code == 302
    assert Aspiration.objects.get().region == places["suti"]


def test_a_desa_of_another_kabupaten_is_not_guessed(client, world, places):
    response = client.post(SUBMIT, form_data(world, region="Sungai Pinyuh"))

    assert response.status_code == 400
    assert "Wilayah tidak ditemukan" in text(response)
    assert not Aspiration.objects.exists()
