"""tenants 0002: an install that served one kabupaten gets it as its first tenant."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jembatan.tenants.models import Tenant, TenantHost
from jembatan.testing.factories import region_chain

# The migration runs through the schema editor, which SQLite refuses inside the test's
# transaction; no tenant is served by the root conftest, the test makes the regions.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.no_served_tenant]

BEFORE = [("tenants", "0001_initial")]
AFTER = [("tenants", "0002_first_tenant_from_setting")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def rerun_0002() -> None:
    migrate(BEFORE)
    migrate(AFTER)
    # Then forward again: the tests read through today's model, whose later fields
    # (complete_days, ...) the 0002 schema does not have yet.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def _whole_schema_after():
    """Going back to tenants 0001 also takes back what depends on it (accounts 0005, the
    audit row's tenant): the next tests in this process need every migration applied."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_settings(settings):
    settings.LEGACY_HUB_REGION_CODE = "61.07"
    settings.SITE_NAME = "Jembatan"
    settings.SITE_URL = "https://Jembatan.BengkayangKab.go.id"
    settings.ALLOWED_HOSTS = [
        "jembatan.bengkayangkab.go.id",
        "WWW.Jembatan.BengkayangKab.go.id",
        ".bengkayangkab.go.id",
        "*.kim.bengkayangkab.go.id",
        "*",
        "sebalo.kim.example.id",
        "",
    ]
    settings.KIM_HOSTS = {"sebalo.kim.example.id": "kim-sebalo"}
    settings.ASPIRATION_WEBHOOK_SECRET = "rahasia-webhook"
    settings.SMS_GATEWAY_URL = "https://sms.example.id/kirim"
    settings.SMS_GATEWAY_SECRET = "rahasia-sms"
    return settings


def test_first_tenant_from_the_old_settings(old_settings):
    region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.04", "Kabupaten Mempawah")
    rerun_0002()
    tenant = Tenant.objects.get()
    assert tenant.code == "61.07"
    assert tenant.name == "Jembatan Kabupaten Bengkayang"
    assert tenant.is_active
    assert tenant.time_zone == "Asia/Jakarta"
    assert tenant.webhook_secret == "rahasia-webhook"
    assert tenant.sms_gateway_url == "https://sms.example.id/kirim"
    assert tenant.sms_gateway_secret == "rahasia-sms"
    hosts = list(TenantHost.objects.filter(tenant=tenant).order_by("id"))
    # SITE_URL's host first and primary, then ALLOWED_HOSTS' whole names (no patterns,
    # no KIM hosts, no duplicates), all in lower case.
    assert [(h.host, h.is_primary) for h in hosts] == [
        ("jembatan.bengkayangkab.go.id", True),
        ("www.jembatan.bengkayangkab.go.id", False),
    ]


def test_first_tenant_is_the_legacy_code_and_its_time_zone(old_settings):
    old_settings.LEGACY_HUB_REGION_CODE = "61.04"
    old_settings.TIME_ZONE = "Asia/Pontianak"
    region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.04", "Kabupaten Mempawah")
    rerun_0002()
    tenant = Tenant.objects.get()
    assert tenant.code == "61.04"
    assert tenant.name == "Jembatan Kabupaten Mempawah"
    assert tenant.time_zone == "Asia/Pontianak"


def test_without_the_setting_the_old_default_kabupaten(old_settings):
    old_settings.LEGACY_HUB_REGION_CODE = ""
    region_chain("61.07", "Kabupaten Bengkayang")
    rerun_0002()
    assert Tenant.objects.get().code == "61.07"


def test_nothing_without_regions(old_settings):
    rerun_0002()
    assert not Tenant.objects.exists()
    assert not TenantHost.objects.exists()


def test_nothing_when_the_kabupaten_is_not_loaded(old_settings):
    old_settings.LEGACY_HUB_REGION_CODE = "61.08"
    region_chain("61.07", "Kabupaten Bengkayang")
    rerun_0002()
    assert not Tenant.objects.exists()


def test_nothing_when_a_tenant_exists(old_settings):
    region_chain("61.07", "Kabupaten Bengkayang")
    existing = Tenant.objects.create(
        region=region_chain("61.04", "Kabupaten Mempawah"), name="Jembatan Mempawah"
    )
    rerun_0002()
    assert list(Tenant.objects.all()) == [existing]
    assert not TenantHost.objects.exists()
