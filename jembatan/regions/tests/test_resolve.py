"""The village field understands people: Desa/Kel./Kec. words, the kecamatan, a typo.

Against the real Kabupaten Bengkayang (61.07: 17 kecamatan, 124 desa and kelurahan, two of
them named Suka Maju), as the public forms see it.
"""

from __future__ import annotations

import functools

import pytest
from django import forms

from jembatan.regions.forms import RegionField
from jembatan.regions.importer import read_source
from jembatan.regions.models import Region
from jembatan.regions.resolve import _within_one_edit, region_match

pytestmark = [pytest.mark.django_db, pytest.mark.no_served_tenant]

SEBALO = "61.07.04.1010"  # Kelurahan Sebalo, Kecamatan Bengkayang
SUKA_MAJU = {"61.07.10.2003", "61.07.14.2004"}  # Kec. Suti Semarang, Kec. Sungai Betung


@functools.cache
def _bengkayang_rows():
    wanted = ("61", "61.07")
    return [r for r in read_source() if r.code in wanted or r.code.startswith("61.07.")]


@pytest.fixture
def bengkayang():
    Region.objects.bulk_create([row.to_region() for row in _bengkayang_rows()])
    assert Region.objects.filter(level=Region.Level.DESA).count() == 124


class VillageForm(forms.Form):
    region = RegionField(level=Region.Level.DESA, within="61.07")


def resolve(text: str) -> tuple[set[str], bool]:
    match = region_match(text, level=Region.Level.DESA, within="61.07")
    return set(match.codes), match.sure


@pytest.mark.parametrize(
    "text",
    [
        "Sebalo",
        "SEBALO",
        "  sebalo ",
        "Desa Sebalo",
        "Kelurahan Sebalo",
        "Kel. Sebalo",
        "Ds Sebalo",
        "sebalo bengkayang",
        "Sebalo, Kec. Bengkayang",
        "Sebalo, Kecamatan Bengkayang, Kabupaten Bengkayang",
        "Kel. Sebalo Kab. Bengkayang Kalimantan Barat",
        "Seballo",  # one letter too many
        "Sebalu",  # one letter wrong
        "Sbealo",  # two letters swapped
        "Desa Seballo, Kec. Bengkayang",
    ],
)
def test_each_way_of_writing_sebalo_resolves(bengkayang, text):
    assert resolve(text) == ({SEBALO}, True)
    form = VillageForm(data={"region": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"].code == SEBALO


@pytest.mark.parametrize("text", ["Sabau", "Saba'u", "saba\u2019u", "SABA U"])
def test_punctuation_and_spaces_inside_names_do_not_matter(bengkayang, text):
    assert resolve(text) == ({"61.07.02.2002"}, True)


def test_the_same_name_in_two_kecamatan_is_a_choice(bengkayang):
    assert resolve("Suka Maju") == (SUKA_MAJU, False)
    assert resolve("sukamaju") == (SUKA_MAJU, False)


@pytest.mark.parametrize(
    "text", ["Suka Maju, Kec. Suti Semarang", "suka maju suti semarang", "Sukamaju Sungai Betung"]
)
def test_the_kecamatan_decides_between_namesakes(bengkayang, text):
    expected = "61.07.14.2004" if "betung" in text.lower() else "61.07.10.2003"
    assert resolve(text) == ({expected}, True)


def test_a_beginning_of_several_names_is_offered_never_taken(bengkayang):
    codes, sure = resolve("Sungai Jaga")
    assert not sure
    names = set(Region.objects.filter(code__in=codes).values_list("name", flat=True))
    assert names == {"Sungai Jaga A", "Sungai Jaga B"}


@pytest.mark.parametrize(
    "text", ["Pontianak", "Sebalo, Kec. Teriak", "Desa", "Kecamatan Bengkayang", "xx"]
)
def test_what_names_no_desa_here_is_not_guessed(bengkayang, text):
    assert resolve(text) == (set(), False)


def test_a_typo_in_a_short_name_is_not_forgiven(bengkayang):
    # "Gua" is a desa; "Gue" could be anything.
    assert resolve("Gue") == (set(), False)
    assert resolve("Gua") == ({"61.07.06.2002"}, True)


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("sebalo", "seballo", True),
        ("sebalo", "sebalu", True),
        ("sebalo", "sbealo", True),
        ("sebalo", "esbalo", True),
        ("sebalo", "sebal", True),
        ("sebalo", "ebalo", True),
        ("sebalo", "sebolu", False),
        ("sebalo", "seballoo", False),
        ("aris", "sira", False),
    ],
)
def test_one_edit_means_one_letter(a, b, close):
    assert _within_one_edit(a, b) is close
    assert _within_one_edit(b, a) is close


def test_names_are_read_from_memory_after_the_first_time(bengkayang, django_assert_num_queries):
    resolve("Sebalo")
    with django_assert_num_queries(0):
        assert resolve("Seballo") == ({SEBALO}, True)


def test_a_renamed_desa_is_understood_at_once(bengkayang):
    resolve("Sebalo")
    region = Region.objects.get(code=SEBALO)
    region.name = "Sebalo Baru"
    region.save(update_fields=["name"])
    assert resolve("Sebalo Baru") == ({SEBALO}, True)


def test_a_field_over_the_whole_country_understands_desa_and_kecamatan(bengkayang):
    field = RegionField(level=Region.Level.DESA)
    assert field.clean("Kelurahan Sebalo, Kec. Bengkayang").code == SEBALO
    with pytest.raises(forms.ValidationError) as exc:
        field.clean("Suka Maju")
    assert exc.value.code == "ambiguous"
    assert field.clean("Desa Suka Maju, Kecamatan Sungai Betung").code == "61.07.14.2004"
