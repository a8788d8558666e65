"""Model choice fields refuse ids past an integer column as an invalid choice (o2 M3)."""

from __future__ import annotations

import pytest
from django import forms

from jembatan.accounts.models import User
from jembatan.core.forms import SafeModelChoiceField, SafeModelMultipleChoiceField
from jembatan.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


class Both(forms.Form):
    one = SafeModelChoiceField(queryset=User.objects.all(), required=False)
    many = SafeModelMultipleChoiceField(queryset=User.objects.all(), required=False)


def test_huge_and_junk_ids_are_form_errors():
    user = UserFactory()
    for junk in (HUGE, "-1", "1e3", "²", " " + HUGE):
        form = Both({"one": junk, "many": [str(user.pk), junk]})
        assert not form.is_valid()
        assert set(form.errors) == {"one", "many"}, junk
    form = Both({"one": str(user.pk), "many": [str(user.pk)]})
    assert form.is_valid() and form.cleaned_data["one"] == user
    assert list(form.cleaned_data["many"]) == [user]
