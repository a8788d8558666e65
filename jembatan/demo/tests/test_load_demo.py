from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.aspirations.models import Aspiration
from jembatan.clarifications.models import Clarification, RumourReport
from jembatan.communities.models import Kim, KimMembership, Position
from jembatan.demo.loader import DEMO_PASSWORD
from jembatan.disclosure.models import PublicBody
from jembatan.dissemination.models import Delivery
from jembatan.regions.importer import region_import
from jembatan.regions.models import Region
from jembatan.sites.models import Post, Product
from jembatan.sites.search import search_posts
from jembatan.tenants import resolve
from jembatan.tenants.models import Tenant, TenantHost
from jembatan.testing.db import shared_fixture
from jembatan.testing.factories import serve_tenant


# The regions are rows only: made once for the consecutive tests that ask for the same
# (the tests below are grouped by it), each test's own writes roll back.
@shared_fixture
def kalbar():
    region_import(province="61")


@shared_fixture
def kalbar_kaltim(kalbar):
    """Kalimantan Barat (Bengkayang) and Kalimantan Timur (Kutai Kartanegara, 64.02)."""
    region_import(province="64")


def _load_with_debug_off() -> str:
    """The demo loaded as the tests run (DEBUG off, said here rather than assumed); what
    the command printed."""
    out = StringIO()
    with override_settings(DEBUG=False):
        call_command("load_demo", stdout=out)
    return out.getvalue()


# A load of the demo is most of this module's time: the tests that only read what one
# load made share it (its rows, and what the command printed); each test's own writes
# roll back.
@shared_fixture
def bengkayang_demo(kalbar) -> str:
    """The demo loaded with Kalimantan Barat alone."""
    return _load_with_debug_off()


@shared_fixture
def two_tenant_demo(kalbar_kaltim) -> str:
    """The demo loaded with Kalimantan Barat and Kalimantan Timur."""
    return _load_with_debug_off()


def _counts():
    return (
        User.objects.count(),
        Kim.objects.count(),
        KimMembership.objects.count(),
        Membership.objects.count(),
        Office.objects.count(),
        Tenant.objects.count(),
        TenantHost.objects.count(),
        Aspiration.objects.count(),
        Post.objects.count(),
        Clarification.objects.count(),
        RumourReport.objects.count(),
    )


# First: between the tests that share rows it would have them built again after it.
@pytest.mark.no_served_tenant  # no regions at all, not even the served tenant's
def test_demo_without_regions_fails_with_one_clear_line(db):
    with pytest.raises(CommandError) as exc:
        call_command("load_demo", stdout=StringIO())
    assert "61.07" in str(exc.value)
    assert "import_regions" in str(exc.value)
    assert "\n" not in str(exc.value)
    assert not User.objects.exists()


def test_demo_has_real_bengkayang_and_people_in_every_role(bengkayang_demo):
    assert Region.objects.filter(parent_id="61.07").count() == 17
    assert Region.objects.filter(code__startswith="61.07.", level=4).count() == 124

    kims = Kim.objects.filter(kabupaten_id="61.07")
    assert kims.count() >= 20
    assert {k.level for k in kims} == {Kim.Level.KECAMATAN, Kim.Level.DESA, Kim.Level.KELURAHAN}
    # Every kecamatan has at least one KIM.
    assert {k.region.code[:8] for k in kims} == set(
        Region.objects.filter(parent_id="61.07").values_list("code", flat=True)
    )
    # The posts every KIM has; wakil ketua and seksi are optional (Sebalo has them).
    required = {Position.KETUA, Position.SEKRETARIS, Position.BENDAHARA, Position.ANGGOTA}
    for kim in kims:
        positions = set(kim.memberships.values_list("position", flat=True))
        assert positions == required or kim.slug == "sebalo", kim
    sebalo = kims.get(slug="sebalo")
    assert set(sebalo.memberships.values_list("position", flat=True)) == set(Position.values)
    assert sebalo.terms.filter(position=Position.KETUA, ended_on__isnull=True).exists()

    assert Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id="61.07").count() == 1
    assert Membership.objects.filter(role=Role.OPD_OFFICER, region_id="61.07").count() == 2
    assert Membership.objects.filter(role=Role.CAMAT, region_id="61.07.04").count() == 1
    assert not User.objects.filter(is_demo=False).exists()
    admin = User.objects.get(email="diskominfo@demo.jembatan.test")
    assert admin.check_password(DEMO_PASSWORD)
    assert Post.objects.live().filter(kim__kabupaten_id="61.07").count() >= 5
    assert Product.objects.filter(is_published=True, whatsapp__startswith="+62").exists()
    answers = Clarification.objects.filter(kabupaten_id="61.07", status="terbit")
    assert answers.count() == 2 and all(a.info_item_id for a in answers)
    assert RumourReport.objects.filter(kabupaten_id="61.07", status="baru").count() == 1
    assert [p.title for p in search_posts("membangun")] == [
        "Sosialisasi pembangunan jalan lingkungan"
    ]
    text = bengkayang_demo
    assert "Demo loaded" in text
    assert "diskominfo@demo.jembatan.test" in text
    assert DEMO_PASSWORD in text


