"""One reading of a citizen's phone or email for every form that asks for one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from jembatan.accounts.contact import (
    clean_contact_correction,
    clean_phone_and_email,
    normalize_contact,
    normalize_email,
)


def test_contacts_take_one_form_however_they_are_typed():
    assert normalize_contact(" 0812-3456-7890 ") == ("+6281234567890", "phone")
    assert normalize_contact("+62 812 3456 7890") == ("+6281234567890", "phone")
    assert normalize_contact(" Warga@Example.ID") == ("warga@example.id", "email")
    assert normalize_email("Warga@Example.ID ") == "warga@example.id"


@pytest.mark.parametrize("value", ["warga@", "@example.id", "12345", ""])
def test_a_contact_that_is_neither_is_refused(value):
    with pytest.raises(ValidationError):
        normalize_contact(value)


def test_form_data_gives_each_field_its_own_message():
    errors: dict[str, str] = {}
    phone, email = clean_phone_and_email(
        {"hp": "0812 3456 7890", "surel": "Budi@Desa.ID"},
        phone_field="hp",
        email_field="surel",
        errors=errors,
    )
    assert (phone, email, errors) == ("+6281234567890", "budi@desa.id", {})

    phone, email = clean_phone_and_email(
        {"hp": "123", "surel": "budi@"}, phone_field="hp", email_field="surel", errors=errors
    )
    assert set(errors) == {"hp", "surel"}
    assert "Nomor telepon tidak valid" in errors["hp"]
    assert errors["surel"] == "Alamat email tidak valid."
    # Left empty: nothing to refuse, nothing to keep.
    assert clean_phone_and_email({}, phone_field="hp", email_field="surel", errors={}) == ("", "")


NAME_RULE = {"nama": (3, 20, "Tulis nama lengkap.")}


def test_a_correction_keeps_what_was_written_folded_and_normalized():
    values = clean_contact_correction(
        {"nama": "  Siti   Aminah ", "hp": "0812-3456-7890", "surel": ""},
        texts=NAME_RULE,
        phone_field="hp",
        email_field="surel",
    )
    # The email left empty keeps its value: it is not in the result.
    assert values == {"nama": "Siti Aminah", "hp": "+6281234567890"}


def test_a_correction_refuses_every_wrong_field_at_once():
    with pytest.raises(ValidationError) as caught:
        clean_contact_correction(
            {"nama": "Si", "hp": "123", "surel": "siti@"},
            texts=NAME_RULE,
            phone_field="hp",
            email_field="surel",
        )
    errors = caught.value.message_dict
    assert errors["nama"] == ["Tulis nama lengkap."]
    assert set(errors) == {"nama", "hp", "surel"}


def test_a_correction_with_nothing_written_is_refused():
    with pytest.raises(ValidationError) as caught:
        clean_contact_correction(
            {"nama": "  ", "hp": ""}, texts=NAME_RULE, phone_field="hp", email_field="surel"
        )
    assert caught.value.messages == ["Tulis data yang ingin Anda perbaiki."]
