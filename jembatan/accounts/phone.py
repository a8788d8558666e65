"""Indonesian phone numbers, stored in one canonical form (+62...)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-().]")


def normalize_phone(value: str) -> str:
    """'0812-3456-7890', '62812...', '+62 812...' -> '+6281234567890'.

    Raises ValidationError for anything that is not an Indonesian number.
    """
    digits = _SEPARATORS.sub("", value or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not digits.isdigit() or not digits.startswith("62") or not 9 <= len(digits) - 2 <= 13:
        raise ValidationError(
            _("Nomor telepon tidak valid; tulis seperti 0812 3456 7890."), code="invalid_phone"
        )
    return "+" + digits


def looks_like_phone(value: str) -> bool:
    return "@" not in value and bool(re.fullmatch(r"[+\d\s\-().]{8,}", value.strip()))