def test_load_demo_warns_when_debug_is_off(bengkayang_demo):
    # The shared load ran with DEBUG off (_load_with_debug_off).
    assert "demo accounts cannot log in" in bengkayang_demo


def test_without_kalimantan_timur_the_demo_is_bengkayang_alone(bengkayang_demo):
    assert list(Tenant.objects.values_list("region_id", flat=True)) == ["61.07"]
    assert not Kim.objects.filter(kabupaten_id="64.02").exists()
    assert "kukar.localhost" not in bengkayang_demo


def test_a_demo_host_served_by_another_tenant_stops_the_demo_with_one_line(kalbar_kaltim):
    serve_tenant("61.04", hosts=("kukar.localhost",))
    with pytest.raises(CommandError) as exc:
        call_command("load_demo", stdout=StringIO())
    assert "Host kukar.localhost already belongs to tenant" in str(exc.value)
    assert "(61.04)" in str(exc.value)
    assert "\n" not in str(exc.value)
    assert not User.objects.exists()  # the whole load is one transaction


def test_second_load_changes_nothing_and_says_so(two_tenant_demo):
    before = _counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert _counts() == before
    assert out.getvalue().splitlines()[0] == "Demo already loaded; nothing changed."


def test_two_tenants_each_with_its_hosts_kims_news_cases_and_information(two_tenant_demo):
    bengkayang = Tenant.objects.get(region_id="61.07")
    kukar = Tenant.objects.get(region_id="64.02")
    # Bengkayang was served already (the test settings' hosts): the demo adds its own host.
    assert {"bengkayang.localhost", "127.0.0.1", "localhost"} <= set(
        bengkayang.hosts.values_list("host", flat=True)
    )
    assert list(kukar.hosts.values_list("host", "is_primary")) == [("kukar.localhost", True)]
    assert (kukar.name, kukar.time_zone, kukar.palette) == (
        "Jembatan Kabupaten Kutai Kartanegara",
        "Asia/Makassar",
        "biru",
    )
    assert resolve.tenant_for_host("kukar.localhost") == kukar
    assert resolve.tenant_for_host("bengkayang.localhost") == bengkayang

    kims = Kim.objects.filter(kabupaten_id="64.02")
    assert sorted(k.region_id for k in kims) == ["64.02.02.2003", "64.02.06.1004", "64.02.16.2002"]
    assert {k.region.name for k in kims} == {"Jembayan", "Timbau", "Bukit Raya"}
    for kim in kims:
        assert kim.memberships.filter(position=Position.KETUA).count() == 1
    assert Post.objects.live().filter(kim__kabupaten_id="64.02").count() == 3
    assert not Post.objects.filter(kim__kabupaten_id="64.02", title__icontains="Bengkayang")
    # Each tenant's cases, categories and offices are its own.
    cases = Aspiration.objects.filter(kabupaten_id="64.02")
    assert sorted(cases.values_list("visibility", flat=True)) == ["publik", "rahasia"]
    assert all(c.category.kabupaten_id == "64.02" for c in cases)
    assert Aspiration.objects.filter(kabupaten_id="61.07").count() == 4
    assert Office.objects.filter(kabupaten_id="64.02", kind=Office.Kind.DISKOMINFO).count() == 1
    assert Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id="64.02").count() == 1
    # The information item reached every KIM of Kukar and none of Bengkayang.
    delivered = Delivery.objects.filter(item__title__startswith="Pendaftaran beasiswa Kukar")
    assert sorted(d.kim.kabupaten_id for d in delivered) == ["64.02"] * 3
    assert PublicBody.objects.filter(kabupaten_id="64.02", region_id="64.02").count() == 1
    # The provincial officer: a Diskominfo role held at the province of Kalimantan Barat.
    officer = Membership.objects.get(user__email="provinsi.kalbar@demo.jembatan.test")
    assert (officer.role, officer.region_id) == (Role.KABUPATEN_ADMIN, "61")

    text = two_tenant_demo
    for login in ("diskominfo.kukar@", "ketua.timbau@", "provinsi.kalbar@", "diskominfo@"):
        assert login in text
    assert "Jembatan Kabupaten Kutai Kartanegara (64.02, Asia/Makassar): kukar.localhost" in text
    assert "bengkayang.localhost" in text
