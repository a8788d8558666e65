"""Shared fixtures: two KIMs in two kabupaten, each with an owner, a member and an outsider."""

from __future__ import annotations

import pytest

from jembatan.core.localcache import clear_all
from jembatan.testing import pgflush, testdb
from jembatan.testing.browser import (  # noqa: F401 (fixtures)
    _laptop_chromium,
    _phone_chromium,
    browser,
    laptop_browser,
    shots,
)
from jembatan.testing.db import KEEPS, SERVED, SHARED, database_test, shared_key, shares
from jembatan.testing.factories import TwoTenants, build_two_tenants, serve_tenant
from jembatan.testing.legs import for_this_leg
from jembatan.testing.s3 import s3_buckets, s3_server  # noqa: F401 (fixtures)

# The files go to the workers longest first (testing/schedule.py).
pytest_plugins = ["jembatan.testing.schedule"]


def pytest_collection_modifyitems(config, items):
    """Tests marked postgresql run in the PostgreSQL leg of the suite only (deselected,
    not skipped, on SQLite: there is nothing missing to hide, the race needs a server);
    tests marked sqlite (what exists on the embedded database only) or once (what never
    uses the database under test, e.g. a make target on a fresh clone) in the SQLite leg.

    A test that drives Chromium is marked browser even where its module forgot the mark,
    so that `make test-fast` (-m "not browser") never starts a browser."""
    from django.conf import settings

    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "browser"
        ):
            item.add_marker(pytest.mark.browser)
    on_postgresql = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    kept = [item for item in items if for_this_leg(item, on_postgresql=on_postgresql)]
    if len(kept) != len(items):
        kept_ids = {id(item) for item in kept}
        config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept_ids])
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


_NEXT = pytest.StashKey()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    item.stash[_NEXT] = nextitem
    return (yield)


def _leave_unless_next_shares(item) -> None:
    """After the test's own fixtures, before any wider-scoped one is torn down: the shared
    rows stay only for a next test with the same key (or one without the database)."""
    if SHARED.key is None:
        return
    nextitem = item.stash.get(_NEXT, None)
    key = None if nextitem is None else shared_key(nextitem)
    if key != SHARED.key and key != KEEPS:
        SHARED.leave()


@pytest.fixture(autouse=True)
def _django_db_marker(request, django_db_blocker):
    """pytest-django's fixture of this name (a django_db mark opens the test's transaction),
    the first of a test's fixtures to touch the database, with the rows consecutive tests
    share first: made for this test, or kept from the test before (testing/db.py)."""
    request.node.addfinalizer(lambda: _leave_unless_next_shares(request.node))
    key = shared_key(request.node)
    if key is None:
        SHARED.leave()
    elif key != KEEPS:
        request.getfixturevalue("django_db_setup")
        SHARED.enter(request.node, key, django_db_blocker)
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")


@pytest.fixture(autouse=True)
@shares(SERVED, serve_tenant)
def served_tenant(request):
    """Every database test is served as Kabupaten Bengkayang (61.07) on the test client's
    and the live server's hosts (testserver, localhost, 127.0.0.1): a host resolves to a
    tenant as in production (jembatan.tenants). Tests of other tenants add their own.
    Consecutive tests share the rows (made before their own transactions, testing/db.py)."""
    uses_db, transactional = database_test(request.node)
    if not uses_db or request.node.get_closest_marker("no_served_tenant"):
        yield None
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from jembatan.tenants import resolve

    tenant = SHARED.value(SERVED, serve_tenant)
    resolve.clear()
    yield tenant
    resolve.clear()


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


@pytest.fixture
@shares("two_tenants", lambda served_tenant: build_two_tenants(), SERVED)
def two_tenants(db) -> TwoTenants:
    """KIM Sebalo in Kabupaten Bengkayang (61.07) and KIM Sungai Pinyuh in Mempawah (61.04):
    the test's own copy of those made once for consecutive tests (testing/db.py)."""
    return SHARED.value("two_tenants", build_two_tenants)


@pytest.fixture
def password() -> str:
    return "rahasia-yang-panjang"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Test databases are copies of the migrated database kept by key (testing/testdb.py);
    on PostgreSQL a transactional test's tables are emptied by DELETE (testing/pgflush.py)."""
    testdb.install()
    pgflush.install()
