"""From a host (or a region code) to its tenant: jembatan.tenants.resolve."""

from __future__ import annotations

import time
import types
import zoneinfo

import pytest
from django.core.cache import cache

from jembatan.core.localcache import clear_all
from jembatan.tenants import resolve
from jembatan.tenants.models import Tenant, TenantHost
from jembatan.testing.factories import KimFactory, region_chain, serve_tenant

pytestmark = pytest.mark.django_db

KIM_HOST = "sebalo.kim.example.id"


@pytest.fixture
def mempawah() -> Tenant:
    return serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test", "www.mempawah.test"))


def test_host_to_tenant(served_tenant, mempawah):
    assert resolve.tenant_for_host("testserver") == served_tenant
    assert resolve.tenant_for_host("mempawah.test") == mempawah
    assert resolve.tenant_for_host("www.mempawah.test") == mempawah
    assert resolve.tenant_for_host("unknown.test") is None
    # A host is matched whole, not as a suffix.
    assert resolve.tenant_for_host("x.mempawah.test") is None


def test_host_is_case_insensitive_and_ignores_a_trailing_dot(served_tenant, mempawah):
    assert resolve.tenant_for_host("Mempawah.TEST") == mempawah
    assert resolve.tenant_for_host("mempawah.test.") == mempawah
    assert resolve.tenant_for_host("TESTSERVER.") == served_tenant


def test_host_stored_in_capitals_is_found_in_lower_case(mempawah):
    TenantHost.objects.create(tenant=mempawah, host="Jembatan.MempawahKab.go.id")
    assert resolve.tenant_for_host("jembatan.mempawahkab.go.id") == mempawah


def test_region_to_tenant_at_any_level(served_tenant, mempawah):
    assert resolve.tenant_for_region("61.07") == served_tenant
    assert resolve.tenant_for_region("61.07.04.2001") == served_tenant
    assert resolve.tenant_for_region("61.04.05") == mempawah
    assert resolve.tenant_for_region("61.08") is None
    assert resolve.tenant_for_region("") is None
    assert resolve.tenant_for_region(None) is None


def test_zone_for_region_is_the_tenants():
    serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",), time_zone="Asia/Makassar")
    assert resolve.zone_for_region("61.04.05.2001") == zoneinfo.ZoneInfo("Asia/Makassar")
    assert resolve.zone_for_region("61.07") == zoneinfo.ZoneInfo("Asia/Jakarta")
    assert resolve.zone_for_region("99.99") is None


def test_primary_host_and_all_tenants(served_tenant, mempawah):
    assert resolve.primary_host(served_tenant) == "testserver"
    assert resolve.primary_host(mempawah) == "mempawah.test"
    # Ordered by name: "Jembatan Kabupaten Bengkayang" before "Jembatan Kabupaten Mempawah".
    assert resolve.all_tenants() == [served_tenant, mempawah]


def test_tenants_within_regions(served_tenant, mempawah):
    other_province = serve_tenant("62.01", "Kabupaten Kotawaringin Barat", hosts=("kobar.test",))
    # A province: each of its tenants, by name; a kabupaten or a place in it: its tenant.
    assert resolve.tenants_within(["61"]) == [served_tenant, mempawah]
    assert resolve.tenants_within({"61.04.05.2001"}) == [mempawah]
    assert resolve.tenants_within(["61.07", "62.01.03"]) == [served_tenant, other_province]
    assert resolve.tenants_within(["61.08", "6"]) == []
    assert resolve.tenants_within([]) == []
    # A list of its own each time: a caller's change does not reach the next one.
    resolve.tenants_within(["61"]).clear()
    assert resolve.tenants_within(["61"]) == [served_tenant, mempawah]


def test_tenants_within_regions_follow_a_change(django_assert_num_queries, mempawah):
    assert resolve.tenants_within(["61.04"]) == [mempawah]
    with django_assert_num_queries(0):
        assert resolve.tenants_within(["61.04"]) == [mempawah]
    mempawah.is_active = False
    mempawah.save()
    assert resolve.tenants_within(["61.04"]) == []
    mempawah.is_active = True
    mempawah.name = "Jembatan Kabupaten Mempawah Baru"
    mempawah.save()
    assert [t.name for t in resolve.tenants_within(["61"])] == [
        "Jembatan Kabupaten Bengkayang",
        "Jembatan Kabupaten Mempawah Baru",
    ]


def test_tenants_within_keeps_a_bounded_number_of_answers(monkeypatch, served_tenant, mempawah):
    monkeypatch.setattr(resolve, "DERIVED_MAX_ENTRIES", 3)
    for code in ("61.07", "61.04", "61", "61.07.01", "61.04.01"):
        resolve.tenants_within([code])
    assert len(resolve.snapshot().derived) <= 3
    assert resolve.tenants_within(["61"]) == [served_tenant, mempawah]


def test_primary_host_without_a_primary_is_the_first_host(mempawah):
    TenantHost.objects.filter(tenant=mempawah).update(is_primary=False)
    resolve.clear()
    assert resolve.primary_host(mempawah) == "mempawah.test"


def test_tenant_without_hosts_has_no_primary_host_but_resolves_by_region():
    tenant = Tenant.objects.create(region=region_chain("61.05", "Kabupaten Sanggau"), name="S")
    assert resolve.primary_host(tenant) == ""
    assert resolve.tenant_for_region("61.05.01") == tenant


