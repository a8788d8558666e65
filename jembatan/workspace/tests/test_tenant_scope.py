"""Staff across tenants: the switcher in the workspace header, ``workspace_tenant``, the
dashboard that follows the choice (a province officer's province roll-up too), and the
audit trail that shows a Diskominfo only its tenant's rows."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from jembatan.accounts.audit import audit_record
from jembatan.accounts.models import AuditLog, Role
from jembatan.accounts.tenant_scope import SESSION_KEY, tenants_for_user, workspace_tenant
from jembatan.tenants.models import Tenant
from jembatan.testing.factories import (
    KimFactory,
    MembershipFactory,
    UserFactory,
    region_chain,
    serve_tenant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mempawah(settings) -> Tenant:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mempawah.test"]
    return serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))


@pytest.fixture
def bengkayang() -> Tenant:
    return Tenant.objects.get(region_id="61.07")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _province_officer():
    officer = UserFactory(full_name="Petugas Provinsi")
    MembershipFactory(user=officer, role=Role.KABUPATEN_ADMIN, region=region_chain("61"))
    return officer


def _diskominfo(code: str):
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=region_chain(code))
    return admin


def test_who_may_act_in_which_tenant(bengkayang, mempawah):
    operator = MembershipFactory(user=UserFactory(), role=Role.OPERATOR, region=None).user
    assert set(tenants_for_user(operator)) == {bengkayang, mempawah}
    assert set(tenants_for_user(_province_officer())) == {bengkayang, mempawah}
    assert tenants_for_user(_diskominfo("61.04")) == [mempawah]
    camat = UserFactory()
    MembershipFactory(user=camat, role=Role.CAMAT, region=region_chain("61.07.04"))
    assert tenants_for_user(camat) == [bengkayang]
    assert tenants_for_user(UserFactory()) == []


def test_a_province_officer_switches_tenant_and_the_choice_scopes_the_workspace(
    bengkayang, mempawah
):
    officer = _province_officer()
    client = _client(officer)
    home = client.get("/kelola/").content.decode()
    assert reverse("workspace:tenant_switch") in home
    assert "Jembatan Kabupaten Mempawah" in home
    response = client.post(reverse("workspace:tenant_switch"), {"tenant": "61.04"})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == "61.04"
    home = client.get("/kelola/").content.decode()
    assert '<option value="61.04" selected>' in home
    # The dashboard starts on the chosen kabupaten, and everything is narrowed to it: the
    # other kabupaten and the province roll-up wait for "all my kabupaten/kota".
    dashboard = client.get(reverse("dashboard:overview"))
    assert dashboard.status_code == 200
    assert dashboard.context["scope"].code == "61.04"
    assert client.get(reverse("dashboard:overview"), {"wilayah": "61.07"}).status_code == 404
    assert client.get(reverse("dashboard:overview"), {"wilayah": "61"}).status_code == 404
    response = client.post(reverse("workspace:tenant_switch"), {"tenant": "semua"})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == "semua"
    assert '<option value="semua" selected>' in client.get("/kelola/").content.decode()
    province = client.get(reverse("dashboard:overview"), {"wilayah": "61"})
    assert province.status_code == 200
    assert province.context["scope"].code == "61"
    assert {c["code"] for c in province.context["children"]} >= {"61.04", "61.07"}


def test_a_province_officer_without_a_choice_reads_the_province_roll_up(bengkayang):
    client = _client(_province_officer())
    dashboard = client.get(reverse("dashboard:overview"))
    assert dashboard.status_code == 200
    assert dashboard.context["scope"].code == "61"
    assert client.get(reverse("dashboard:overview"), {"wilayah": "63"}).status_code == 404


def test_a_tenant_the_user_may_not_act_in_is_refused_and_not_kept(bengkayang, mempawah):
    admin = _diskominfo("61.07")
    client = _client(admin)
    assert reverse("workspace:tenant_switch") not in client.get("/kelola/").content.decode()
    response = client.post(reverse("workspace:tenant_switch"), {"tenant": "61.04"})
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_workspace_tenant_is_the_choice_while_allowed_else_the_hosts(bengkayang, mempawah):
    admin = _diskominfo("61.04")
    request = RequestFactory().get("/kelola/")
    request.user = admin
    request.tenant = bengkayang
    request.session = {SESSION_KEY: "61.04"}
    assert workspace_tenant(request) == mempawah
    request.session = {SESSION_KEY: "61.07"}  # (no role in Bengkayang: the host's)
    assert workspace_tenant(request) == bengkayang
    request.session = {}
    assert workspace_tenant(request) == bengkayang


def test_the_office_report_follows_the_chosen_tenant(bengkayang, mempawah):
    operator = MembershipFactory(user=UserFactory(), role=Role.OPERATOR, region=None).user
    client = _client(operator)
    assert client.get(reverse("dashboard:office_report")).context["scope"].kabupaten.code == (
        "61.07"
    )
    client.post(reverse("workspace:tenant_switch"), {"tenant": "61.04"})
    report = client.get(reverse("dashboard:office_report"))
    assert report.status_code == 200
    assert report.context["scope"].kabupaten.code == "61.04"


def test_the_audit_trail_shows_a_diskominfo_only_its_tenants_rows(bengkayang, mempawah):
    kim_a = KimFactory(name="KIM Sebalo", region=region_chain("61.07.04.1010"))
    kim_b = KimFactory(name="KIM Sungai Pinyuh", region=region_chain("61.04.05.2001"))
    audit_record(actor=None, action="kim.update", target=kim_a, tenant=bengkayang)
    audit_record(actor=None, action="kim.update", target=kim_b, tenant=mempawah)
    url = reverse("workspace:audit_log")
    page_a = _client(_diskominfo("61.07")).get(url).content.decode()
    assert "KIM Sebalo" in page_a and "KIM Sungai Pinyuh" not in page_a
    # Mempawah's Diskominfo reads its trail on its own host.
    admin_b = _client(_diskominfo("61.04"))
    page_b = admin_b.get(url, HTTP_HOST="mempawah.test").content.decode()
    assert "KIM Sungai Pinyuh" in page_b and "KIM Sebalo" not in page_b
    # A Diskominfo cannot ask for another tenant's rows.
    asked = admin_b.get(url, {"tenant": "61.07"}, HTTP_HOST="mempawah.test").content.decode()
    assert "KIM Sebalo" not in asked
    # On Bengkayang's host it acts for Bengkayang, where it has no role: no trail at all.
    assert admin_b.get(url).status_code == 403

    operator = MembershipFactory(user=UserFactory(), role=Role.OPERATOR, region=None).user
    client = _client(operator)
    everything = client.get(url).content.decode()
    assert "KIM Sebalo" in everything and "KIM Sungai Pinyuh" in everything
    filtered = client.get(url, {"tenant": "61.04"}).content.decode()
    assert "KIM Sungai Pinyuh" in filtered and "KIM Sebalo" not in filtered
    assert AuditLog.objects.filter(tenant=mempawah).count() == 1


def test_the_audit_trail_is_closed_to_other_staff(bengkayang):
    camat = UserFactory()
    MembershipFactory(user=camat, role=Role.CAMAT, region=region_chain("61.07.04"))
    assert _client(camat).get(reverse("workspace:audit_log")).status_code == 403


def test_the_chosen_tenant_narrows_every_workspace_page_not_only_the_dashboard(
    bengkayang, mempawah
):
    """An operator who chose Mempawah sees Mempawah's cases in the aspiration desk and
    cannot open Bengkayang's; "all" brings both back."""
    from jembatan.testing.factories import AspirationFactory

    ours = AspirationFactory(region=region_chain("61.04.05.2001", "Sungai Pinyuh"))
    theirs = AspirationFactory(region=region_chain("61.07.04.1010", "Sebalo"))
    operator = MembershipFactory(user=UserFactory(), role=Role.OPERATOR, region=None).user
    client = _client(operator)
    desk = reverse("aspirations:manage_queue")
    both = client.get(desk, {"status": "semua"}).content.decode()
    assert ours.code in both and theirs.code in both
    client.post(reverse("workspace:tenant_switch"), {"tenant": "61.04"})
    narrowed = client.get(desk, {"status": "semua"}).content.decode()
    assert ours.code in narrowed
    assert theirs.code not in narrowed
    detail = reverse("aspirations:manage_detail", args=[theirs.code])
    assert client.get(detail).status_code == 404
    assert client.get(reverse("aspirations:manage_detail", args=[ours.code])).status_code == 200
    client.post(reverse("workspace:tenant_switch"), {"tenant": "semua"})
    assert client.get(detail).status_code == 200


