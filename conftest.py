"""Shared fixtures: two KIMs in two kabupaten, each with an owner, a member and an outsider."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jembatan.accounts.models import User
from jembatan.communities.models import Kim, Position
from jembatan.core.localcache import clear_all
from jembatan.testing.browser import browser, laptop_browser, shots  # noqa: F401 (fixtures)
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    UserFactory,
    region_chain,
)


def pytest_collection_modifyitems(config, items):
    """Tests marked postgresql run in the PostgreSQL leg of the suite only (deselected,
    not skipped, on SQLite: there is nothing missing to hide, the race needs a server).

    A test that drives Chromium is marked browser even where its module forgot the mark,
    so that `make test-fast` (-m "not browser") never starts a browser."""
    from django.conf import settings

    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "browser"
        ):
            item.add_marker(pytest.mark.browser)
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(
            items=[item for item in items if item.get_closest_marker("postgresql")]
        )
        items[:] = kept


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in Indonesian, the default: a test that switched to English and
    did not switch back must not turn the next test's labels (in the same worker) English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_local_caches():
    """Rolled-back rows must not survive in a worker's per-process copies, and the shared
    cache (rate limits, lockouts, the page cache) starts empty for every test: limits
    counted by one test (e.g. three cases from one phone an hour) must not refuse the
    next test's request."""
    from django.core.cache import cache

    cache.clear()
    yield
    clear_all()


@dataclass
class Tenant:
    kim: Kim
    owner: User  # the KIM's ketua
    member: User  # an anggota
    outsider: User  # a signed-in user with no role here


@dataclass
class TwoTenants:
    a: Tenant
    b: Tenant


def _tenant(village_code: str, village_name: str, kabupaten_name: str, label: str) -> Tenant:
    region_chain(village_code[:5], kabupaten_name)
    region = region_chain(village_code, village_name)
    kim = KimFactory(name=f"KIM {village_name}", slug=label, region=region)
    owner = UserFactory(full_name=f"Ketua {label}")
    member = UserFactory(full_name=f"Anggota {label}")
    KimMembershipFactory(kim=kim, user=owner, position=Position.KETUA)
    KimMembershipFactory(kim=kim, user=member, position=Position.ANGGOTA)
    return Tenant(kim=kim, owner=owner, member=member, outsider=UserFactory())


@pytest.fixture
def two_tenants(db) -> TwoTenants:
    """KIM Sebalo in Kabupaten Bengkayang (61.07) and KIM Sungai Pinyuh in Mempawah (61.04)."""
    return TwoTenants(
        a=_tenant("61.07.04.1010", "Sebalo", "Kabupaten Bengkayang", "kim-a"),
        b=_tenant("61.04.05.2001", "Sungai Pinyuh", "Kabupaten Mempawah", "kim-b"),
    )


@pytest.fixture
def password() -> str:
    return "rahasia-yang-panjang"
