"""Rate limits of the API (DRF throttles, counted in the Django cache).

The rates are read from settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] on each
request (DRF's own classes read them once, at import), so that tests can change them."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from jembatan.core.ratelimit import client_address


class _CurrentRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # The visitor as the rate limits and the login lockout see them (PROXY_COUNT),
        # not DRF's own reading of X-Forwarded-For.
        return client_address(request)


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
