"""The demo for the core tests that look at its pages in a live server (test_html_validity,
test_browser_phone_layout): built once per worker by the first test that asks, and given
back to each later one (testing.db.KeptRows), whichever of the files it is in."""

from __future__ import annotations

import pytest

from jembatan.testing.db import kept_rows
from jembatan.testing.factories import build_demo


@pytest.fixture(scope="session")
def _demo_rows(django_db_setup, django_db_blocker):
    yield from kept_rows(django_db_blocker, build_demo)


@pytest.fixture
def demo_rows(transactional_db, _demo_rows) -> None:
    """The demo's rows, exactly as load_demo made them (a transactional test's)."""
    _demo_rows.put()
