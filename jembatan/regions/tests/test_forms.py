"""RegionField and RegionSearchInput: a text picker that never renders options."""

from __future__ import annotations

import re

import pytest
from django import forms

from jembatan.regions.forms import RegionField, RegionSearchInput
from jembatan.regions.models import Region
from jembatan.testing.factories import region_chain

pytestmark = pytest.mark.django_db

NOT_FOUND = "Wilayah tidak ditemukan. Ketik nama atau kodenya."


class VillageForm(forms.Form):
    region = RegionField(level=Region.Level.DESA)


class BengkayangVillageForm(forms.Form):
    region = RegionField(level=Region.Level.DESA, within="61.07")


@pytest.fixture
def villages():
    return {
        "sebalo": region_chain("61.07.04.1010", "Sebalo"),
        "karimunting": region_chain("61.07.04.2001", "Karimunting"),
        "aris": region_chain("61.07.05.2001", "Aris"),
        "pinyuh": region_chain("61.04.05.2001", "Sungai Pinyuh"),
    }


def cleaned(form_class, value):
    form = form_class(data={"region": value})
    assert form.is_valid(), form.errors
    return form.cleaned_data["region"]


def errors(form_class, value):
    form = form_class(data={"region": value})
    assert not form.is_valid()
    return form.errors["region"]


@pytest.mark.parametrize(
    "value",
    [
        "61.07.04.1010",
        " 61.07.04.1010 ",
        "Sebalo (61.07.04.1010)",
        "Sebalo  (61.07.04.1010) ",
        "Sebalo",
        "sebalo",
        "  SEBALO ",
    ],
)
def test_accepts_code_label_or_unique_name(villages, value):
    assert cleaned(VillageForm, value) == villages["sebalo"]


def test_label_code_wins_over_its_name(villages):
    # The picker fills in "Name (code)"; the code decides even if the name was edited.
    assert cleaned(VillageForm, "Sebalo lama (61.07.04.2001)") == villages["karimunting"]


@pytest.mark.parametrize("value", ["61.07.04.9999", "Tidak Ada", "Tidak Ada (61.07.04.9999)"])
def test_rejects_unknown_region_in_indonesian(villages, value):
    assert errors(VillageForm, value) == [NOT_FOUND]


def test_rejects_region_at_another_level(villages):
    # 61.07.04 exists, but it is a kecamatan and the field wants desa/kelurahan.
    assert errors(VillageForm, "61.07.04") == [NOT_FOUND]


@pytest.mark.parametrize("value", ["", "   "])
def test_required_field_rejects_blank_as_required(villages, value):
    form = VillageForm(data={"region": value})

    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["region"]] == ["required"]


def test_ambiguous_name_offers_both_candidates_as_radio_buttons(villages):
    region_chain("61.07.05.2002", "Sebalo")
    form = VillageForm(data={"region": "Desa Sebalo"})

    assert not form.is_valid()
    assert form.errors["region"] == [
        "Ada beberapa wilayah yang cocok. Pilih salah satu di bawah ini."
    ]
    html = str(form["region"])
    assert re.search(r"<fieldset[^>]*>\s*<legend>[^<]*Desa Sebalo", html)
    assert 'type="radio" name="region-pilih" value="61.07.04.1010"' in html
    assert 'type="radio" name="region-pilih" value="61.07.05.2002"' in html
    assert '<input type="hidden" name="region-ketik" value="Desa Sebalo">' in html
    assert 'value="Desa Sebalo"' in html  # the text stays as typed


def test_a_chosen_candidate_is_taken(villages):
    other = region_chain("61.07.05.2002", "Sebalo")
    data = {"region": "Desa Sebalo", "region-ketik": "Desa Sebalo", "region-pilih": other.code}

    form = VillageForm(data=data)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == other
    # Shown again (another field wrong), the input holds the choice, not the question.
    assert 'value="Sebalo (61.07.05.2002)"' in str(form["region"])
    assert "<fieldset" not in str(form["region"])


