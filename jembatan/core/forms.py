"""Form fields shared by the workspace views (a service's errors: core/service_calls.py)."""

from __future__ import annotations

from django import forms

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
