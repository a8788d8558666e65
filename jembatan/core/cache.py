"""A Redis cache that degrades to misses while Redis is unreachable.

The cache only ever makes pages faster (page cache, per-process memos, rate-limit windows,
API throttles); none of it is the only copy of anything. So when Redis is down or slow,
every operation behaves as a miss instead of raising: ``get`` returns the default,
``set``/``add``/``delete``/``touch`` do nothing and return False, ``incr`` raises
ValueError like a missing key (callers already fall back on it). Short socket timeouts
(settings CACHES OPTIONS) bound the cost of one try; after a failure the process skips
Redis altogether for ``RETRY_SECONDS``, so a dead Redis costs a request nothing. One
warning per minute per process at most.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 5.0
WARN_EVERY_SECONDS = 60.0

_lock = threading.Lock()
_down_until: dict[str, float] = {}  # per location: skip Redis until this monotonic time
_last_warning: dict[str, float] = {}

T = TypeVar("T")


def redis_is_down(location: str) -> bool:
    return _down_until.get(location, 0.0) > time.monotonic()


def redis_failed(location: str, exc: BaseException, *, what: str = "cache") -> None:
    """Note that Redis at ``location`` failed: skip it for a while, warn once a minute."""
    now = time.monotonic()
    with _lock:
        _down_until[location] = now + RETRY_SECONDS
        warn = now - _last_warning.get(location, -WARN_EVERY_SECONDS) >= WARN_EVERY_SECONDS
        if warn:
            _last_warning[location] = now
    if warn:
        logger.warning(
            "Redis unreachable (%s): %s; carrying on without it.", what, type(exc).__name__
        )


def reset() -> None:
    """Forget past failures (tests; after Redis is known to be back)."""
    with _lock:
        _down_until.clear()
        _last_warning.clear()


def _degrade(on_failure: Callable[..., Any]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    def decorator(method: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(method)
        def wrapper(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> T:
            location = self._servers[0]  # type: ignore[attr-defined]  # RedisCache's, unstubbed
            if redis_is_down(location):
                return on_failure(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                redis_failed(location, exc)
                return on_failure(*args, **kwargs)

        return wrapper

    return decorator


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _none(*args: Any, **kwargs: Any) -> None:
    return None


def _missing(key: Any, *args: Any, **kwargs: Any) -> int:
    raise ValueError(f"Key {key!r} not found (the cache is unavailable).")


class ReusedRedisClient(RedisCacheClient):
    """Django's client, with one redis.Redis per connection pool instead of a new one for
    every operation: building one (its table of response callbacks) costs more CPU than a
    GET over the loopback, and a page answered from the cache makes two or three calls.
    A redis.Redis holds no connection of its own (each command takes one from the pool),
    so threads share it safely, and the pool notices a fork by itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # unstubbed
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose operations act as misses while Redis is unreachable."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedRedisClient

    @_degrade(_default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_degrade(_false)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_degrade(_false)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_degrade(_false)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_degrade(_false)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_degrade(lambda keys, *a, **k: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_degrade(_false)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_degrade(_missing)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_degrade(lambda data, *a, **k: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_degrade(_none)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_degrade(_false)
    def clear(self):
        return super().clear()
