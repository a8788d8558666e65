"""Rate limits of the API (DRF throttles, counted in the Django cache).

The rates are read from settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] on each
request (DRF's own classes read them once, at import), so that tests can change them."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class _CurrentRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_CurrentRate, AnonRateThrottle):
    """Anonymous readers, per address."""


class UserThrottle(_CurrentRate, UserRateThrottle):
    """Token holders, per user."""


class WriteThrottle(_CurrentRate, SimpleRateThrottle):
    """Writes (new posts, new aspirations), per user, on top of the general limit."""

    scope = "write"

    def get_cache_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS") or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
