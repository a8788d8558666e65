from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.communities.models import Kim, KimMembership, Position
from jembatan.demo.loader import DEMO_PASSWORD
from jembatan.regions.importer import region_import
from jembatan.regions.models import Region
from jembatan.sites.models import Post, Product
from jembatan.sites.search import search_posts
from jembatan.tenants.models import Tenant
from jembatan.tenants.resolve import tenant_for_host


@pytest.fixture
def kalbar(db):
    region_import(province="61")


def _counts():
    return (
        User.objects.count(),
        Kim.objects.count(),
        KimMembership.objects.count(),
        Membership.objects.count(),
        Office.objects.count(),
    )


def test_demo_has_real_bengkayang_and_people_in_every_role(kalbar):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert Region.objects.filter(parent_id="61.07").count() == 17
    assert Region.objects.filter(code__startswith="61.07.", level=4).count() == 124

    kims = Kim.objects.filter(kabupaten_id="61.07")
    assert kims.count() >= 20
    assert {k.level for k in kims} == {Kim.Level.KECAMATAN, Kim.Level.DESA, Kim.Level.KELURAHAN}
    # Every kecamatan has at least one KIM.
    assert {k.region.code[:8] for k in kims} == set(
        Region.objects.filter(parent_id="61.07").values_list("code", flat=True)
    )
    for kim in kims:
        positions = set(kim.memberships.values_list("position", flat=True))
        assert positions == set(Position.values), kim

    assert Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id="61.07").count() == 1
    assert Membership.objects.filter(role=Role.OPD_OFFICER, region_id="61.07").count() == 2
    assert Membership.objects.filter(role=Role.CAMAT, region_id="61.07.04").count() == 1
    assert not User.objects.filter(is_demo=False).exists()
    admin = User.objects.get(email="diskominfo@demo.jembatan.test")
    assert admin.check_password(DEMO_PASSWORD)
    assert Post.objects.live().filter(kim__kabupaten_id="61.07").count() >= 5
    assert Product.objects.filter(is_published=True, whatsapp__startswith="+62").exists()
    assert [p.title for p in search_posts("membangun")] == [
        "Sosialisasi pembangunan jalan lingkungan"
    ]
    text = out.getvalue()
    assert "Demo loaded" in text
    assert "diskominfo@demo.jembatan.test" in text
    assert DEMO_PASSWORD in text


def test_second_load_changes_nothing_and_says_so(kalbar):
    call_command("load_demo", stdout=StringIO())
    before = _counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert _counts() == before
    assert out.getvalue().splitlines()[0] == "Demo already loaded; nothing changed."


@pytest.mark.no_served_tenant  # no regions at all, not even the served tenant's
def test_demo_without_regions_fails_with_one_clear_line(db):
    with pytest.raises(CommandError) as exc:
        call_command("load_demo", stdout=StringIO())
    assert "61.07" in str(exc.value)
    assert "import_regions" in str(exc.value)
    assert "\n" not in str(exc.value)
    assert not User.objects.exists()


def test_load_demo_warns_when_debug_is_off(kalbar, settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "demo accounts cannot log in" in out.getvalue()


@pytest.mark.no_served_tenant
def test_demo_serves_bengkayang_on_the_installs_own_hosts(kalbar, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", ".localhost", "*.example.id"]
    call_command("load_demo", stdout=StringIO())
    tenant = Tenant.objects.get()
    assert tenant.code == "61.07"
    assert [(h.host, h.is_primary) for h in tenant.hosts.order_by("id")] == [
        ("127.0.0.1", True),
        ("localhost", False),
    ]
    assert tenant_for_host("localhost") == tenant
