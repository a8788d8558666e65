import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache, which outlives each test's transaction."""
    cache.clear()
    yield
    cache.clear()
