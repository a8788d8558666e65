"""The login lockout: failures counted per account and per address, whatever was typed.

django-axes records every failed password check (the sign-in page, /admin/, anything that
calls ``authenticate``) as a row keyed by *username*, address and browser. Two settings
make those keys mean something here:

- ``AXES_USERNAME_CALLABLE`` = ``lockout_username``: the account the login resolves to
  (``user:<pk>``), so ``Siti@…``, `` siti@…`` and ``0812…``/``+62 812…`` share one count;
  a login that matches no account counts under its normalised form.
- ``AXES_CLIENT_IP_CALLABLE`` = ``core.ratelimit.client_address``: the visitor's address
  behind our proxies, the one the rate limits use (not nginx's, which everyone shares).

axes compares one number with one limit; the rules below need three counts, so the small
``LoginLockoutHandler`` decides (it only overrides how failures are summed and what a
successful sign-in clears; recording stays axes'). Within the cool-off:

- an address is refused after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures on any accounts
  (higher than the per-account limit: many phones share one carrier address);
- an account is locked after ``AXES_FAILURE_LIMIT`` failures from anywhere. The lock holds
  for every address that took part, but an address with no failure on that account may
  still try the password *if the account has a second factor*: the owner signs in with
  password + code while the attacker's address stays refused. (The price is one guess per
  fresh address during the lock, and a right guess still stops at the code.) Without a
  second factor the owner uses a reset link: setting a new password lifts the lock;
- ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures on one account lock it for every address.

A successful sign-in clears the failures of that account from that address only: signing in
to one's own account must not wipe an address's failures on others.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jembatan.accounts.audit import audit_record
from jembatan.accounts.audit_actions import AuditAction
from jembatan.accounts.backends import find_user_by_login
from jembatan.accounts.models import User
from jembatan.accounts.phone import looks_like_phone, normalize_phone
from jembatan.accounts.two_factor import has_confirmed_device

ACCOUNT_PREFIX = "user:"


def normalise_login(login: str) -> str:
    """The one spelling of a login that matches no account: trimmed, lower case, +62..."""
    login = (login or "").strip().lower()
    if looks_like_phone(login):
        try:
            return normalize_phone(login)
        except ValidationError:
            pass
    return login


def login_key(login: str) -> str:
    """``user:<pk>`` for the account a login resolves to, else the normalised login."""
    user = find_user_by_login(login)
    return f"{ACCOUNT_PREFIX}{user.pk}" if user is not None else normalise_login(login)


def lockout_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the key of the account, however its login was written."""
    login = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if login is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:  # just signed in, no e-mail address
            return f"{ACCOUNT_PREFIX}{user.pk}"
        login = request.POST.get(settings.AXES_USERNAME_FORM_FIELD) if request.POST else None
    if login is None:
        return None
    # One request asks several times (check, record, sum): resolve the account once.
    memo = getattr(request, "_lockout_keys", None) if request is not None else None
    if memo is None:
        memo = {}
        if request is not None:
            request._lockout_keys = memo  # type: ignore[attr-defined]  # read by getattr
    if login not in memo:
        memo[login] = login_key(login)
    return memo[login]


def _has_second_factor(username: str) -> bool:
    if not username.startswith(ACCOUNT_PREFIX):
        return False
    user = User.objects.filter(pk=username.removeprefix(ACCOUNT_PREFIX)).first()
    return user is not None and has_confirmed_device(user)


def _failures(**filters: Any) -> int:
    total = AccessAttempt.objects.filter(**filters).aggregate(n=Sum("failures_since_start"))
    return total["n"] or 0


class LoginLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with the rules of this module's docstring."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The account's count, or the limit itself when one of the rules locks."""
        limit = get_failure_limit(request, credentials)
        wide_limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        since = {"attempt_time__gte": get_cool_off_threshold(request)}
        address = request.axes_ip_address
        if _failures(ip_address=address, **since) >= wide_limit:
            return limit
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        account = _failures(username=username, **since)
        if account < limit:
            return account
        if account >= wide_limit:
            return limit
        took_part = _failures(username=username, ip_address=address, **since) > 0
        if took_part or not _has_second_factor(username):
            return limit
        return limit - 1

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


def account_lock_clear(*, user: User) -> int:
    """Forget an account's failed sign-ins from every address (after a password reset)."""
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(username=f"{ACCOUNT_PREFIX}{user.pk}")
        failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if not failures:
            return 0
        attempts.delete()
        audit_record(
            actor=user, action=AuditAction.LOCK_CLEARED, target=user, before={"failures": failures}
        )
    return failures


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page, 429, saying for how long and what else works."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
