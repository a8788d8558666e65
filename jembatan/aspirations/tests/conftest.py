"""The aspirations tests' shared world: built once per test file (case_world.py), and a
fresh copy for each test, so a test may change its rows without touching the next."""

from __future__ import annotations

import pytest

from jembatan.aspirations.tests.case_world import CaseWorld, build_case_world
from jembatan.testing.db import built_once, fresh_copy


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build_case_world)


@pytest.fixture
def world(db, _module_world) -> CaseWorld:
    """Files that need another world define their own ``world`` fixture."""
    return fresh_copy(_module_world)
