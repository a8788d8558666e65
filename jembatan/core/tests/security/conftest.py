"""Fixtures of the security sweeps: the two-tenant world, with the two-factor rule on."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from jembatan.core.tests.security.world import World, build_world


@pytest.fixture(autouse=True)
def _security_settings():
    cache.clear()
    with override_settings(TWO_FACTOR_REQUIRED=True, HUB_REGION_CODE="61.07"):
        yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    return build_world()