def test_inactive_tenant_is_not_served(mempawah):
    mempawah.is_active = False
    mempawah.save()
    assert resolve.tenant_for_host("mempawah.test") is None
    assert resolve.tenant_for_region("61.04") is None
    assert resolve.zone_for_region("61.04") is None
    assert mempawah not in resolve.all_tenants()
    assert resolve.primary_host(mempawah) == ""


def test_kim_host_resolves_to_its_kabupatens_tenant_before_tenant_hosts(
    settings, served_tenant, mempawah
):
    KimFactory(name="KIM Sebalo", slug="kim-sebalo", region=region_chain("61.07.04.2001"))
    settings.KIM_HOSTS = {KIM_HOST: "kim-sebalo"}
    # The same host is also (wrongly) one of Mempawah's hosts: the KIM mapping wins.
    TenantHost.objects.create(tenant=mempawah, host=KIM_HOST)
    clear_all()
    assert resolve.tenant_for_host(KIM_HOST) == served_tenant
    assert resolve.tenant_for_host(KIM_HOST.upper() + ".") == served_tenant
    # Without the mapping the host is Mempawah's.
    settings.KIM_HOSTS = {}
    assert resolve.tenant_for_host(KIM_HOST) == mempawah


def test_kim_host_of_an_inactive_tenant_is_not_served(settings, served_tenant, mempawah):
    KimFactory(name="KIM Sebalo", slug="kim-sebalo", region=region_chain("61.07.04.2001"))
    settings.KIM_HOSTS = {KIM_HOST: "kim-sebalo"}
    TenantHost.objects.create(tenant=mempawah, host=KIM_HOST)
    clear_all()
    served_tenant.is_active = False
    served_tenant.save()
    # Not Mempawah's either: a KIM host never falls through to another kabupaten.
    assert resolve.tenant_for_host(KIM_HOST) is None


def test_cache_hit_costs_no_query(django_assert_num_queries, served_tenant, mempawah):
    resolve.clear()
    assert resolve.tenant_for_host("mempawah.test") == mempawah
    with django_assert_num_queries(0):
        assert resolve.tenant_for_host("mempawah.test") == mempawah
        assert resolve.tenant_for_host("testserver") == served_tenant
        assert resolve.tenant_for_host("unknown.test") is None
        assert resolve.tenant_for_region("61.04.05") == mempawah
        assert resolve.primary_host(mempawah) == "mempawah.test"
        assert resolve.all_tenants() == [served_tenant, mempawah]


def test_saving_a_host_clears_the_snapshot(mempawah):
    assert resolve.tenant_for_host("baru.mempawah.test") is None
    version = cache.get(resolve._VERSION_KEY)
    host = TenantHost.objects.create(tenant=mempawah, host="baru.mempawah.test")
    assert resolve.tenant_for_host("baru.mempawah.test") == mempawah
    # The other processes are told through the shared cache.
    assert cache.get(resolve._VERSION_KEY) not in (None, version)
    host.delete()
    assert resolve.tenant_for_host("baru.mempawah.test") is None


def test_saving_a_tenant_clears_the_snapshot(mempawah):
    assert resolve.tenant_for_host("mempawah.test").time_zone == "Asia/Jakarta"
    mempawah.time_zone = "Asia/Pontianak"
    mempawah.save()
    assert resolve.tenant_for_host("mempawah.test").time_zone == "Asia/Pontianak"
    mempawah.delete()
    assert resolve.tenant_for_host("mempawah.test") is None
    assert resolve.tenant_for_region("61.04") is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """This module's clock, under the test's control (the rest of the process keeps its)."""
    fake = Clock()
    monkeypatch.setattr(
        resolve, "time", types.SimpleNamespace(monotonic=fake.monotonic, time_ns=time.time_ns)
    )
    resolve.clear()
    return fake


def test_another_process_change_is_seen_after_the_version_check(
    clock, django_assert_num_queries, mempawah
):
    assert resolve.tenant_for_host("mempawah.test") == mempawah
    # Another process changes a host (an .update() sends no signal here) ...
    TenantHost.objects.filter(host="www.mempawah.test").update(host="baru.mempawah.test")
    # ... and has not published it yet: this process keeps its snapshot, without a query.
    clock.now += resolve.VERSION_CHECK_SECONDS + 1
    with django_assert_num_queries(0):
        assert resolve.tenant_for_host("baru.mempawah.test") is None
    # It publishes a new version; within the check interval this process has not looked.
    cache.set(resolve._VERSION_KEY, "from another process", None)
    clock.now += resolve.VERSION_CHECK_SECONDS / 4
    assert resolve.tenant_for_host("baru.mempawah.test") is None
    # After the interval it compares the version and reloads.
    clock.now += resolve.VERSION_CHECK_SECONDS
    assert resolve.tenant_for_host("baru.mempawah.test") == mempawah
    assert resolve.tenant_for_host("www.mempawah.test") is None


def test_snapshot_expires_even_without_a_shared_version(clock, mempawah):
    assert resolve.tenant_for_host("mempawah.test") == mempawah
    TenantHost.objects.filter(host="www.mempawah.test").update(host="baru.mempawah.test")
    clock.now += resolve.SNAPSHOT_SECONDS - 1
    assert resolve.tenant_for_host("baru.mempawah.test") is None
    clock.now += 2
    assert resolve.tenant_for_host("baru.mempawah.test") == mempawah
