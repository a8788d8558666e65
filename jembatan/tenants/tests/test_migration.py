"""tenants 0002: an install that served one kabupaten gets it as its first tenant.

The tables 0002 reads and writes (regions, tenants) are taken back to tenants 0001 once for
the module (0002 changes no schema, so that is the schema 0002 runs on), and each test runs
0002's own function with the models as they were at 0002 (the migration state, not today's
models), in the test's transaction. The module ends with every migration applied again,
for the next tests of this process.

Only the migrations of those two apps are unapplied, each by the executor from the state
before it, as `migrate` does: the others that depend on 0002 (the audit row's tenant, the
apps after it) stay, as they change tables 0002 never touches; taking them back and forth
cost nine tenths of the module.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection, migrations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from jembatan.testing.factories import region_chain

MIGRATION = importlib.import_module("jembatan.tenants.migrations.0002_first_tenant_from_setting")

# No tenant is served by the root conftest: the test makes the regions.
pytestmark = [pytest.mark.django_db, pytest.mark.no_served_tenant]

BEFORE = ("tenants", "0001_initial")
UNDER_TEST = ("tenants", "0002_first_tenant_from_setting")
READ_APPS = {"regions", "tenants"}  # the tables 0002's function reads and writes


@pytest.fixture(scope="module")
def apps_at_0002(django_db_setup, django_db_blocker):
    """The historical models of 0002, on a database migrated back to just before it."""
    with django_db_blocker.unblock():
        executor = MigrationExecutor(connection)
        loader = executor.loader
        # What `migrate tenants 0001` unapplies, newest first, kept to the two apps; each
        # from the state before it, unrendered (the executor's own backwards walk renders
        # the whole project at every later migration of every app: most of the cost).
        back = [key for key in loader.graph.backwards_plan(UNDER_TEST) if key[0] in READ_APPS]
        assert back[-1] == UNDER_TEST and len(back) > 1  # 0003 added a column
        for key in back:
            before = loader.project_state(key, at_end=False)
            executor.unapply_migration(before, loader.graph.nodes[key])
        applied = MigrationRecorder(connection).applied_migrations()
        assert BEFORE in applied and UNDER_TEST not in applied
        try:
            yield executor.loader.project_state(UNDER_TEST, at_end=True).apps
        finally:
            # The next tests in this process need every migration.
            executor = MigrationExecutor(connection)
            executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def run_0002(apps_at_0002):
    """0002's one operation, given the apps of its state as the executor gives them (its
    function makes rows only; no schema editor, which SQLite refuses inside the test's
    transaction)."""
    (operation,) = MIGRATION.Migration.operations
    assert isinstance(operation, migrations.RunPython)
    assert operation.code is MIGRATION.first_tenant

    def run():
        operation.code(apps_at_0002, None)

    return run


@pytest.fixture
def models(apps_at_0002):
    return apps_at_0002.get_model("tenants", "Tenant"), apps_at_0002.get_model(
        "tenants", "TenantHost"
    )


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


def test_first_tenant_from_the_old_settings(old_settings, run_0002, models):
    Tenant, TenantHost = models
    region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.04", "Kabupaten Mempawah")
    run_0002()
    tenant = Tenant.objects.get()
    assert tenant.region_id == "61.07"
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


def test_first_tenant_is_the_legacy_code_and_its_time_zone(old_settings, run_0002, models):
    Tenant, _ = models
    old_settings.LEGACY_HUB_REGION_CODE = "61.04"
    old_settings.TIME_ZONE = "Asia/Pontianak"
    region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.04", "Kabupaten Mempawah")
    run_0002()
    tenant = Tenant.objects.get()
    assert tenant.region_id == "61.04"
    assert tenant.name == "Jembatan Kabupaten Mempawah"
    assert tenant.time_zone == "Asia/Pontianak"


def test_without_the_setting_the_old_default_kabupaten(old_settings, run_0002, models):
    Tenant, _ = models
    old_settings.LEGACY_HUB_REGION_CODE = ""
    region_chain("61.07", "Kabupaten Bengkayang")
    run_0002()
    assert Tenant.objects.get().region_id == "61.07"


def test_nothing_without_regions(old_settings, run_0002, models):
    Tenant, TenantHost = models
    run_0002()
    assert not Tenant.objects.exists()
    assert not TenantHost.objects.exists()


def test_nothing_when_the_kabupaten_is_not_loaded(old_settings, run_0002, models):
    Tenant, _ = models
    old_settings.LEGACY_HUB_REGION_CODE = "61.08"
    region_chain("61.07", "Kabupaten Bengkayang")
    run_0002()
    assert not Tenant.objects.exists()


def test_nothing_when_a_tenant_exists(old_settings, run_0002, models):
    Tenant, TenantHost = models
    region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.04", "Kabupaten Mempawah")
    existing = Tenant.objects.create(region_id="61.04", name="Jembatan Mempawah")
    run_0002()
    assert list(Tenant.objects.values_list("pk", flat=True)) == [existing.pk]
    assert not TenantHost.objects.exists()
