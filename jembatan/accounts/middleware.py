"""Session policies: idle sessions end, and unverified sessions stay on the second step."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user_model, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.models import Device

from jembatan.accounts.access import actor, roles_read, workspace_scope
from jembatan.accounts.backends import EmailOrPhoneBackend, user_read
from jembatan.accounts.tenant_scope import scope_code
from jembatan.accounts.two_factor import (
    device_from_persistent_id,
    device_read,
    has_confirmed_device,
    needs_verification,
)
from jembatan.core.compiled import read_together
from jembatan.core.urlmemo import memo_urls

LAST_ACTIVITY_KEY = "last_activity"
# The backend whose get_user reads the user by the compiled query read ahead here.
_OUR_BACKEND = f"{EmailOrPhoneBackend.__module__}.{EmailOrPhoneBackend.__qualname__}"
# Writing the session on every request would cost a write per page; a minute is precise
# enough for a two-hour idle limit.
_ACTIVITY_RESOLUTION = 60


class SessionIdleTimeoutMiddleware:
    """Sign out a session after SESSION_IDLE_TIMEOUT seconds without a request.

    The absolute limit is SESSION_COOKIE_AGE (12 hours from sign-in). Shared laptops at
    the balai desa are the reason for the idle limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request,
                    _("Sesi Anda berakhir karena lama tidak aktif. Silakan masuk kembali."),
                )
            elif not isinstance(last, int) or now - last >= _ACTIVITY_RESOLUTION:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def _open_paths() -> tuple[str, ...]:
    """The paths a half-signed-in session may reach: six reversals once per process
    (and script prefix and URLconf; a changed STATIC_URL is a changed setting, which the
    memo forgets) instead of on every signed-in request."""
    return memo_urls("accounts.open_paths", _reverse_open_paths)


def _reverse_open_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:two_factor_setup"),
        reverse("accounts:two_factor_verify"),
        reverse("accounts:logout"),
        settings.STATIC_URL,
        "/i18n/",
        "/jsi18n/",
        "/healthz",
        reverse("core:service_worker"),
        reverse("core:manifest"),
        reverse("core:offline"),
    )


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's middleware (``request.user.otp_device``, ``is_verified()``), the
    session's device read by a query compiled once per process: every signed-in request
    makes it. Its checks are django-otp's (the device is the user's and confirmed).

    ``request.user`` is then the user itself, not django-otp's lazy object in front of
    Django's: the next middleware (the idle-session check) reads it on every request
    anyway, and each of the hundreds of reads of ``request.user`` a staff page makes went
    through both proxies. No query is added: a request without a session has an
    anonymous user without one."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._is_async:
            return super().__call__(request)
        self._install_lazy_accessors(request)
        # The user, the device and the roles in one round trip (read_together); the roles
        # are kept on the user for the request (accounts.access.actor), as every signed-in
        # request reads them (the workspace scope below).
        with read_together(_session_reads(request)):
            request.user = user = _evaluated(request.user)
            if user.is_authenticated:
                actor(user)
        return self.get_response(request)

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        return device_from_persistent_id(self._normalize_persistent_id(persistent_id))


def _session_reads(request: HttpRequest) -> list[tuple[Any, tuple[int | str, ...]]]:
    """The reads the session's sign-in is about to make: the user (by our backend), its
    roles and the second step's device. What the session does not say is not read."""
    session = getattr(request, "session", None)
    if session is None:
        return []
    try:
        if session.get(BACKEND_SESSION_KEY) != _OUR_BACKEND:
            return []
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
    except (KeyError, ValidationError):
        return []
    if type(user_id) is not int:
        return []
    reads: list[tuple[Any, tuple[int | str, ...]]] = [user_read(user_id), roles_read(user_id)]
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if persistent_id:
        device = device_read(DjangoOTPMiddleware._normalize_persistent_id(persistent_id))
        if device is not None:
            reads.append(device)
    return reads


def _evaluated(value: Any) -> Any:
    """The object behind Django's lazy objects, each evaluated."""
    while isinstance(value, LazyObject):
        lazy: Any = value  # _wrapped and _setup are not in the stubs
        if lazy._wrapped is empty:
            lazy._setup()
        value = lazy._wrapped
    return value


class TwoFactorMiddleware:
    """A session signed in with a password alone reaches only the second-step pages.

    That holds for users with an authenticator (until they enter a code) and for users
    whose role requires one (until they set it up); /admin/ included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_open_paths())
            and needs_verification(user)
        ):
            name = (
                "accounts:two_factor_verify"
                if has_confirmed_device(user)
                else "accounts:two_factor_setup"
            )
            target = reverse(name)
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(target)
        return self.get_response(request)


class WorkspaceScopeMiddleware:
    """Narrows the access helpers to one kabupaten/kota for the whole request: the one the
    user chose in the workspace, else the host's (``accounts.tenant_scope.scope_code``).
    Every list, count and permission then reads that kabupaten only; "all my kabupaten"
    lifts it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        with workspace_scope(scope_code(request)):
            return self.get_response(request)
