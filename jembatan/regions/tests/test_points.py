"""Desa centres: loaded from a CSV (manage.py import_region_points), the nearest one found."""

from __future__ import annotations

import gzip
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from jembatan.regions.models import Region
from jembatan.regions.points import distance_km, nearest_village
from jembatan.testing.factories import region_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def villages():
    return {
        "sebalo": region_chain("61.07.04.1010", "Sebalo"),
        "lembah": region_chain("61.07.05.2002", "Lembah Bawang"),
        "pinyuh": region_chain("61.04.05.2001", "Sungai Pinyuh"),
    }


def load(tmp_path, text: str, name: str = "pusat.csv") -> str:
    path = tmp_path / name
    if name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_region_points", str(path), stdout=out)
    return out.getvalue()


def test_the_command_loads_centres_and_is_idempotent(tmp_path, villages):
    text = "code,lat,lng\n61.07.04.1010,0.852,109.482\n61.07.05.2002,0.95,109.62\n99.99,1,1\n"
    out = load(tmp_path, text, "pusat.csv.gz")
    assert "2 updated" in out and "99.99" in out
    sebalo = Region.objects.get(pk="61.07.04.1010")
    assert (sebalo.latitude, sebalo.longitude) == (Decimal("0.852000"), Decimal("109.482000"))
    assert "0 updated, 2 unchanged" in load(tmp_path, text)


GOOD = "61.07.05.2002,0.95,109.62\n"


@pytest.mark.parametrize(
    "text",
    [
        "code,latitude\n61.07.04.1010,0.8\n",  # no longitude column
        "code,latitude,longitude\n" + GOOD + "61.07.04.1010,utara,109.4\n",
        "code,latitude,longitude\n" + GOOD + "61.07.04.1010,95,109.4\n",  # past the pole
        "code,latitude,longitude\n" + GOOD + GOOD,  # twice
    ],
)
def test_a_bad_file_loads_nothing(tmp_path, villages, text):
    with pytest.raises(CommandError):
        load(tmp_path, text)
    assert not Region.objects.filter(latitude__isnull=False).exists()


def test_half_a_point_is_refused_by_the_database(villages):
    with pytest.raises(IntegrityError):
        Region.objects.filter(pk="61.07.04.1010").update(latitude=Decimal("0.8"))


def test_distance_is_the_great_circle():
    # One degree of longitude at the equator: about 111.2 km.
    assert distance_km(0, 109, 0, 110) == pytest.approx(111.19, abs=0.05)


def test_the_nearest_centre_within_the_region_and_the_distance(villages):
    for key, lat, lon in (
        ("sebalo", "0.852", "109.482"),
        ("lembah", "0.95", "109.62"),
        ("pinyuh", "0.853", "109.483"),
    ):
        Region.objects.filter(pk=villages[key].pk).update(latitude=lat, longitude=lon)
    assert nearest_village(0.86, 109.49, within="61.07") == villages["sebalo"]
    assert nearest_village(0.86, 109.49, within="61.04") == villages["pinyuh"]
    assert nearest_village(0.93, 109.6, within="61.07") == villages["lembah"]
    # Farther than the limit from every centre: none.
    assert nearest_village(1.5, 110.5, within="61.07") is None
    assert nearest_village(0.86, 109.49, within="61.07", max_km=0.5) is None


def test_without_centres_no_point_is_placed(villages):
    assert nearest_village(0.852, 109.482, within="61.07") is None
