"""A person's contact, an Indonesian phone number or an email address, read the same way
by every form that asks for one (aspirations, PPID requests, dialogue codes, KIM members).

Phone numbers take the canonical ``+62…`` form (``accounts.phone``), addresses lower case,
so that a contact compares equal however it was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from jembatan.accounts.phone import normalize_phone


def normalize_email(value: str) -> str:
    """' Warga@Example.ID' -> 'warga@example.id'; ValidationError when it is no address."""
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Alamat email tidak valid."), code="invalid_email") from None
    return email


def normalize_contact(value: str) -> tuple[str, str]:
    """('+6281234567890', 'phone') or ('warga@example.id', 'email'); ValidationError else."""
    value = (value or "").strip()
    if "@" in value:
        return normalize_email(value), "email"
    return normalize_phone(value), "phone"


def clean_phone_and_email(
    data: Mapping[str, Any], *, phone_field: str, email_field: str, errors: dict[str, str]
) -> tuple[str, str]:
    """The phone and the email of a form's data, each normalized or "" when left empty.

    A value that is not a phone number or an address puts its message into ``errors``
    under its field's name (the caller raises them all together) and comes back as typed.
    """
    phone = (data.get(phone_field) or "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            errors[phone_field] = exc.messages[0]
    email = (data.get(email_field) or "").strip().lower()
    if email:
        try:
            email = normalize_email(email)
        except ValidationError as exc:
            errors[email_field] = exc.messages[0]
    return phone, email


def clean_contact_correction(
    data: Mapping[str, Any],
    *,
    texts: Mapping[str, tuple[int, int, str]],
    phone_field: str,
    email_field: str,
) -> dict[str, str]:
    """The fields a data subject corrects (UU 27/2022 Pasal 6), read from ``data``: each
    text field of ``texts`` (its name -> the shortest and longest length allowed and the
    message when outside them) with its white space folded, then the phone and the email,
    normalized. A field left empty is not in the result (it keeps its value).

    Raises one ValidationError with every field's message, or a plain one when nothing
    was written."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field, (shortest, longest, message) in texts.items():
        text = " ".join((data.get(field) or "").split())
        if text:
            if not shortest <= len(text) <= longest:
                errors[field] = message
            values[field] = text
    phone, email = clean_phone_and_email(
        data, phone_field=phone_field, email_field=email_field, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    if phone:
        values[phone_field] = phone
    if email:
        values[email_field] = email
    if not values:
        raise ValidationError(_("Tulis data yang ingin Anda perbaiki."))
    return values
