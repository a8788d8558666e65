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

import contextlib
import hashlib
from collections.abc import Sequence

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


def _cache_key(scope: str, key: str) -> str:
    """Where a limit's count lives: one name for the single calls and the batch alike."""
    return f"rl:{scope}:{key}"


def rate_limit_reached(scope: str, key: str, *, limit: int) -> bool:
    """Whether the window's count is already over the limit, without counting a hit."""
    cache_key = _cache_key(scope, key)
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
    cache_key = _cache_key(scope, key)
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


def _client(backend: RedisCache) -> redis.Redis:
    """The cache's own client for its first (write) server: its pool has the cache's socket
    timeouts (a dead Redis must cost milliseconds, not seconds), and the cache keeps one
    client per pool (jembatan.core.cache), so no second pool of connections is opened."""
    return backend._cache.get_client(write=True)  # type: ignore[attr-defined]  # unstubbed


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
        script = _hit_scripts[location] = _client(backend).register_script(_HIT)
    try:
        return int(script(keys=[backend.make_and_validate_key(cache_key)], args=[window]))
    except UNAVAILABLE as exc:
        redis_failed(location, exc, what="rate limits, counted per process")
        return None


def rate_limit_batch(
    hits: Sequence[tuple[str, str, int]] = (), reads: Sequence[tuple[str, str]] = ()
) -> tuple[list[int], list[int]]:
    """Several limits at once, in one round trip to Redis: count one hit for each
    ``(scope, key, window)`` of ``hits`` (as ``rate_limit_exceeded``) and read the count
    of each ``(scope, key)`` of ``reads`` (as ``rate_limit_reached``). Returns the counts
    after the hits and the counts read, in the order asked; the caller compares them with
    its limits. A form that asks three limits pays one trip instead of three.

    The same fallbacks as one at a time: the SQLite-file cache counts each in turn, and
    while Redis is unreachable the hits are counted in this process and the reads take
    this process's counts too.
    """
    counts = [(_cache_key(scope, key), window) for scope, key, window in hits]
    read_names = [_cache_key(scope, key) for scope, key in reads]
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        counted = [_local_hit(cache, name, window) for name, window in counts]
        return counted, [cache.get(name) or 0 for name in read_names]
    location = backend._servers[0]  # type: ignore[attr-defined]  # unstubbed, as above
    if not redis_is_down(location):
        try:
            pipe = _client(backend).pipeline(transaction=False)
            for name, window in counts:
                # EVAL, not EVALSHA: a pipeline's registered script would first ask
                # SCRIPT EXISTS, a trip of its own. Redis keeps the compiled script.
                pipe.eval(_HIT, 1, backend.make_and_validate_key(name), window)
            for name in read_names:
                pipe.get(backend.make_and_validate_key(name))
            answers = pipe.execute()
        except UNAVAILABLE as exc:
            redis_failed(location, exc, what="rate limits, counted per process")
        else:
            counted = [int(a) for a in answers[: len(hits)]]
            return counted, [_count(a) for a in answers[len(hits) :]]
    counted = [_local_hit(_fallback, name, window) for name, window in counts]
    return counted, [_fallback.get(name) or 0 for name in read_names]


# Take back one hit, only from a window that is still open: a window that ended meanwhile
# is not brought back as a count below zero that never expires.
_GIVE_BACK = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end
return 0
"""


def rate_limit_give_back(hits: Sequence[tuple[str, str]]) -> None:
    """Take back one hit counted by ``rate_limit_batch`` for each ``(scope, key)``, in one
    round trip: for a limit that counts only what succeeded but was counted ahead, in the
    trip that asked whether it was allowed, and the work then did not succeed. A window
    that has ended is left alone; the same fallbacks as ``rate_limit_batch``."""
    if not hits:
        return
    names = [_cache_key(scope, key) for scope, key in hits]
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        _give_back_locally(cache, names)
        return
    location = backend._servers[0]  # type: ignore[attr-defined]  # unstubbed, as above
    if not redis_is_down(location):
        try:
            pipe = _client(backend).pipeline(transaction=False)
            for name in names:
                pipe.eval(_GIVE_BACK, 1, backend.make_and_validate_key(name))
            pipe.execute()
        except UNAVAILABLE as exc:
            redis_failed(location, exc, what="rate limits, counted per process")
        else:
            return
    _give_back_locally(_fallback, names)


def _give_back_locally(counts: BaseCache, names: list[str]) -> None:
    for name in names:
        with contextlib.suppress(ValueError):  # the window has ended: nothing to take back
            counts.decr(name)


def _count(value: bytes | None) -> int:
    """A counter as Redis holds it: the digits INCR wrote (Django's serializer stores
    integers as they are too); nothing yet is 0."""
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


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
