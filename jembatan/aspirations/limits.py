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
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from jembatan.accounts.phone import normalize_phone
from jembatan.core.ratelimit import rate_limit_batch, rate_limit_give_back, visitor_key

SUBMIT_WINDOW = 600
CONTACT_WINDOW = 3600
ATTEMPTS_PER_ACCEPTED = 5


@dataclass
class Allowance:
    """What the limits say of one POST, before the form is validated, and what was
    counted ahead for it: the address's and the contacts' stored cases are counted in the
    same trip that reads them (``check``), and given back (``settle``) unless the POST
    stored a case (``keep``). A stored case, the common outcome, then costs one round
    trip to Redis instead of two; a refused, invalid or retried form costs a second one,
    as before, and in the end still counts nothing."""

    address_refused: bool  # flood guard passed, or the address's allowance used up
    contact_refused: bool  # the phone number's or email's allowance used up
    address: str = ""  # the visitor's key, its stored case counted ahead
    contacts: list[str] = field(default_factory=list)  # the contacts' keys, counted ahead
    kept_address: bool = False
    kept_contacts: bool = False

    def keep(self, *, contacts: bool = True) -> None:
        """The POST stored a case (or is answered as if it had): its counts stay."""
        self.kept_address = True
        self.kept_contacts = contacts


def check(request: HttpRequest, post: Mapping[str, Any]) -> Allowance:
    """Count this POST toward the flood guard, and count a stored case ahead for the
    address and the contacts, in one round trip to the cache
    (core.ratelimit.rate_limit_batch): the counts before this POST are those less one.
    ``settle`` gives back what was counted ahead unless the POST stored a case.

    The contacts are read from the posted fields as the form cleans them (stripped;
    the email in lower case), so a valid form is judged by the same keys that a stored
    case is counted under; an invalid one is refused by the form anyway."""
    limit = settings.ASPIRATION_SUBMIT_LIMIT
    visitor = visitor_key(request)
    contacts = _contact_keys(post)
    (attempts, stored, *by_contact), _ = rate_limit_batch(
        hits=[
            ("aspiration-attempt", visitor, SUBMIT_WINDOW),
            ("aspiration", visitor, SUBMIT_WINDOW),
        ]
        + [("aspiration-contact", key, CONTACT_WINDOW) for key in contacts]
    )
    return Allowance(
        address_refused=attempts > limit * ATTEMPTS_PER_ACCEPTED or stored > limit,
        contact_refused=any(n > settings.ASPIRATION_SUBMIT_CONTACT_LIMIT for n in by_contact),
        address=visitor,
        contacts=contacts,
    )


def settle(allowance: Allowance) -> None:
    """Give back what ``check`` counted ahead and the POST did not keep (one round trip,
    none when everything was kept): only stored aspirations use up the allowances."""
    back = []
    if not allowance.kept_address:
        back.append(("aspiration", allowance.address))
    if not allowance.kept_contacts:
        back += [("aspiration-contact", key) for key in allowance.contacts]
    rate_limit_give_back(back)
    allowance.kept_address = allowance.kept_contacts = True  # settled once


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
