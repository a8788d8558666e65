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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from jembatan.accounts.phone import normalize_phone
from jembatan.core.ratelimit import rate_limit_batch, visitor_key

SUBMIT_WINDOW = 600
CONTACT_WINDOW = 3600
ATTEMPTS_PER_ACCEPTED = 5


@dataclass(frozen=True)
class Allowance:
    """What the limits say of one POST, before the form is validated."""

    address_refused: bool  # flood guard passed, or the address's allowance used up
    contact_refused: bool  # the phone number's or email's allowance used up


def check(request: HttpRequest, post: Mapping[str, Any]) -> Allowance:
    """Count this POST toward the flood guard and read the address's and the contacts'
    allowances, in one round trip to the cache (core.ratelimit.rate_limit_batch).

    The contacts are read from the posted fields as the form cleans them (stripped;
    the email in lower case), so a valid form is judged by the same keys that
    ``count_accepted`` counts; an invalid one is refused by the form anyway."""
    limit = settings.ASPIRATION_SUBMIT_LIMIT
    visitor = visitor_key(request)
    (attempts,), (stored, *by_contact) = rate_limit_batch(
        hits=[("aspiration-attempt", visitor, SUBMIT_WINDOW)],
        reads=[("aspiration", visitor)]
        + [("aspiration-contact", key) for key in _contact_keys(post)],
    )
    return Allowance(
        address_refused=attempts > limit * ATTEMPTS_PER_ACCEPTED or stored >= limit,
        contact_refused=any(n >= settings.ASPIRATION_SUBMIT_CONTACT_LIMIT for n in by_contact),
    )


def _contact_keys(data: Mapping[str, Any]) -> list[str]:
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


def count_accepted(request: HttpRequest, data: Mapping[str, Any]) -> None:
    """Count one stored aspiration for the address and for each contact it gave (one
    round trip)."""
    rate_limit_batch(
        hits=[("aspiration", visitor_key(request), SUBMIT_WINDOW)]
        + [("aspiration-contact", key, CONTACT_WINDOW) for key in _contact_keys(data)]
    )
