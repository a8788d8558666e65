"""Every kabupaten/kota of Indonesia as a tenant (514): a host resolves without a query once
the snapshot is warm, and the snapshot loads in a bounded number of queries."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jembatan.regions.models import Region
from jembatan.tenants import resolve
from jembatan.tenants.models import Tenant, TenantHost

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "regions" / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with gzip.open(DATA / name, "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def host_of(code: str) -> str:
    return f"{code.replace('.', '-')}.scale.test"


@pytest.fixture
def every_kabupaten() -> list[str]:
    """The 514 kabupaten/kota of the shipped list as tenants, one host each (Bengkayang,
    served by the root conftest, keeps its test hosts and gets this one too)."""
    Region.objects.bulk_create(
        [
            Region(code=row["code"], name=row["name"], level=1, kind="provinsi")
            for row in _rows("provinces.csv.gz")
        ],
        ignore_conflicts=True,
    )
    regencies = _rows("regencies.csv.gz")
    Region.objects.bulk_create(
        [
            Region(
                code=row["code"],
                name=row["name"],
                level=2,
                kind="kota" if row["name"].startswith("Kota") else "kabupaten",
                parent_id=row["province_code"],
            )
            for row in regencies
        ],
        ignore_conflicts=True,
    )
    Tenant.objects.bulk_create(
        [Tenant(region_id=row["code"], name=f"Jembatan {row['name']}") for row in regencies],
        ignore_conflicts=True,
    )
    ids = dict(Tenant.objects.values_list("region_id", "id"))
    served = set(TenantHost.objects.values_list("tenant_id", flat=True))
    TenantHost.objects.bulk_create(
        [
            TenantHost(tenant_id=ids[row["code"]], host=host_of(row["code"]),
                       is_primary=ids[row["code"]] not in served)
            for row in regencies
        ]
    )  # fmt: skip
    resolve.clear()  # bulk_create sends no signal
    return [row["code"] for row in regencies]


def test_the_snapshot_of_514_tenants_loads_in_at_most_three_queries(every_kabupaten):
    assert len(every_kabupaten) == 514
    resolve.clear()
    with CaptureQueriesContext(connection) as queries:
        snap = resolve.snapshot()
    assert len(queries) <= 3, [q["sql"] for q in queries]
    assert len(snap.by_code) == 514
    # 514 hosts of their own and Bengkayang's three test hosts.
    assert len(snap.by_host) == 514 + 3


def test_514_tenants_resolve_without_a_query_once_warm(every_kabupaten):
    resolve.snapshot()
    with CaptureQueriesContext(connection) as queries:
        for code in every_kabupaten:
            tenant = resolve.tenant_for_host(host_of(code).upper() + ".")
            assert tenant is not None and tenant.code == code
            by_region = resolve.tenant_for_region(f"{code}.01.2001")
            assert by_region is not None and by_region.code == code
            assert resolve.zone_for_region(code) is not None
        assert len(resolve.all_tenants()) == 514
        assert resolve.tenant_for_host("nowhere.scale.test") is None
    assert len(queries) == 0, [q["sql"] for q in queries]


def test_a_deactivated_tenant_leaves_the_snapshot_at_once(every_kabupaten):
    mempawah = Tenant.objects.get(region_id="61.04")
    assert resolve.tenant_for_host(host_of("61.04")) == mempawah
    mempawah.is_active = False
    mempawah.save()  # the signal clears this process's snapshot
    with CaptureQueriesContext(connection) as queries:
        assert resolve.tenant_for_host(host_of("61.04")) is None
        bengkayang = resolve.tenant_for_host(host_of("61.07"))
        assert bengkayang is not None and bengkayang.code == "61.07"
    assert 0 < len(queries) <= 3
    assert len(resolve.all_tenants()) == 513


def test_an_unknown_host_lists_all_514_tenants_from_the_snapshot(every_kabupaten, client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".scale.test"]
    resolve.snapshot()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", HTTP_HOST="nowhere.scale.test")
    assert response.status_code == 404
    body = response.content.decode()
    assert f"//{host_of('11.01')}/" in body
    assert f"//{host_of('96.01')}/" in body
    assert body.count(".scale.test/") == 514 - 1  # Bengkayang's primary host is testserver
    assert len(queries) == 0, [q["sql"] for q in queries]
