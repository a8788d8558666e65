"""Two-factor sign-in: who must use it, device set-up, codes, and the lock on wrong codes.

A user signs in with a password first (accounts.views.LoginView); a session is *verified*
once django-otp has recorded the device that accepted a code (django_otp.login). Until
then TwoFactorMiddleware keeps the session on the set-up and verification pages.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jembatan.accounts.access import actor
from jembatan.accounts.audit import audit_record
from jembatan.accounts.audit_actions import AuditAction
from jembatan.accounts.models import Role, User
from jembatan.core.compiled import CompiledQuery
from jembatan.core.ratelimit import rate_limit_exceeded, rate_limit_reached

BACKUP_CODE_COUNT = 10
DEVICE_NAME = "default"
_FAILURE_SCOPE = "otp-fail"


def requires_two_factor(user: User) -> bool:
    """Operators, kabupaten admins, superusers and admin-site users must use a second factor."""
    if not user.is_authenticated or not settings.TWO_FACTOR_REQUIRED:
        return False
    if user.is_demo and settings.DEBUG:
        # `make run` prints demo logins with a published password; they never work with
        # DEBUG off, so exempting them here keeps the demo usable without weakening production.
        return False
    if user.is_superuser or user.is_staff:
        return True
    # Operators and kabupaten admins: this runs on every request of a session that has no
    # second factor yet, so it reads the roles the request's access checks read anyway.
    return any(m.role in (Role.OPERATOR, Role.KABUPATEN_ADMIN) for m in actor(user).memberships)


def has_confirmed_device(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_verification(user: User) -> bool:
    """Signed in with a password but not yet with a code, where a code is expected."""
    # (a user just signed in by auth.login has no is_verified yet: OTPMiddleware adds it)
    verified = getattr(user, "is_verified", None)
    if not user.is_authenticated or (verified is not None and verified()):
        return False
    return has_confirmed_device(user) or requires_two_factor(user)


# One compiled query per kind of device (TOTP, backup codes).
_device_queries: dict[type[Device], CompiledQuery[Device]] = {}


def _device_query(device_cls: type[Device]) -> CompiledQuery[Device]:
    query = _device_queries.get(device_cls)
    if query is None:
        query = CompiledQuery(
            lambda pk: device_cls.objects.filter(id=pk).order_by("pk")[:1], -424242
        )
        _device_queries[device_cls] = query
    return query


def device_read(persistent_id: str) -> tuple[CompiledQuery[Device], tuple[int]] | None:
    """The read that finds the device a verified session names (django-otp's persistent
    id, "otp_totp.totpdevice/12"), or None when the id names no kind of device."""
    try:
        model_label, device_id = persistent_id.rsplit("/", 1)
        app_label, model_name = model_label.split(".")
        device_cls = apps.get_model(app_label, model_name)
        pk = int(device_id)
    except (ValueError, LookupError):
        return None
    if not issubclass(device_cls, Device):
        return None
    return _device_query(device_cls), (pk,)


def device_from_persistent_id(persistent_id: str) -> Device | None:
    """The device a verified session names (``Device.from_persistent_id`` of django-otp),
    read on every signed-in request by a query compiled once per process; None when
    there is no such device."""
    read = device_read(persistent_id)
    if read is None:
        return None
    query, values = read
    found = query(*values)
    return found[0] if found else None


def pending_totp_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the set-up page shows (made once, then reused)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def is_locked(user: User) -> bool:
    return rate_limit_reached(
        _FAILURE_SCOPE, str(user.pk), limit=settings.TWO_FACTOR_FAILURE_LIMIT - 1
    )


def _count_failure(user: User) -> None:
    rate_limit_exceeded(
        _FAILURE_SCOPE,
        str(user.pk),
        limit=settings.TWO_FACTOR_FAILURE_LIMIT,
        window=settings.TWO_FACTOR_LOCK_SECONDS,
    )


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def verify_code(*, user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The confirmed device that accepts the code (a TOTP code or an unused backup code).

    A TOTP code is accepted once (django-otp keeps the last time step used); a backup code
    is deleted when used. Failures count towards the lock; callers check is_locked first.
    """
    token = _normalise(code)
    if token:
        with transaction.atomic():
            for device in devices_for_user(user, confirmed=True, for_verify=True):
                if device.verify_token(token):
                    if isinstance(device, StaticDevice):
                        audit_record(actor=user, action=AuditAction.BACKUP_CODE_USED, target=user)
                    return device
    _count_failure(user)
    return None


def _new_backup_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return codes


def two_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator with its first code; returns the backup codes, or None."""
    if device.user_id != user.pk or device.confirmed:
        return None
    with transaction.atomic():
        if not device.verify_token(_normalise(code)):
            _count_failure(user)
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_backup_codes(user)
        audit_record(
            actor=user,
            action=AuditAction.DEVICE_ADDED,
            target=user,
            after={"device": device.pk, "backup_codes": len(codes)},
        )
    return codes


def backup_codes_regenerate(*, user: User) -> list[str]:
    with transaction.atomic():
        codes = _new_backup_codes(user)
        audit_record(actor=user, action=AuditAction.BACKUP_REGENERATED, target=user)
    return codes


def remaining_backup_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_disable(*, user: User) -> bool:
    """Remove every device, unless the user's role requires a second factor."""
    if requires_two_factor(user):
        return False
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).count()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(
            actor=user, action=AuditAction.DEVICE_REMOVED, target=user, before={"devices": removed}
        )
    return True
