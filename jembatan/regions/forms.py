"""A region picker that never renders the 83,000 villages as options.

The field is a text input: with JavaScript it suggests names as you type (from
/wilayah/cari/); without it, typing a name or a code is enough, and an ambiguous
name is answered with the candidates to choose from.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from jembatan.regions.models import Region

_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_LABEL_CODE = re.compile(r"\((\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?)\)\s*$")


def code_in(text: str) -> str | None:
    """The region code a picker's text names: 'Sebalo (61.07.04.1001)' or a bare code."""
    match = _LABEL_CODE.search(text)
    if match:
        return match.group(1)
    return text if _CODE.match(text) else None


class RegionSearchInput(forms.TextInput):
    template_name = "regions/widgets/region_search.html"

    def __init__(self, level: int | None = None, within: str = "", attrs: dict | None = None):
        attrs = {"autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        super().__init__(attrs)
        self.level = level
        self.within = within

    class Media:
        js = ["js/region-search.js"]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-region-search": reverse_lazy("regions:search"),
                "data-level": self.level or "",
                "data-within": self.within,
                "list": f"{context['widget']['attrs'].get('id', name)}-options",
            }
        )
        return context

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Region):
            return value.label
        if value and isinstance(value, str) and _CODE.match(value):
            region = Region.objects.filter(code=value).first()
            return region.label if region else value
        return super().format_value(value)


class RegionField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("Wilayah tidak ditemukan. Ketik nama atau kodenya."),
        "ambiguous": _("Ada beberapa wilayah bernama itu: %(choices)s. Tulis kodenya."),
    }

    def __init__(self, *, level: int | None = None, within: str = "", **kwargs: Any) -> None:
        # A model form passes the FK's queryset (field_classes, formfield_overrides).
        queryset = kwargs.pop("queryset", None)
        if queryset is None:
            queryset = Region.objects.all()
        if level is not None:
            queryset = queryset.filter(level=level)
        if within:
            queryset = queryset.within(within)
        kwargs.setdefault("widget", RegionSearchInput(level=level, within=within))
        super().__init__(queryset=queryset, **kwargs)
        self.within = within

    def to_python(self, value: Any) -> Region | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Region):
            return value
        text = " ".join(str(value).split())
        if not text:
            return None
        code = code_in(text)
        if code is not None:
            region = self.region_by_code(code)
            if region is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return region
        candidates = list(self.queryset.filter(name__iexact=text).select_related("parent")[:6])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        choices = "; ".join(
            f"{r.label}{' — ' + r.parent.name if r.parent else ''}" for r in candidates[:5]
        )
        raise ValidationError(
            self.error_messages["ambiguous"], code="ambiguous", params={"choices": choices}
        )

    def region_by_code(self, code: str) -> Region | None:
        """The region of the field's queryset with this code (a hook for cached lookups)."""
        return self.queryset.filter(code=code).first()

    def validate(self, value: Region | None) -> None:
        forms.Field.validate(self, value)