def test_a_choice_does_not_outlive_a_text_typed_anew(villages):
    region_chain("61.07.05.2002", "Sebalo")
    data = {"region": "Karimunting", "region-ketik": "Sebalo", "region-pilih": "61.07.05.2002"}

    assert cleaned(VillageForm, data["region"]) == villages["karimunting"]
    form = VillageForm(data=data)
    assert form.is_valid() and form.cleaned_data["region"] == villages["karimunting"]


def test_a_chosen_code_outside_the_field_is_refused(villages):
    data = {"region": "Sebalo", "region-ketik": "Sebalo", "region-pilih": "61.04.05.2001"}

    form = BengkayangVillageForm(data=data)

    assert not form.is_valid()
    assert form.errors["region"] == [NOT_FOUND]


def test_ambiguous_name_is_resolved_by_code(villages):
    other = region_chain("61.07.05.2002", "Sebalo")

    assert cleaned(VillageForm, "Sebalo (61.07.05.2002)") == other


def test_same_name_outside_within_is_not_ambiguous(villages):
    region_chain("35.04.17.2010", "Sebalo")

    assert cleaned(BengkayangVillageForm, "Sebalo") == villages["sebalo"]


@pytest.mark.parametrize(
    "value", ["61.04.05.2001", "Sungai Pinyuh", "Sungai Pinyuh (61.04.05.2001)"]
)
def test_rejects_region_outside_within(villages, value):
    assert errors(BengkayangVillageForm, value) == [NOT_FOUND]


def test_widget_renders_no_options_and_points_at_search(villages):
    for n in range(1, 6):
        region_chain(f"61.07.05.20{n + 10:02d}", f"Desa Pilihan {n}")

    html = str(BengkayangVillageForm()["region"])

    assert "<option" not in html
    assert "<select" not in html
    for name in [*(f"Desa Pilihan {n}" for n in range(1, 6)), "Sebalo", "Karimunting"]:
        assert name not in html
    assert re.search(r'<input type="text" name="region"[^>]*>', html)
    assert 'data-region-search="/wilayah/cari/"' in html
    assert 'data-level="4"' in html
    assert 'data-within="61.07"' in html
    assert 'autocomplete="off"' in html
    assert 'list="id_region-options"' in html
    assert '<datalist id="id_region-options"></datalist>' in html


def test_widget_rendering_runs_no_queryset_query(villages, django_assert_num_queries):
    form = VillageForm()

    with django_assert_num_queries(0):
        html = str(form["region"])

    assert "data-region-search" in html


def test_widget_shows_label_for_initial_region(villages):
    form = VillageForm(initial={"region": villages["sebalo"]})

    assert 'value="Sebalo (61.07.04.1010)"' in str(form["region"])


def test_widget_shows_label_for_initial_code(villages):
    form = VillageForm(initial={"region": "61.07.04.1010"})

    assert 'value="Sebalo (61.07.04.1010)"' in str(form["region"])


def test_bound_invalid_value_is_kept_as_typed(villages):
    form = VillageForm(data={"region": "Sebal"})

    assert not form.is_valid()
    assert 'value="Sebal"' in str(form["region"])


def test_widget_media_has_search_script():
    assert "js/region-search.js" in str(RegionSearchInput().media)


def test_optional_field_treats_blank_as_empty(villages):
    field = RegionField(level=Region.Level.DESA, required=False)

    assert field.clean("   ") is None
    assert field.clean("") is None


def test_works_as_a_model_forms_field_class(villages):
    from jembatan.communities.models import Kim

    form_class = forms.modelform_factory(
        Kim, fields=["region"], field_classes={"region": RegionField}
    )

    field = form_class().fields["region"]
    assert isinstance(field, RegionField)
    assert field.clean("Karimunting") == villages["karimunting"]
    # The foreign key's limit_choices_to (kecamatan or below) still applies.
    with pytest.raises(forms.ValidationError):
        field.clean("61.07")
    assert "<option" not in str(form_class()["region"])
