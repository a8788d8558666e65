"""How many aspirations the public form accepts from one address and one contact.

Only stored aspirations count. Villagers reach the site through a carrier's NAT or one
posko Wi-Fi, so one address is many people, and a form sent back for a typo must not use
up anyone's allowance. The address limit (``ASPIRATION_SUBMIT_LIMIT`` per 10 minutes) is
therefore generous; the phone number or email (``ASPIRATION_SUBMIT_CONTACT_LIMIT`` per
hour) belongs to one person and is held lower. Every POST, valid or not, still counts
toward a much higher flood guard (``ATTEMPTS_PER_ACCEPTED`` times the address limit), so a
script hammering the validation is refused too.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from jembatan.accounts.phone import normalize_phone
from jembatan.core.ratelimit import rate_limit_exceeded, rate_limit_full, visitor_key

SUBMIT_WINDOW = 600
CONTACT_WINDOW = 3600
ATTEMPTS_PER_ACCEPTED = 5


def attempts_exceeded(request: HttpRequest) -> bool:
    """Count this POST toward the flood guard; True once the guard is passed."""
    return rate_limit_exceeded(
        "aspiration-attempt",
        visitor_key(request),
        limit=settings.ASPIRATION_SUBMIT_LIMIT * ATTEMPTS_PER_ACCEPTED,
        window=SUBMIT_WINDOW,
    )


def address_full(request: HttpRequest) -> bool:
    return rate_limit_full(
        "aspiration", visitor_key(request), limit=settings.ASPIRATION_SUBMIT_LIMIT
    )


def _contact_keys(data: dict) -> list[str]:
    contacts = []
    phone = (data.get("reporter_phone") or "").strip()
    if phone:
        try:
            contacts.append(normalize_phone(phone))
        except ValidationError:
            contacts.append(phone)  # the service refuses it; nothing is counted then
    email = (data.get("reporter_email") or "").strip().lower()
    if email:
        contacts.append(email)
    return [
        hashlib.sha256(f"{settings.SECRET_KEY}:{contact}".encode()).hexdigest()[:32]
        for contact in contacts
    ]


def contact_full(data: dict) -> bool:
    limit = settings.ASPIRATION_SUBMIT_CONTACT_LIMIT
    return any(rate_limit_full("aspiration-contact", k, limit=limit) for k in _contact_keys(data))


def count_accepted(request: HttpRequest, data: dict) -> None:
    """Count one stored aspiration for the address and for each contact it gave."""
    rate_limit_exceeded(
        "aspiration",
        visitor_key(request),
        limit=settings.ASPIRATION_SUBMIT_LIMIT,
        window=SUBMIT_WINDOW,
    )
    for key in _contact_keys(data):
        rate_limit_exceeded(
            "aspiration-contact",
            key,
            limit=settings.ASPIRATION_SUBMIT_CONTACT_LIMIT,
            window=CONTACT_WINDOW,
        )
