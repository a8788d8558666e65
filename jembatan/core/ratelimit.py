"""Fixed-window rate limits on the shared cache (Redis in production).

Addresses are hashed with the secret key before they become cache keys, and are
never stored anywhere else.
"""

from __future__ import annotations

import hashlib

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from redis.commands.core import Script


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
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _redis_hit(backend, cache_key, window) > limit
    try:
        hits = cache.incr(cache_key)  # the common case: the window is open
    except ValueError:  # no window yet (or it just expired): open one
        # (unless another request opened it in between)
        hits = 1 if cache.add(cache_key, 1, timeout=window) else cache.incr(cache_key)
    return hits > limit


# Count the hit and open the window with the first one, in one command. EXPIRE only on
# the first hit: later hits never push the window's end further out.
_HIT = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return hits
"""
_hit_scripts: dict[str, Script] = {}


def _redis_hit(backend: RedisCache, cache_key: str, window: int) -> int:
    """One round trip and one small client per process.

    Django's ``incr`` asks ``EXISTS`` before ``INCR`` (``add`` is a third trip) and
    builds a client object per call; on the public forms that was a tenth of a request.
    The value is a plain Redis integer, which Django's Redis serializer reads back as an
    int, so ``cache.get`` (``rate_limit_reached``) still works.
    """
    # Writes go to the first server in Django's RedisCache; _servers has no public twin.
    location = backend._servers[0]
    script = _hit_scripts.get(location)
    if script is None:
        script = redis.Redis.from_url(location).register_script(_HIT)
        _hit_scripts[location] = script
    return int(script(keys=[backend.make_and_validate_key(cache_key)], args=[window]))
