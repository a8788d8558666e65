"""A region picker that never renders the 83,000 villages as options.

The field is a text input: with JavaScript it suggests names as you type (from
/wilayah/cari/); without it, typing a name the way people write it is enough
(jembatan.regions.resolve), and a name that fits several places re-shows the form with
those places as radio buttons, everything else as typed.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from jembatan.regions.models import Region
from jembatan.regions.resolve import region_match, words

_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
# The radio buttons offered for an ambiguous name, and the text they answer.
PICK_SUFFIX, ASKED_SUFFIX = "-pilih", "-ketik"
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
        context["widget"]["offered"] = getattr(self, "offered", [])
        context["widget"]["asked"] = getattr(self, "asked", "")
        context["widget"]["pick_name"] = name + PICK_SUFFIX
        context["widget"]["asked_name"] = name + ASKED_SUFFIX
        context["widget"]["attrs"].update(
            {
                "data-region-search": reverse_lazy("regions:search"),
                "data-level": self.level or "",
                "data-within": self.within,
                "list": f"{context['widget']['attrs'].get('id', name)}-options",
            }
        )
        return context

    def offer(self, asked: str, choices: list[tuple[str, str, str]]) -> None:
        """Show (code, name, where) choices for ``asked`` under the input, as radio buttons."""
        self.asked = asked
        self.offered = choices

    def value_from_datadict(self, data, files, name: str) -> Any:
        typed = data.get(name)
        picked = data.get(name + PICK_SUFFIX) or ""
        asked = data.get(name + ASKED_SUFFIX)
        # A choice answers the text it was offered for; a text typed anew is read anew.
        if _CODE.match(picked) and asked is not None and words(asked) == words(typed or ""):
            return picked
        return typed

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
        "ambiguous": _("Ada beberapa wilayah yang cocok. Pilih salah satu di bawah ini."),
        "unsure": _("Maksud Anda wilayah di bawah ini? Pilih untuk memastikan."),
        # For a widget that cannot show the choices.
        "ambiguous_listed": _("Ada beberapa wilayah bernama itu: %(choices)s. Tulis kodenya."),
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
        self.level = level
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
        match = region_match(text, queryset=self.queryset, level=self.level, within=self.within)
        regions = [r for r in map(self.region_by_code, match.codes) if r is not None]
        if len(regions) == 1 and match.sure:
            return regions[0]
        if not regions:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        parents = Region.objects.in_bulk({r.parent_id for r in regions if r.parent_id})
        choices = []
        for region in regions:
            parent = parents.get(region.parent_id)
            where = f"{parent.get_kind_display()} {parent.name}" if parent else ""
            choices.append((region.code, region.name, where))
        if not isinstance(self.widget, RegionSearchInput):
            listed = "; ".join(f"{name} ({code}) — {where}" for code, name, where in choices)
            raise ValidationError(
                self.error_messages["ambiguous_listed"],
                code="ambiguous",
                params={"choices": listed},
            )
        self.widget.offer(text, choices)
        message = self.error_messages["ambiguous" if len(choices) > 1 else "unsure"]
        raise ValidationError(message, code="ambiguous")

    def region_by_code(self, code: str) -> Region | None:
        """The region of the field's queryset with this code (a hook for cached lookups)."""
        return self.queryset.filter(code=code).first()

    def validate(self, value: Region | None) -> None:
        forms.Field.validate(self, value)
