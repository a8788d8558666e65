"""Fixed-window rate limits on the shared cache (Redis in production).

Addresses are hashed with the secret key before they become cache keys, and are
never stored anywhere else.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The visitor's address, trusting only as many X-Forwarded-For hops as proxies we run."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def visitor_key(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode())
    return digest.hexdigest()[:32]


def rate_limit_reached(scope: str, key: str, *, limit: int) -> bool:
    """Whether the window's count is already over the limit, without counting a hit."""
    return (cache.get(f"rl:{scope}:{key}") or 0) > limit


def rate_limit_exceeded(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one hit for key in scope; True once more than limit hits fell in the window."""
    cache_key = f"rl:{scope}:{key}"
    try:
        hits = cache.incr(cache_key)  # the common case: the window is open
    except ValueError:  # no window yet (or it just expired): open one
        # (unless another request opened it in between)
        hits = 1 if cache.add(cache_key, 1, timeout=window) else cache.incr(cache_key)
    return hits > limit
