"""Region: kinds from Kemendagri codes, labels, ancestors and the queryset helpers."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from jembatan.regions.models import Region, kind_for
from jembatan.testing.factories import region_chain

pytestmark = pytest.mark.no_served_tenant


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("61", "Kalimantan Barat", Region.Kind.PROVINSI),
        ("61.07", "Kabupaten Bengkayang", Region.Kind.KABUPATEN),
        ("61.72", "Kota Singkawang", Region.Kind.KOTA),
        ("61.72", "KOTA SINGKAWANG", Region.Kind.KOTA),
        # "Kota" only as the first word: Kotawaringin is a kabupaten.
        ("62.01", "Kabupaten Kotawaringin Barat", Region.Kind.KABUPATEN),
        ("62.01", "Kotawaringin", Region.Kind.KABUPATEN),
        ("61.07.04", "Sungai Raya", Region.Kind.KECAMATAN),
        ("61.07.04.1010", "Sebalo", Region.Kind.KELURAHAN),
        ("61.07.04.2001", "Sungai Raya", Region.Kind.DESA),
        ("51.03.01.3001", "Kuta", Region.Kind.DESA_ADAT),
        # Anything else in the fourth segment is a desa.
        ("61.07.04.9001", "Lain", Region.Kind.DESA),
    ],
)
def test_kind_for(code, name, kind):
    assert kind_for(code, name) == kind


def test_label_and_ancestor_codes():
    region = Region(code="61.07.04.1010", name="Sebalo", level=4, kind="kelurahan")

    assert region.label == "Sebalo (61.07.04.1010)"
    assert str(region) == "Sebalo"
    assert region.ancestor_code(Region.Level.PROVINSI) == "61"
    assert region.ancestor_code(Region.Level.KECAMATAN) == "61.07.04"
    assert region.ancestor_code(Region.Level.DESA) == "61.07.04.1010"
    assert region.kabupaten_code == "61.07"


def test_ancestor_code_below_own_level_is_none():
    province = Region(code="61", name="Kalimantan Barat", level=1, kind="provinsi")

    assert province.ancestor_code(Region.Level.KABUPATEN) is None
    assert province.kabupaten_code is None


@pytest.mark.django_db
def test_within_matches_whole_segments_only():
    region_chain("61.07.04.1010", "Sebalo")
    region_chain("61.07.04.2001", "Sungai Raya")
    region_chain("61.71.01.1001", "Pontianak Kota")  # 61.71 starts with "61.7" but is not in 61.07

    codes = set(Region.objects.within("61.07").values_list("code", flat=True))
    assert codes == {"61.07.04", "61.07.04.1010", "61.07.04.2001"}
    kabupaten = Region.objects.get(code="61.07")
    assert set(Region.objects.within(kabupaten).values_list("code", flat=True)) == codes


@pytest.mark.django_db
def test_search_is_case_insensitive_and_trims():
    region_chain("61.07.04.1010", "Sebalo")
    region_chain("61.07.04.2001", "Sungai Raya")

    assert list(Region.objects.search("  SEBAL ").values_list("code", flat=True)) == [
        "61.07.04.1010"
    ]


@pytest.mark.django_db
def test_province_cannot_have_a_parent():
    parent = region_chain("61", "Kalimantan Barat")

    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="62", name="Salah", level=1, kind="provinsi", parent=parent)


@pytest.mark.django_db
def test_lower_level_needs_a_parent():
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="61.07", name="Yatim", level=2, kind="kabupaten")
