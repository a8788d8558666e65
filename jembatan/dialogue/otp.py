"""Proving a phone number or an email address with a one-time code, and who takes part.

A citizen without an account types a phone number or an email address; a 6-digit code
goes out (email through Django's mail in a Huey task; SMS/WhatsApp through the operator's
gateway, jembatan.core.gateway.send_text, also in a task). Only keyed hashes of the
contact and of the code are stored; a code expires after 10 minutes and allows 5 tries.
Once proven, the session holds the contact's hash and the name typed for 2 hours: that
hash is what makes "one response per person" and blocking work.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from jembatan.accounts.contact import normalize_contact
from jembatan.core.tasks import enqueue_on_commit
from jembatan.dialogue.models import OneTimeCode
from jembatan.dialogue.tasks import send_code

CODE_TTL = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
SESSION_KEY = "dialogue_participant"
SESSION_TTL = 2 * 3600


def _keyed(text: str) -> str:
    return hmac.new(
        f"dialogue:{settings.SECRET_KEY}".encode(), text.encode(), hashlib.sha256
    ).hexdigest()


def contact_hash(normalized: str) -> str:
    return _keyed(f"contact:{normalized}")


def _code_hash(code: str, hashed_contact: str) -> str:
    return _keyed(f"code:{hashed_contact}:{code}")


def code_request(*, contact: str, channel: str, kabupaten_code: str | None = None) -> OneTimeCode:
    """Make a code for a contact and send it after commit, through the gateway of the
    kabupaten's tenant (core.gateway). Rate limits are the view's."""
    normalized, kind = normalize_contact(contact)
    if kind == "email":
        channel = OneTimeCode.Channel.EMAIL
    elif channel not in (OneTimeCode.Channel.SMS, OneTimeCode.Channel.WHATSAPP):
        channel = OneTimeCode.Channel.SMS
    code = f"{secrets.randbelow(1_000_000):06d}"
    hashed = contact_hash(normalized)
    now = timezone.now()

    with transaction.atomic():
        # A new code replaces any earlier one for the same contact.
        OneTimeCode.objects.filter(contact_hash=hashed, verified_at__isnull=True).update(
            expires_at=now
        )
        row = OneTimeCode.objects.create(
            contact_hash=hashed,
            code_hash=_code_hash(code, hashed),
            channel=channel,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        # The code travels to the task once, in the queue; it is never stored here.
        enqueue_on_commit(send_code, channel, normalized, code, kabupaten_code)
    return row


def code_verify(*, contact: str, code: str) -> str:
    """The contact's hash when the code is right; ValidationError (and one try used) else."""
    normalized, _kind = normalize_contact(contact)
    return code_verify_hashed(hashed=contact_hash(normalized), code=code)


def code_verify_hashed(*, hashed: str, code: str) -> str:
    """As code_verify, for a caller that kept only the contact's hash (the session)."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    now = timezone.now()
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(contact_hash=hashed, verified_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if row is None:
            raise ValidationError(_("Kode sudah kedaluwarsa atau belum diminta. Minta kode baru."))
        if row.attempts >= MAX_ATTEMPTS:
            raise ValidationError(_("Terlalu banyak percobaan. Minta kode baru."))
        if not hmac.compare_digest(row.code_hash, _code_hash(code, hashed)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            left = MAX_ATTEMPTS - row.attempts
            # Raised after the block, so that the used try is committed.
            error = ValidationError(
                _("Kode salah. Sisa percobaan: %(n)s.") % {"n": left}
                if left
                else _("Kode salah. Minta kode baru.")
            )
        else:
            row.verified_at = now
            row.save(update_fields=["verified_at"])
            return hashed
    raise error


# --- Who takes part --------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    """A signed-in user, or a citizen whose contact was proven by a code."""

    name: str
    user_id: int | None = None
    contact_hash: str = ""

    @property
    def key(self) -> str:
        return f"u:{self.user_id}" if self.user_id is not None else self.contact_hash


def remember_participant(request: HttpRequest, *, name: str, hashed_contact: str) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "name": " ".join(name.split())[:120],
        "hash": hashed_contact,
        "until": int(time.time()) + SESSION_TTL,
    }


def forget_participant(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def participant_for(request: HttpRequest) -> Participant | None:
    user = request.user
    if user.is_authenticated:
        return Participant(name=user.full_name or _("Warga"), user_id=user.pk)
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or int(data.get("until", 0)) < time.time():
        return None
    if not data.get("hash") or not data.get("name"):
        return None
    return Participant(name=data["name"], contact_hash=data["hash"])
