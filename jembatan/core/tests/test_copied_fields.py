"""core.forms.CopiedPerForm: each form's fields are its own, as with Django's deep copy."""

from __future__ import annotations

import copy

from django import forms

from jembatan.core.forms import CopiedPerForm, copy_field
from jembatan.regions.forms import RegionField
from jembatan.regions.models import Region


class Sample(forms.Form):
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    region = RegionField(label="Desa", level=Region.Level.DESA)
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"size": "5"}))
    code = forms.RegexField(regex=r"^[a-z]+$", required=False)


class Cheap(Sample):
    base_fields = CopiedPerForm(Sample.base_fields)


def test_copies_are_what_deepcopy_gives():
    for name, field in Sample.base_fields.items():
        deep, cheap = copy.deepcopy(field), copy_field(field)
        assert type(cheap) is type(field) and type(cheap.widget) is type(field.widget)
        assert vars(cheap).keys() == vars(deep).keys(), name
        assert vars(cheap.widget).keys() == vars(deep.widget).keys(), name
        assert cheap.widget is not field.widget
        assert cheap.widget.attrs == field.widget.attrs
        assert cheap.widget.attrs is not field.widget.attrs
        assert cheap.error_messages is not field.error_messages
        assert cheap.validators == field.validators
        assert cheap.validators is not field.validators
        assert getattr(cheap, "max_length", None) == getattr(deep, "max_length", None)


def test_a_form_changes_only_its_own_fields():
    attrs = dict(Sample.base_fields["text"].widget.attrs)
    assert attrs["size"] == "5"
    first, second = Cheap(), Cheap()
    first.fields["text"].widget.attrs["size"] = "9"
    first.fields["text"].validators.append(lambda value: None)
    first.fields["kind"].choices = [("c", "C")]
    first.fields["code"].error_messages["required"] = "changed"
    assert second.fields["text"].widget.attrs == attrs
    assert Sample.base_fields["text"].widget.attrs == attrs
    assert len(second.fields["text"].validators) == len(Sample.base_fields["text"].validators)
    assert list(second.fields["kind"].widget.choices) == [("a", "A"), ("b", "B")]
    assert second.fields["code"].error_messages["required"] != "changed"
    assert list(first.fields["kind"].widget.choices) == [("c", "C")]


def test_a_model_choice_field_gets_its_own_queryset_and_choices():
    form = Cheap()
    field = form.fields["region"]
    original = Sample.base_fields["region"]
    assert field.queryset is not original.queryset
    assert str(field.queryset.query) == str(original.queryset.query)
    assert field.widget.choices.field is field  # the iterator of the copy, not the original


def test_the_same_validation_as_a_plain_form():
    data = {"kind": "b", "text": "x" * 21, "code": "AB"}
    plain, cheap = Sample(data), Cheap(data)
    assert plain.is_valid() is cheap.is_valid() is False
    assert plain.errors == cheap.errors
    assert set(cheap.errors) == {"text", "code", "region"}


def test_other_fields_are_deep_copied():
    class Custom(forms.CharField):
        def __deepcopy__(self, memo):
            result = super().__deepcopy__(memo)
            result.marked = True
            return result

    assert copy_field(Custom()).marked is True
