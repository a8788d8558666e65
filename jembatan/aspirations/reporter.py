"""The reporter's secret: what proves that a visitor is the citizen who sent a case.

The tracking code is public (on the list of cases, as Open311 ``service_request_id``,
in the API), so it only opens the case for reading. Every reporter action (following
up, accepting or disputing the answer, seeing or erasing the stored contact, seeing the
photos) needs the case's key: shown once on the success page as a private link, and sent
with the first message by e-mail or SMS. Once a visitor has opened the private link,
their session remembers it, so the citizen is not asked again on the same phone.

A KIM member who recorded a case for a neighbour acts for them while signed in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from jembatan.accounts.audit import audit_record
from jembatan.aspirations.audit_actions import AuditAction
from jembatan.aspirations.models import Aspiration, ReporterKey
from jembatan.communities.models import KimMembership
from jembatan.core.links import absolute_url
from jembatan.core.tasks import enqueue_on_commit

SESSION_KEY = "aspiration_reporter"
SESSION_NEW_KEY = "aspiration_new_key"
# 16 random bytes; ~22 characters in a link.
KEY_BYTES = 16
MAX_KEY_LENGTH = 64
SESSION_MAX_CASES = 20


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def derive_key(salt: str) -> str:
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"aspiration-reporter:{salt}".encode(), hashlib.sha256
    )
    return base64.urlsafe_b64encode(mac.digest()[:KEY_BYTES]).decode().rstrip("=")


def new_key_row(case: Aspiration, *, deliver: bool = False) -> tuple[ReporterKey, str]:
    """An unsaved key row for the case and the key itself (for the migration and bulk)."""
    salt = secrets.token_hex(16)
    key = derive_key(salt)
    return ReporterKey(aspiration=case, key_hash=hash_key(key), salt=salt, deliver=deliver), key


def reporter_key_issue(*, case: Aspiration) -> str:
    """A new key for the case; returns the key, which is stored nowhere."""
    row, key = new_key_row(case)
    with transaction.atomic():
        row.save()
        audit_record(actor=None, action=AuditAction.REPORTER_KEY, target=case)
    return key


def key_of_row(row: ReporterKey) -> str:
    """The key of a stored row again; empty once the site's secret key has changed."""
    key = derive_key(row.salt)
    return key if hash_key(key) == row.key_hash else ""


def reporter_link(case: Aspiration, request: HttpRequest | None = None) -> str:
    """The private link for messages to the reporter: from the case's first key, or the
    public address when there is none that can still be derived. On the host of
    ``request`` (the gateway's webhook), else of the work in progress (core.links)."""
    row = case.reporter_keys.order_by("id").first()
    key = key_of_row(row) if row is not None else ""
    path = private_path(case, key) if key else case.get_absolute_url()
    return absolute_url(path, request)


def key_matches(case: Aspiration, key: str) -> bool:
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        return False
    return ReporterKey.objects.filter(aspiration=case, key_hash=hash_key(key)).exists()


def private_path(case: Aspiration, key: str) -> str:
    return reverse("aspirations:track_detail", kwargs={"code": case.code}) + f"?k={key}"


# --- Who is the reporter ----------------------------------------------------------------


def remember(request: HttpRequest, case: Aspiration) -> None:
    codes = [c for c in request.session.get(SESSION_KEY, []) if c != case.code]
    request.session[SESSION_KEY] = [*codes, case.code][-SESSION_MAX_CASES:]


def remembered(request: HttpRequest, case: Aspiration) -> bool:
    return case.code in request.session.get(SESSION_KEY, [])


def acts_for_reporter(request: HttpRequest, case: Aspiration) -> bool:
    """The visitor is the reporter (holds the key in this session), or is a member of
    the KIM that recorded the case for a neighbour, or the person who recorded it."""
    if remembered(request, case):
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    if case.recorded_by_id is not None and case.recorded_by_id == user.pk:
        return True
    if case.visibility == Aspiration.Visibility.CONFIDENTIAL:
        # A confidential case is the recorder's alone among the KIM's members.
        return False
    return (
        case.kim_id is not None
        and KimMembership.objects.filter(user=user, kim_id=case.kim_id, is_active=True).exists()
    )


# --- Keys for cases that existed before keys did ----------------------------------------


def deliver_pending_keys(*, limit: int = 500) -> int:
    """Queue the "your private link" message for keys that the migration issued to cases
    whose reporter left an e-mail or phone number. Returns how many were queued."""
    queued = 0
    for row in ReporterKey.objects.filter(deliver=True).order_by("id")[:limit]:
        with transaction.atomic():
            ReporterKey.objects.filter(pk=row.pk).update(deliver=False)
            enqueue_on_commit("jembatan.aspirations.tasks.send_reporter_link", row.pk)
            queued += 1
    return queued