def test_narrowing_never_widens_a_role(bengkayang, mempawah):
    """A province officer narrowed to Mempawah oversees Mempawah only and still
    administers nothing; a Diskominfo of Bengkayang narrowed elsewhere holds nothing."""
    from jembatan.accounts import access

    officer = _province_officer()
    with access.workspace_scope("61.04"):
        assert [r.code for r in access.supervised_regions(officer)] == ["61.04"]
        assert access.administered_kabupaten(officer) == []
        assert not access.administers_kabupaten(officer, "61.04")
        assert [m.region_id for m in access.get_memberships_for_user(officer)] == ["61"]
    admin = _diskominfo("61.07")
    with access.workspace_scope("61.04"):
        assert access.get_memberships_for_user(admin) == []
        assert access.administered_kabupaten(admin) == []
    operator = MembershipFactory(user=UserFactory(), role=Role.OPERATOR, region=None).user
    with access.workspace_scope("61.04"):
        assert not access.is_operator(operator)
        assert access.is_operator(operator, platform=True)
        assert [r.code for r in access.administered_kabupaten(operator)] == ["61.04"]
        assert Role.KABUPATEN_ADMIN in access.get_roles_for_user(operator)
    assert access.is_operator(operator)


def test_on_a_host_their_roles_do_not_reach_staff_see_nothing_of_theirs(bengkayang, mempawah):
    """A Mempawah officer signed in on Bengkayang's host: the workspace acts for Bengkayang,
    so nothing of Mempawah appears under Bengkayang's name (and nothing of Bengkayang)."""
    from jembatan.testing.factories import AspirationFactory

    theirs = AspirationFactory(region=region_chain("61.04.05.2001", "Sungai Pinyuh"))
    client = _client(_diskominfo("61.04"))
    desk = reverse("aspirations:manage_queue")
    assert theirs.code not in client.get(desk, {"status": "semua"}).content.decode()
    detail = reverse("aspirations:manage_detail", args=[theirs.code])
    assert client.get(detail).status_code == 404
    on_own_host = client.get(desk, {"status": "semua"}, HTTP_HOST="mempawah.test")
    assert theirs.code in on_own_host.content.decode()


def test_the_province_role_reads_as_the_provinces_not_a_kabupatens(bengkayang):
    officer = _province_officer()
    home = _client(officer).get("/kelola/").content.decode()
    assert "Diskominfo provinsi (pemantau)" in home
    assert "Admin kabupaten (Diskominfo) — " not in home
