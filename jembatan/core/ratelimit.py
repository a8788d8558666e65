"""Fixed-window rate limits on the shared cache: Redis in production, else the SQLite file
of jembatan.core.sqlitecache (shared by the workers of one machine, atomic ``incr``).

Addresses are hashed with the secret key before they become cache keys, and are
never stored anywhere else.

While Redis is unreachable the shared limits fail OPEN (with a warning, at most once a
minute): a request is never refused, nor answered with an error, because Redis is down, so
citizens can still send their aspirations and requests. Each process then counts on its
own, in memory, until Redis is back: the limits loosen (each app worker allows ``limit``)
but stay in force, including the lock on wrong second-factor codes.
"""

from __future__ import annotations

import hashlib

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from redis.commands.core import Script

from jembatan.core.cache import UNAVAILABLE, redis_failed, redis_is_down


def client_address(request: HttpRequest) -> str:
    """The visitor's address, trusting only as many X-Forwarded-For hops as proxies we run.

    The one definition of "the visitor" for rate limits, the login lockout (axes'
    AXES_CLIENT_IP_CALLABLE) and reach counting; the API throttles use PROXY_COUNT too.
    """
    proxies = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def visitor_key(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode())
    return digest.hexdigest()[:32]


# This process's own counts while Redis is unreachable (see the module's docstring).
_fallback = LocMemCache("jembatan-ratelimit-fallback", {"OPTIONS": {"max_entries": 10000}})


def rate_limit_reached(scope: str, key: str, *, limit: int) -> bool:
    """Whether the window's count is already over the limit, without counting a hit."""
    cache_key = f"rl:{scope}:{key}"
    hits = cache.get(cache_key) or 0
    backend = caches["default"]
    # RedisCache._servers (the locations) is missing from the stubs.
    if isinstance(backend, RedisCache) and redis_is_down(backend._servers[0]):  # type: ignore[attr-defined]
        hits = max(hits, _fallback.get(cache_key) or 0)
    return hits > limit


def rate_limit_full(scope: str, key: str, *, limit: int) -> bool:
    """Whether ``limit`` hits were already counted in the window, without counting one.

    For limits that count only what succeeded (an aspiration stored, a code sent): ask this
    before the work, call ``rate_limit_exceeded`` (its answer unused) after it succeeded.
    A refused or invalid attempt then costs the visitor nothing.
    """
    return rate_limit_reached(scope, key, limit=limit - 1)


def rate_limit_exceeded(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one hit for key in scope; True once more than limit hits fell in the window."""
    cache_key = f"rl:{scope}:{key}"
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        hits = _redis_hit(backend, cache_key, window)
        if hits is None:  # Redis unreachable: count in this process
            hits = _local_hit(_fallback, cache_key, window)
        return hits > limit
    return _local_hit(cache, cache_key, window) > limit


def _local_hit(counts: BaseCache, cache_key: str, window: int) -> int:
    try:
        return counts.incr(cache_key)  # the common case: the window is open
    except ValueError:  # no window yet (or it just expired): open one
        # (unless another request opened it in between)
        return 1 if counts.add(cache_key, 1, timeout=window) else counts.incr(cache_key)


# Count the hit and open the window with the first one, in one command. EXPIRE only on
# the first hit: later hits never push the window's end further out.
_HIT = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return hits
"""
_hit_scripts: dict[str, Script] = {}


def _redis_hit(backend: RedisCache, cache_key: str, window: int) -> int | None:
    """One round trip and one small client per process.

    Django's ``incr`` asks ``EXISTS`` before ``INCR`` (``add`` is a third trip) and
    builds a client object per call; on the public forms that was a tenth of a request.
    The value is a plain Redis integer, which Django's Redis serializer reads back as an
    int, so ``cache.get`` (``rate_limit_reached``) still works. None when Redis is
    unreachable: the caller counts in this process instead.
    """
    # Writes go to the first server in Django's RedisCache; _servers has no public twin.
    location = backend._servers[0]  # type: ignore[attr-defined]  # unstubbed, as above
    if redis_is_down(location):
        return None  # skipped for a few seconds after a failure (jembatan.core.cache)
    script = _hit_scripts.get(location)
    if script is None:
        # The cache's own socket timeouts: a dead Redis must cost milliseconds, not seconds.
        options = backend._options  # type: ignore[attr-defined]  # unstubbed, as _servers
        timeouts = {
            name: options[name]
            for name in ("socket_connect_timeout", "socket_timeout")
            if name in options
        }
        script = redis.Redis.from_url(location, **timeouts).register_script(_HIT)
        _hit_scripts[location] = script
    try:
        return int(script(keys=[backend.make_and_validate_key(cache_key)], args=[window]))
    except UNAVAILABLE as exc:
        redis_failed(location, exc, what="rate limits, counted per process")
        return None


def too_many_attempts(request: HttpRequest, *, window: int) -> HttpResponse:
    """The 429 page of a visitor over a lookup limit: says so and when to come back, so a
    valid code or link is never answered "not found" while the address is throttled."""
    minutes = max(1, -(-window // 60))
    message = ngettext(
        "Terlalu banyak percobaan, coba lagi dalam %(n)d menit.",
        "Terlalu banyak percobaan, coba lagi dalam %(n)d menit.",
        minutes,
    ) % {"n": minutes}
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(window)
    return response
