"""/kelola/platform/tenant/: the operator creates, edits and deactivates tenants; hosts are
checked; secrets are write-only; every step writes an audit row carrying the tenant."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from jembatan.accounts.models import AuditLog, Role
from jembatan.tenants.models import Tenant, TenantHost
from jembatan.tenants.resolve import tenant_for_host
from jembatan.testing.factories import MembershipFactory, UserFactory, region_chain
from jembatan.workspace import tenant_services
from jembatan.workspace.audit_actions import AuditAction

pytestmark = pytest.mark.django_db

HOSTS = ["testserver", "localhost", "127.0.0.1", ".mempawahkab.go.id", "mempawah.test"]


@pytest.fixture(autouse=True)
def _hosts(settings, tmp_path):
    settings.ALLOWED_HOSTS = HOSTS
    settings.KIM_HOSTS = {"sebalo.kim.mempawahkab.go.id": "kim-sebalo"}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def operator():
    return MembershipFactory(user=UserFactory(), role=Role.OPERATOR, region=None).user


@pytest.fixture
def mempawah():
    return region_chain("61.04", "Kabupaten Mempawah")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 300), (20, 90, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def _form(**extra) -> dict:
    data = {
        "region": "61.04",
        "name": "Jembatan Kabupaten Mempawah",
        "hosts": "Jembatan.MempawahKab.go.id\nmempawah.test",
        "palette": "biru",
        "contact_email": "diskominfo@mempawahkab.go.id",
        "contact_phone": "",
        "contact_address": "",
        "time_zone": "Asia/Pontianak",
        "page_cache_seconds": "",
        "verify_days": "4",
        "answer_days": "6",
        "complete_days": "45",
        "sms_gateway_url": "",
        "sms_gateway_secret": "sms-rahasia-1",
        "webhook_secret": "",
    }
    data.update(extra)
    return data


def test_the_operator_creates_a_tenant_by_name_with_its_hosts_logo_and_secret(operator, mempawah):
    client = _client(operator)
    response = client.post(
        reverse("workspace:tenant_create"), {**_form(region="mempawah"), "logo": _png()}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    tenant = Tenant.objects.get(region=mempawah)
    assert tenant.palette == "biru" and tenant.verify_days == 4 and tenant.answer_days == 6
    assert tenant.complete_days == 45  # shorter than the rule's 60 days, as it may be
    assert tenant.sms_gateway_secret == "sms-rahasia-1"
    assert tenant.logo.name.startswith("tenants/61-04-") and tenant.logo.name.endswith(".jpg")
    hosts = list(TenantHost.objects.filter(tenant=tenant).values_list("host", "is_primary"))
    assert sorted(hosts) == [("jembatan.mempawahkab.go.id", True), ("mempawah.test", False)]
    assert tenant_for_host("mempawah.test") == tenant
    row = AuditLog.objects.get(action=AuditAction.TENANT_CREATE)
    assert row.actor == operator and row.tenant == tenant
    assert row.after["hosts"] == ["jembatan.mempawahkab.go.id", "mempawah.test"]
    assert "sms-rahasia-1" not in str(row.after) + row.note
    assert "sms_gateway_secret" in row.note
    listing = client.get(reverse("workspace:tenants")).content.decode()
    assert "Jembatan Kabupaten Mempawah" in listing and "mempawah.test" in listing


def test_secrets_are_never_shown_back_and_a_blank_keeps_the_old(operator, mempawah):
    tenant = tenant_services.tenant_create(
        actor=operator,
        region=mempawah,
        data={"name": "Jembatan Mempawah", "webhook_secret": "kait-lama"},
        hosts=["mempawah.test"],
    )
    client = _client(operator)
    url = reverse("workspace:tenant_edit", args=[tenant.pk])
    page = client.get(url).content.decode()
    assert "kait-lama" not in page
    response = client.post(url, _form(name="Jembatan Mempawah Baru", sms_gateway_secret=""))
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert tenant.name == "Jembatan Mempawah Baru"
    assert tenant.webhook_secret == "kait-lama" and tenant.sms_gateway_secret == ""
    update = AuditLog.objects.get(action=AuditAction.TENANT_UPDATE)
    assert update.before["name"] == "Jembatan Mempawah"
    assert update.after["name"] == "Jembatan Mempawah Baru"
    assert update.tenant == tenant
    hosts_row = AuditLog.objects.get(action=AuditAction.TENANT_HOSTS)
    assert hosts_row.before == {"hosts": ["mempawah.test"]}
    assert hosts_row.after == {"hosts": ["jembatan.mempawahkab.go.id", "mempawah.test"]}
    client.post(url, _form(webhook_secret="kait-baru"))
    tenant.refresh_from_db()
    assert tenant.webhook_secret == "kait-baru"
    rows = AuditLog.objects.filter(action=AuditAction.TENANT_UPDATE).order_by("-id")
    assert "webhook_secret" in rows[0].note
    assert all("kait" not in f"{r.before}{r.after}{r.note}" for r in rows)


@pytest.mark.parametrize(
    ("hosts", "fragment"),
    [
        ("http://mempawah.test/", "bukan nama host yang sah"),
        ("mempawah.test:8000", "bukan nama host yang sah"),
        ("-buruk.mempawahkab.go.id", "bukan nama host yang sah"),
        ("sebalo.kim.mempawahkab.go.id", "KIM_HOSTS"),
        ("jembatan.kuburaya.go.id", "ALLOWED_HOSTS"),
        ("testserver", "sudah dipakai Jembatan Kabupaten Bengkayang"),
        ("", "id_hosts_error"),
    ],
)
def test_refused_hosts_are_shown_on_the_form_and_nothing_is_written(
    operator, mempawah, hosts, fragment
):
    response = _client(operator).post(reverse("workspace:tenant_create"), _form(hosts=hosts))
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert not Tenant.objects.filter(region=mempawah).exists()
    assert not AuditLog.objects.filter(action=AuditAction.TENANT_CREATE).exists()


def test_hosts_are_lower_cased_deduplicated_and_the_first_is_primary():
    assert tenant_services.clean_hosts(
        ["  Mempawah.TEST. ", "", "mempawah.test", "jembatan.mempawahkab.go.id"]
    ) == ["mempawah.test", "jembatan.mempawahkab.go.id"]


def test_a_kabupaten_already_served_or_unknown_is_refused(operator):
    client = _client(operator)
    served = client.post(reverse("workspace:tenant_create"), _form(region="61.07"))
    assert served.status_code == 400
    assert "sudah menjadi tenant" in served.content.decode()
    unknown = client.post(reverse("workspace:tenant_create"), _form(region="Atlantis"))
    assert unknown.status_code == 400
    assert "Tidak ada kabupaten/kota" in unknown.content.decode()


def test_a_bad_logo_is_refused(operator, mempawah):
    bad = SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")
    response = _client(operator).post(reverse("workspace:tenant_create"), {**_form(), "logo": bad})
    assert response.status_code == 400
    assert not Tenant.objects.filter(region=mempawah).exists()


def test_deactivate_and_activate_again_each_write_a_row(operator, mempawah):
    tenant = tenant_services.tenant_create(
        actor=operator, region=mempawah, data={"name": "Jembatan Mempawah"}, hosts=["mempawah.test"]
    )
    client = _client(operator)
    assert tenant_for_host("mempawah.test") == tenant
    client.post(reverse("workspace:tenant_deactivate", args=[tenant.pk]))
    tenant.refresh_from_db()
    assert not tenant.is_active
    assert tenant_for_host("mempawah.test") is None
    client.post(reverse("workspace:tenant_activate", args=[tenant.pk]))
    tenant.refresh_from_db()
    assert tenant.is_active
    actions = list(
        AuditLog.objects.filter(tenant=tenant, action__startswith="tenant.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        AuditAction.TENANT_CREATE,
        AuditAction.TENANT_DEACTIVATE,
        AuditAction.TENANT_ACTIVATE,
    ]


def test_only_the_operator_manages_tenants(mempawah):
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    tenant = Tenant.objects.get(region_id="61.07")
    client = _client(admin)
    assert client.get(reverse("workspace:tenants")).status_code == 403
    assert client.post(reverse("workspace:tenant_create"), _form()).status_code == 403
    assert client.post(reverse("workspace:tenant_deactivate", args=[tenant.pk])).status_code == 403
    tenant.refresh_from_db()
    assert tenant.is_active
    with pytest.raises(PermissionDenied):
        tenant_services.tenant_create(
            actor=admin, region=mempawah, data={"name": "X"}, hosts=["mempawah.test"]
        )
    assert "workspace:tenants" not in client.get("/kelola/").content.decode()
    assert reverse("workspace:tenants") not in client.get("/kelola/").content.decode()


def test_the_operator_finds_the_tenants_button_on_the_workspace_home(operator):
    page = _client(operator).get("/kelola/").content.decode()
    assert reverse("workspace:tenants") in page


def test_a_service_refuses_a_region_that_is_not_a_kabupaten(operator):
    with pytest.raises(ValidationError):
        tenant_services.tenant_create(
            actor=operator,
            region=region_chain("61.04.05", "Sungai Pinyuh"),
            data={"name": "X"},
            hosts=["mempawah.test"],
        )


def test_a_new_logo_replaces_the_old_and_can_be_removed(operator, mempawah):
    tenant = tenant_services.tenant_create(
        actor=operator,
        region=mempawah,
        data={"name": "Jembatan Mempawah"},
        hosts=["mempawah.test"],
        logo=_png(),
    )
    first = tenant.logo.name
    assert first
    client = _client(operator)
    url = reverse("workspace:tenant_edit", args=[tenant.pk])
    assert client.post(url, {**_form(), "logo": _png()}).status_code == 302
    tenant.refresh_from_db()
    assert tenant.logo.name and tenant.logo.name != first
    row = AuditLog.objects.filter(action=AuditAction.TENANT_UPDATE).latest("id")
    assert row.before["logo"] == first and row.after["logo"] == tenant.logo.name
    assert client.post(url, {**_form(), "clear_logo": "on"}).status_code == 302
    tenant.refresh_from_db()
    assert not tenant.logo


def test_a_new_tenant_takes_aspirations_from_its_first_day(operator, settings):
    """Created in /kelola/, a tenant has its Diskominfo office and a general category, so
    its aspiration form can be sent at once; its zone follows its province when not chosen."""
    from jembatan.aspirations.models import Aspiration, Category

    badung = region_chain("51.03", "Kabupaten Badung")
    region_chain("51.03.01.2001", "Kuta")
    settings.ALLOWED_HOSTS = [*HOSTS, "badung.test"]
    client = _client(operator)
    response = client.post(
        reverse("workspace:tenant_create"),
        _form(
            region="51.03",
            name="Jembatan Kabupaten Badung",
            hosts="badung.test",
            time_zone="",
            sms_gateway_secret="",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tenant = Tenant.objects.get(region=badung)
    assert tenant.time_zone == "Asia/Makassar"  # Bali is WITA
    (category,) = Category.objects.filter(kabupaten=badung)
    assert category.name == "Umum" and category.office.short_name == "Diskominfo"
    assert (category.verify_days, category.answer_days) == (4, 6)
    form = client.get("/aspirasi/kirim/", HTTP_HOST="badung.test").content.decode()
    assert f'value="{category.pk}"' in form
    sent = Client().post(
        "/aspirasi/kirim/",
        {
            "region": "51.03.01.2001",
            "category": category.pk,
            "description": "Saluran air di depan pasar tersumbat sampah",
            "reporter_phone": "081234567890",
            "visibility": "anonim",
        },
        HTTP_HOST="badung.test",
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    assert Aspiration.objects.get().kabupaten_id == "51.03"


def test_a_page_cache_lifetime_past_an_hour_is_a_form_error_not_a_crash(operator, mempawah):
    client = _client(operator)
    for value in ("99999999999999999999", "3601", "-1"):
        response = client.post(reverse("workspace:tenant_create"), _form(page_cache_seconds=value))
        assert response.status_code == 400  # the form again, with its error
        assert "page_cache_seconds" in response.context["form"].errors
    assert not Tenant.objects.filter(region=mempawah).exists()
