"""Fixtures of the security sweeps: the two-tenant world, with the two-factor rule on."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from jembatan.core.tests.security.matrix import clients_with, signed_in_sessions
from jembatan.core.tests.security.world import World, build_world
from jembatan.testing.db import built_once, fresh_copy

SECURITY_SETTINGS = {"TWO_FACTOR_REQUIRED": True}


@pytest.fixture(autouse=True)
def _security_settings():
    cache.clear()
    with override_settings(**SECURITY_SETTINGS):
        yield
    cache.clear()


def _build() -> World:
    with override_settings(**SECURITY_SETTINGS):
        return build_world()


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """Two tenants with an object of every kind take about 80 queries: built once per file
    (rolled back after it), not once per test; each test's writes are rolled back."""
    yield from built_once(django_db_blocker, _build)


@pytest.fixture
def world(db, _module_world) -> World:
    return fresh_copy(_module_world)


@pytest.fixture(scope="module")
def _module_sessions(_module_world, django_db_blocker):
    """Every role signed in once per file, inside the file's world transaction."""
    with django_db_blocker.unblock():
        return signed_in_sessions(_module_world)


@pytest.fixture
def role_clients(world, _module_sessions):
    """role -> a new client signed in as that role (the world's own sessions)."""
    return clients_with(_module_sessions)
