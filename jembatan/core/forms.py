"""Form fields shared by the workspace views (a service's errors: core/service_calls.py)."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.forms.widgets import ChoiceWidget

from jembatan.core.params import MAX_ID


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>; cleans to a list."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CopiedPerForm(dict):
    """A form's ``base_fields`` that each form copies in a fraction of Django's time.

    ``BaseForm.__init__`` deep-copies ``base_fields`` so that a form may change its own
    fields. That walks every field, widget, choice and validator through ``copy.deepcopy``
    (its memo and dispatch): half a millisecond for a form of 14 fields, on every request
    of the busiest public form. This makes the same copies Django's ``__deepcopy__``
    methods make, one level at a time: each field and its widget copied, with their own
    attributes, error messages, validators and choices (lists of plain values and lazy
    texts, which are never changed in place), and a model choice field its own queryset
    and choice iterator. A form may change its fields as before; the fields it was built
    from stay as they were."""

    def __deepcopy__(self, memo: dict) -> dict[str, forms.Field]:
        return {name: copy_field(field) for name, field in self.items()}


def copy_field(field: forms.Field) -> forms.Field:
    """What ``copy.deepcopy(field)`` gives for Django's own fields and widgets, without
    its machinery (``CopiedPerForm``); any other kind of field is deep-copied as usual."""
    if (
        getattr(type(field), "__deepcopy__", None) not in _PLAIN_COPIES
        or type(field.widget).__deepcopy__ not in _PLAIN_WIDGET_COPIES
    ):
        return copy.deepcopy(field)
    new = copy.copy(field)
    widget = new.widget = copy.copy(field.widget)
    widget.attrs = field.widget.attrs.copy()
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    if isinstance(field, forms.ModelChoiceField):
        # Its own queryset (never shared, so never evaluated for another form) and its
        # own choice iterator, bound to the copy (Django's ticket 11183).
        if field.queryset is not None:
            new._queryset = field.queryset.all()  # type: ignore[attr-defined]
        _set_choices(widget, new.choices)  # type: ignore[attr-defined]
    elif isinstance(field, forms.ChoiceField):
        new._choices = copy.copy(field._choices)  # type: ignore[attr-defined]
        _set_choices(widget, copy.copy(field.widget.choices))
    return new


def _set_choices(widget: forms.Widget, choices: Any) -> None:
    if isinstance(widget, ChoiceWidget):
        widget._choices = choices  # type: ignore[attr-defined]  # normalized already
    else:  # a widget that takes no choices is given them as Django's setters give them
        widget.choices = choices  # type: ignore[attr-defined]


# The fields and widgets whose own __deepcopy__ copy_field repeats (Django's).
_PLAIN_COPIES = {
    getattr(forms.Field, "__deepcopy__"),  # noqa: B009 (not in the stubs)
    getattr(forms.ChoiceField, "__deepcopy__"),  # noqa: B009
    getattr(forms.ModelChoiceField, "__deepcopy__"),  # noqa: B009
}
_PLAIN_WIDGET_COPIES = {forms.Widget.__deepcopy__, ChoiceWidget.__deepcopy__}


def _id_like(value) -> bool:
    """Whether a submitted choice can be an id of an integer column: no value past the
    largest id (SQLite raises OverflowError, PostgreSQL a DataError: a 500, not a form
    error) nor anything but digits."""
    text = str(value).strip()
    return text.isascii() and text.isdecimal() and len(text) <= 10 and int(text) <= MAX_ID


def _integer_key(field: forms.ModelChoiceField) -> bool:
    if field.queryset is None:
        return False
    key = field.to_field_name or "pk"
    meta = field.queryset.model._meta
    model_field = meta.pk if key == "pk" else meta.get_field(key)
    return model_field.get_internal_type() in {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
    }


class SafeModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose junk or out-of-range id is an "invalid choice", never a 500."""

    def to_python(self, value):
        if value not in self.empty_values and _integer_key(self) and not _id_like(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """The same for several choices (a list of checkboxes)."""

    def clean(self, value):
        if value not in self.empty_values and _integer_key(self):
            for item in value if isinstance(value, list | tuple | set | frozenset) else [value]:
                if not _id_like(item):
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(item)[:20]},
                    )
        return super().clean(value)
