"""Desa centres: loaded from a CSV (manage.py import_region_points), the nearest one found."""

from __future__ import annotations

import gzip
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from jembatan.regions.importer import read_source, region_import
from jembatan.regions.models import Region
from jembatan.regions.points import (
    BUNDLED_POINTS,
    distance_km,
    nearest_village,
    read_points,
    region_points_import,
)
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


# --- The centres shipped with the region list (data/desa_points.csv.gz) ---------------


def test_the_shipped_centres_place_every_desa_of_bengkayang_in_the_region_list():
    points = read_points(BUNDLED_POINTS)
    listed = {row.code for row in read_source() if row.level == Region.Level.DESA}
    bengkayang = {code for code in listed if code.startswith("61.07.")}
    assert len(bengkayang) == 124
    assert bengkayang <= set(points)
    assert set(points) <= listed  # every code is one of the list's desa
    assert len(points) > 80_000  # the whole country, not only the demo kabupaten
    # Indonesia's extent (Sabang to Merauke, Rote to Miangas).
    assert all(-11.5 < lat < 6.5 and 94.5 < lon < 141.5 for lat, lon in points.values())
    # Sebalo, the kelurahan of Bengkayang town, lies on the equator's north side.
    lat, lon = points["61.07.04.1010"]
    assert distance_km(float(lat), float(lon), 0.8524078, 109.4821204) < 3


def test_import_regions_fills_the_centres_of_a_province_and_keeps_an_operators_own():
    region_import(province="61")
    mine = Region.objects.filter(pk="61.07.05.2002")
    mine.update(latitude=Decimal("1.1"), longitude=Decimal("109.9"))  # the balai desa
    out = StringIO()

    call_command("import_regions", province="61", stdout=out)

    desa = Region.objects.filter(level=Region.Level.DESA)
    assert not desa.exclude(code__startswith="61.").exists()
    placed = desa.filter(latitude__isnull=False)
    assert placed.filter(code__startswith="61.07.").count() == 124
    assert placed.count() == len(
        [code for code in read_points(BUNDLED_POINTS) if code.startswith("61.")]
    )
    assert (mine.get().latitude, mine.get().longitude) == (Decimal("1.1"), Decimal("109.9"))
    assert "1 kept" in out.getvalue()
    # The operator's own file overwrites; import_regions again changes nothing.
    out = StringIO()
    call_command("import_regions", province="61", stdout=out)
    assert "Desa centres: 0 set" in out.getvalue() and "no changes" in out.getvalue()
    assert region_points_import(path=BUNDLED_POINTS, province="61").updated == 1


def test_a_point_near_a_shipped_centre_finds_that_desa_and_jakarta_none():
    region_import(province="61")
    region_points_import(path=BUNDLED_POINTS, province="61")
    sebalo = Region.objects.get(pk="61.07.04.1010")
    # About 300 m north-east of the centre.
    lat, lon = float(sebalo.latitude) + 0.002, float(sebalo.longitude) + 0.002
    assert nearest_village(lat, lon, within="61.07") == sebalo
    assert nearest_village(-6.2, 106.8, within="61.07") is None
