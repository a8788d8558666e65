"""Rows shared by consecutive tests (testing/db.py, SharedRows): made once for a run of
tests that ask for the same rows, each test's writes gone before the next, each test with
its own copy of the objects, and made again after a test that asked for other rows.

The tests follow each other in this order (a file runs whole on one worker; pytest-django
puts the transactional test, then the one without the database, last): each one checks
what the ones before it left, through the module's ``BUILT`` and ``SEEN``."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection

from jembatan.communities.models import Kim
from jembatan.tenants.models import Tenant
from jembatan.testing.db import SHARED, shared_fixture
from jembatan.testing.factories import KimFactory, region_chain

BUILT: list[int] = []
SEEN: dict[str, object] = {}


@shared_fixture
def counted(two_tenants) -> SimpleNamespace:
    BUILT.append(1)
    return SimpleNamespace(
        kim=two_tenants.a.kim,
        extra=KimFactory(name="KIM Bersama", region=region_chain("61.07.04.2003", "Tirta")),
    )


def test_the_first_test_of_a_run_makes_the_rows(counted, two_tenants, served_tenant):
    SEEN["built"] = len(BUILT)
    SEEN["kim"] = counted.kim.pk
    SEEN["name"] = counted.kim.name
    SEEN["tenant"] = served_tenant.pk
    # One copy of the shared objects for the test: the world's KIM is two_tenants' KIM.
    assert counted.kim is two_tenants.a.kim
    assert SHARED.key is not None and len(connection.atomic_blocks) >= 2
    counted.kim.name = "Diubah oleh tes pertama"
    counted.kim.save()
    KimFactory(name="KIM Sementara", region=region_chain("61.07.04.2004", "Sementara"))


def test_the_next_test_finds_the_same_rows_without_the_writes(counted, served_tenant):
    assert SEEN, "runs after test_the_first_test_of_a_run_makes_the_rows"
    assert len(BUILT) == SEEN["built"]
    assert counted.kim.pk == SEEN["kim"]
    assert served_tenant.pk == SEEN["tenant"]
    # Its own copy, as it was made; the row as it was made: the first test's save is gone.
    assert counted.kim.name == SEEN["name"]
    assert Kim.objects.get(pk=SEEN["kim"]).name == SEEN["name"]
    assert not Kim.objects.filter(name="KIM Sementara").exists()
    assert Kim.objects.filter(name="KIM Bersama").count() == 1


def test_a_test_that_asks_for_other_rows_does_not_see_them(db, served_tenant):
    assert not Kim.objects.exists()
    assert Tenant.objects.filter(hosts__host="testserver").get() == served_tenant


def test_after_other_rows_they_are_made_again(counted):
    assert len(BUILT) == SEEN["built"] + 1
    assert Kim.objects.filter(name="KIM Bersama").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_starts_with_no_shared_rows_open(served_tenant):
    assert SHARED.key is None
    assert not connection.in_atomic_block
    assert not Kim.objects.exists()
    assert served_tenant.hosts.filter(host="testserver").exists()


def test_after_the_last_database_test_no_shared_rows_are_open():
    assert SHARED.key is None
    assert not connection.in_atomic_block
