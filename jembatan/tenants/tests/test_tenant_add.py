"""manage.py tenant_add: the first tenant of a fresh install, from the command line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jembatan.tenants import resolve
from jembatan.tenants.models import Tenant, TenantHost
from jembatan.testing.factories import region_chain


def run(*args: str) -> str:
    out = StringIO()
    call_command("tenant_add", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def kukar(db):
    return region_chain("64.02", "Kabupaten Kutai Kartanegara")


def test_creates_a_tenant_that_answers_on_its_hosts(kukar):
    text = run(
        "64.02",
        "--host",
        "Kukar.Jembatan.example.",
        "--host",
        "jembatan.kukarkab.go.id",
        "--time-zone",
        "Asia/Makassar",
    )
    tenant = Tenant.objects.get(region=kukar)
    assert tenant.name == "Jembatan Kabupaten Kutai Kartanegara"
    assert tenant.time_zone == "Asia/Makassar"
    assert list(tenant.hosts.values_list("host", "is_primary")) == [
        ("kukar.jembatan.example", True),
        ("jembatan.kukarkab.go.id", False),
    ]
    assert resolve.tenant_for_host("jembatan.kukarkab.go.id") == tenant
    assert "Created tenant Jembatan Kabupaten Kutai Kartanegara (64.02, Asia/Makassar)." in text
    assert "Added host kukar.jembatan.example." in text
    # Not in the test settings' ALLOWED_HOSTS: said, not refused.
    assert "ALLOWED_HOSTS does not accept" in text


def test_second_run_changes_nothing_and_a_new_host_is_added(kukar, settings):
    settings.ALLOWED_HOSTS = [".example"]
    run("64.02", "--host", "kukar.example", "--name", "Jembatan Kukar")
    text = run("64.02", "--host", "kukar.example")
    assert "already answers on these hosts; nothing changed" in text
    assert "ALLOWED_HOSTS" not in text
    assert Tenant.objects.filter(region=kukar).count() == 1
    assert TenantHost.objects.filter(tenant__region=kukar).count() == 1

    text = run("64.02", "--host", "kukar.example", "--host", "tenggarong.example")
    assert text.splitlines()[0] == "Added host tenggarong.example."
    hosts = dict(TenantHost.objects.filter(tenant__region=kukar).values_list("host", "is_primary"))
    assert hosts == {"kukar.example": True, "tenggarong.example": False}
    assert Tenant.objects.get(region=kukar).name == "Jembatan Kukar"  # kept when not given


def test_existing_tenant_gets_the_zone_it_is_given(db, served_tenant):
    text = run("61.07", "--host", "testserver", "--time-zone", "Asia/Pontianak")
    served_tenant.refresh_from_db()
    assert served_tenant.time_zone == "Asia/Pontianak"
    assert "Updated tenant" in text and "time_zone" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99.99", "--host", "a.example"], "Region 99.99 is not in the database"),
        (["64", "--host", "a.example"], "not a kabupaten/kota"),
        (["64.02.01", "--host", "a.example"], "not a kabupaten/kota"),
        (["64.02", "--host", "a.example", "--time-zone", "Europe/Paris"], "Europe/Paris"),
        (["64.02", "--host", "localhost"], "already belongs to tenant Jembatan"),
        (["64.02", "--host", "https://a.example/"], "is not a host name"),
        (["64.02", "--host", "*.example"], "is not a host name"),
        (["64.02", "--host", "a.example:8000"], "is not a host name"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(kukar, args, message):
    region_chain("64.02.01")
    before = (Tenant.objects.count(), TenantHost.objects.count())
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)
    assert (Tenant.objects.count(), TenantHost.objects.count()) == before


def test_a_host_needs_to_be_given(kukar):
    with pytest.raises(CommandError, match="--host"):
        run("64.02")
    assert not Tenant.objects.filter(region=kukar).exists()


def test_a_kim_host_is_not_a_tenant_host(kukar, settings):
    settings.KIM_HOSTS = {"kim-timbau.example": "timbau"}
    with pytest.raises(CommandError, match=r"kim-timbau\.example is a KIM.s own host"):
        run("64.02", "--host", "kukar.example", "--host", "KIM-Timbau.example")
    assert not Tenant.objects.filter(region=kukar).exists()
