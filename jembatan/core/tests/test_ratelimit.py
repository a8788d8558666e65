"""Fixed-window rate limits, on the embedded SQLite-file cache and on a real Redis."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import cache, caches

from jembatan.core import ratelimit
from jembatan.core.ratelimit import rate_limit_exceeded, rate_limit_reached

REDIS_TEST_URL = "redis://127.0.0.1:6379/13"


def use_redis(settings) -> None:
    # Redis runs wherever the suite runs (.ci/run starts it): a missing one is a failure.
    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": "rltest",
        }
    }


@pytest.fixture(params=["sqlite", "redis"])
def backend(request, settings):
    if request.param == "redis":
        use_redis(settings)
    cache.clear()
    yield request.param
    cache.clear()
    caches["default"].close()


@pytest.fixture
def on_redis(settings):
    use_redis(settings)
    yield redis.Redis.from_url(REDIS_TEST_URL)
    cache.clear()
    caches["default"].close()


def test_the_hit_past_the_limit_is_refused_and_other_keys_are_untouched(backend):
    results = [rate_limit_exceeded("t", "visitor-a", limit=3, window=60) for _ in range(5)]
    assert results == [False, False, False, True, True]
    assert rate_limit_exceeded("t", "visitor-b", limit=3, window=60) is False
    assert rate_limit_exceeded("u", "visitor-a", limit=3, window=60) is False


def test_reached_reads_the_count_without_adding_a_hit(backend):
    for _ in range(3):
        rate_limit_exceeded("t", "k", limit=2, window=60)
    assert rate_limit_reached("t", "k", limit=2) is True
    assert rate_limit_reached("t", "k", limit=3) is False
    assert rate_limit_reached("t", "k", limit=3) is False  # still 3 hits, not 4
    assert cache.get("rl:t:k") == 3


def test_the_window_expires_on_redis(on_redis):
    rate_limit_exceeded("t", "w", limit=1, window=30)
    assert REDIS_TEST_URL in ratelimit._hit_scripts  # the one-round-trip path was taken
    (key,) = on_redis.keys("rltest:*rl:t:w")
    assert 0 < on_redis.ttl(key) <= 30
    # A second hit does not push the window's end further out.
    on_redis.expire(key, 5)
    assert rate_limit_exceeded("t", "w", limit=1, window=30) is True
    assert 0 < on_redis.ttl(key) <= 5
