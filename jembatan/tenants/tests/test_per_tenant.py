"""Two tenants side by side, each on its own hosts: each one's settings are in effect on
its own host and for its own rows (page cache, SMS gateway, webhook secret, default
deadlines, Open311 jurisdiction), and each page shows its own name, logo, colour and
contact. The global settings are only the default of a tenant that sets nothing."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from jembatan.accounts.models import Role
from jembatan.api.models import AggregatorKey
from jembatan.api.services import hash_token
from jembatan.aspirations import services
from jembatan.aspirations.forms import CategoryForm
from jembatan.aspirations.models import Aspiration, Category
from jembatan.aspirations.views import _how_updates_reach
from jembatan.core import gateway
from jembatan.core.gateway import signature_for
from jembatan.core.pagecache import page_cache_seconds
from jembatan.dialogue.tasks import send_code
from jembatan.tenants.models import PALETTE_HEX, Tenant
from jembatan.testing.factories import (
    MembershipFactory,
    UserFactory,
    region_chain,
    serve_tenant,
)
from jembatan.testing.gateway import Gateway

pytestmark = pytest.mark.django_db

A_HOST = "bengkayang.test"
B_HOST = "mempawah.test"


@pytest.fixture
def side_by_side(settings, served_tenant):
    """Bengkayang (61.07, the served tenant, also on bengkayang.test) and Mempawah (61.04 on
    mempawah.test), each with a desa and a category."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, A_HOST, B_HOST]
    served_tenant.hosts.create(host=A_HOST)
    mempawah = serve_tenant("61.04", "Kabupaten Mempawah", hosts=(B_HOST,))
    region_chain("61.07.04.1010", "Sebalo")
    region_chain("61.04.05.2001", "Sungai Pinyuh")
    Category.objects.create(kabupaten_id="61.07", name="Jalan Bengkayang")
    Category.objects.create(kabupaten_id="61.04", name="Jalan Mempawah")
    cache.clear()
    yield Tenant.objects.get(region_id="61.07"), mempawah
    cache.clear()


def _update(tenant: Tenant, **values) -> Tenant:
    for name, value in values.items():
        setattr(tenant, name, value)
    tenant.save()  # the signal clears the resolver's snapshot
    return tenant


# --- Page cache ---------------------------------------------------------------------------


def test_the_page_cache_lifetime_is_the_tenants_else_the_setting(settings, side_by_side):
    a, _b = side_by_side
    settings.PAGE_CACHE_SECONDS = 60
    _update(a, page_cache_seconds=0)  # Bengkayang caches nothing; Mempawah: the default
    client = Client()
    assert "X-Page-Cache" not in client.get("/", HTTP_HOST=A_HOST).headers
    assert "X-Page-Cache" not in client.get("/", HTTP_HOST=A_HOST).headers
    assert client.get("/", HTTP_HOST=B_HOST).headers["X-Page-Cache"] == "miss"
    assert client.get("/", HTTP_HOST=B_HOST).headers["X-Page-Cache"] == "hit"


def test_a_tenants_own_lifetime_beats_the_setting(settings, side_by_side):
    a, b = side_by_side
    settings.PAGE_CACHE_SECONDS = 0  # the server caches nothing by default
    _update(b, page_cache_seconds=120)
    request = RequestFactory().get("/")
    request.tenant = Tenant.objects.get(pk=b.pk)
    assert page_cache_seconds(request) == 120
    request.tenant = a  # page_cache_seconds None: the setting
    assert page_cache_seconds(request) == 0
    request.tenant = None  # an exempt path: no tenant
    assert page_cache_seconds(request) == 0
    client = Client()
    assert client.get("/", HTTP_HOST=B_HOST).headers["X-Page-Cache"] == "miss"
    assert client.get("/", HTTP_HOST=B_HOST).headers["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client.get("/", HTTP_HOST=A_HOST).headers


# --- SMS gateway ---------------------------------------------------------------------------


@pytest.fixture
def gateways(settings, side_by_side):
    """The settings' gateway (the default) and Mempawah's own; Bengkayang sets none."""
    with Gateway("global-secret") as default, Gateway("mempawah-secret") as own:
        default.as_default(settings)
        _update(side_by_side[1], sms_gateway_url=own.url, sms_gateway_secret="mempawah-secret")
        yield default, own


def test_texts_go_through_the_gateway_of_the_kabupatens_tenant(gateways):
    default, own = gateways
    gateway.send_text("+6281200000001", "untuk Mempawah", kabupaten_code="61.04.05.2001")
    gateway.send_text("+6281200000002", "untuk Bengkayang", kabupaten_code="61.07")
    gateway.send_text("+6281200000003", "tanpa kabupaten")
    assert [m["text"] for m in own.received] == ["untuk Mempawah"]
    assert [m["text"] for m in default.received] == ["untuk Bengkayang", "tanpa kabupaten"]
    assert own.refused == default.refused == 0  # each signed with its own gateway's secret


def test_a_tenant_without_a_gateway_and_no_default_sends_nothing(settings, gateways):
    settings.SMS_GATEWAY_URL = ""
    assert gateway.gateway_enabled("61.04") and not gateway.gateway_enabled("61.07")
    with pytest.raises(gateway.GatewayError):
        gateway.send_text("+6281200000002", "x", kabupaten_code="61.07")


def test_a_dialogue_code_goes_through_the_gateway_of_the_consultations_kabupaten(gateways):
    default, own = gateways
    assert send_code.call_local("sms", "+6281234567890", "123456", "61.04") is True
    assert len(own.received) == 1 and "123456" in own.received[0]["text"]
    assert own.received[0]["text"].startswith("Kode verifikasi Jembatan Kabupaten Mempawah:")
    assert not default.received


def test_phones_are_offered_where_the_tenant_has_a_gateway(settings, gateways):
    settings.SMS_GATEWAY_URL = ""  # only Mempawah has one
    client = Client()
    assert 'name="channel"' in client.get("/dialog/verifikasi/", HTTP_HOST=B_HOST).content.decode()
    assert (
        'name="channel"' not in client.get("/dialog/verifikasi/", HTTP_HOST=A_HOST).content.decode()
    )


def test_an_aspiration_in_a_tenant_with_a_gateway_is_told_updates_go_by_sms(
    settings, gateways, django_capture_on_commit_callbacks
):
    settings.SMS_GATEWAY_URL = ""  # only Mempawah has a gateway
    region = region_chain("61.04.05.2001", "Sungai Pinyuh")
    category = Category.objects.get(kabupaten_id="61.04")
    case, _created = services.aspiration_submit(
        data={
            "region": region,
            "category": category,
            "description": "Jembatan kayu di dusun lapuk",
            "reporter_phone": "0812 3456 7890",
            "visibility": Aspiration.Visibility.ANONYMOUS,
        },
        channel=Aspiration.Channel.WEB,
    )
    assert "lewat SMS" in _how_updates_reach(case)
    case.kabupaten_id = "61.07"  # the same case in a kabupaten without a gateway
    assert "Kami tidak mengirim SMS" in _how_updates_reach(case)


# --- The aspirations webhook -------------------------------------------------------------


def _webhook(client, host: str, secret: str, payload: dict):
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()))
    return client.post(
        "/aspirasi/webhook/",
        data=body,
        content_type="application/json",
        HTTP_HOST=host,
        HTTP_X_JEMBATAN_TIMESTAMP=timestamp,
        HTTP_X_JEMBATAN_SIGNATURE=signature_for(secret, timestamp, body),
    )


@pytest.fixture
def webhook_secrets(side_by_side):
    a, b = side_by_side
    _update(a, webhook_secret="rahasia-bengkayang")
    _update(b, webhook_secret="rahasia-mempawah")
    return a, b


def test_the_webhook_checks_the_secret_of_the_tenant_of_the_host(client, webhook_secrets):
    message = {"id": "m-1", "channel": "sms", "from": "+6281234567890"}
    text = "Sungai Pinyuh # jembatan kayu di dusun lapuk"
    response = _webhook(client, B_HOST, "rahasia-mempawah", message | {"text": text})
    assert response.status_code == 201, response.json()
    case = Aspiration.objects.get()
    assert case.kabupaten_id == "61.04" and case.region_id == "61.04.05.2001"
    assert case.category.kabupaten_id == "61.04"


def test_a_message_signed_for_one_tenant_is_refused_on_anothers_host(client, webhook_secrets):
    message = {"id": "m-2", "channel": "sms", "from": "+6281234567890"}
    # Signed with Bengkayang's secret, sent to Mempawah's host (and the reverse).
    refused = _webhook(
        client,
        B_HOST,
        "rahasia-bengkayang",
        message | {"text": "Sungai Pinyuh # jalan rusak parah"},
    )
    assert refused.status_code == 403 and refused.json()["error"] == "bad_signature"
    refused = _webhook(
        client, A_HOST, "rahasia-mempawah", message | {"text": "Sebalo # jalan rusak parah"}
    )
    assert refused.status_code == 403
    assert not Aspiration.objects.exists()


def test_a_case_lands_only_in_the_kabupaten_of_the_host(client, webhook_secrets):
    # Mempawah's gateway naming a desa of Bengkayang: not found in Mempawah.
    message = {"id": "m-3", "channel": "sms", "from": "+6281234567890"}
    response = _webhook(
        client, B_HOST, "rahasia-mempawah", message | {"text": "x", "desa": "61.07.04.1010"}
    )
    assert response.status_code == 422 and response.json()["error"] == "unknown_desa"
    assert not Aspiration.objects.exists()


def test_a_tenant_without_a_webhook_secret_is_not_configured(client, webhook_secrets):
    _update(webhook_secrets[1], webhook_secret="")
    message = {"id": "m-4", "channel": "sms", "text": "Sungai Pinyuh # jalan rusak parah"}
    response = _webhook(client, B_HOST, "", message)
    assert response.status_code == 503 and response.json()["error"] == "not_configured"
    # Bengkayang's own secret still works on its host.
    ok = _webhook(client, A_HOST, "rahasia-bengkayang", message | {"text": "Sebalo # jalan rusak"})
    assert ok.status_code == 201


def test_two_gateways_numbering_alike_make_two_cases_and_hand_back_neither(client, webhook_secrets):
    """Each tenant's gateway numbers its own messages: the same id on two hosts is two
    messages, each filed in its own kabupaten; the reply never carries the other's case or
    its reporter's private link. A retry on the same host still finds its own case."""
    message = {"id": "gw-000123", "channel": "sms", "from": "+6281234567890"}
    first = _webhook(
        client, B_HOST, "rahasia-mempawah", message | {"text": "Sungai Pinyuh # pipa bocor"}
    )
    assert first.status_code == 201
    other = _webhook(
        client,
        A_HOST,
        "rahasia-bengkayang",
        message | {"from": "+6281299998888", "text": "Sebalo # jalan berlubang"},
    )
    assert other.status_code == 201, other.json()
    assert other.json()["code"] != first.json()["code"]
    assert first.json()["code"].replace("-", "") not in json.dumps(other.json())
    assert sorted(Aspiration.objects.values_list("kabupaten_id", flat=True)) == ["61.04", "61.07"]
    again = _webhook(
        client, B_HOST, "rahasia-mempawah", message | {"text": "Sungai Pinyuh # pipa bocor"}
    )
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]


# --- Default deadlines of a new category ---------------------------------------------------


def test_a_new_category_starts_with_its_tenants_deadlines(side_by_side):
    _a, b = side_by_side
    _update(b, verify_days=2, answer_days=14)
    new_in_b = CategoryForm(kabupaten_code="61.04")
    assert new_in_b["verify_days"].value() == 2 and new_in_b["answer_days"].value() == 14
    new_in_a = CategoryForm(kabupaten_code="61.07")  # the tenant's own defaults: 3 and 5
    assert new_in_a["verify_days"].value() == 3 and new_in_a["answer_days"].value() == 5
    existing = Category.objects.get(kabupaten_id="61.04")
    kept = CategoryForm(instance=existing, kabupaten_code="61.04")
    assert kept["answer_days"].value() == existing.answer_days == 5  # not the tenant's


def test_the_service_fills_deadlines_not_given_from_the_tenant(side_by_side):
    _a, b = side_by_side
    _update(b, verify_days=4, answer_days=10)
    admin = UserFactory()
    kabupaten = b.region
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    made = services.category_create(actor=admin, kabupaten=kabupaten, data={"name": "Air"})
    assert (made.verify_days, made.answer_days) == (4, 10)
    given = services.category_create(
        actor=admin, kabupaten=kabupaten, data={"name": "Listrik", "answer_days": 7}
    )
    assert (given.verify_days, given.answer_days) == (4, 7)


def test_the_workspace_form_for_a_new_category_shows_the_tenants_deadlines(side_by_side):
    _a, b = side_by_side
    _update(b, verify_days=2, answer_days=14)
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=b.region)
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("aspirations:manage_categories"), HTTP_HOST=B_HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<input[^>]*name="verify_days"[^>]*value="2"', html)
    assert re.search(r'<input[^>]*name="answer_days"[^>]*value="14"', html)


# --- Open311: one jurisdiction per tenant -------------------------------------------------


OPEN311 = "/open311/v2/"


def test_each_host_lists_only_its_tenants_services(client, side_by_side):
    on_a = client.get(f"{OPEN311}services.json", HTTP_HOST=A_HOST).json()
    on_b = client.get(f"{OPEN311}services.json", HTTP_HOST=B_HOST).json()
    assert [s["service_name"] for s in on_a] == ["Jalan Bengkayang"]
    assert [s["service_name"] for s in on_b] == ["Jalan Mempawah"]
    discovery = client.get(f"{OPEN311}discovery.json", HTTP_HOST=B_HOST).json()
    assert "Mempawah" in discovery["contact"] and "Bengkayang" not in discovery["contact"]


@pytest.mark.parametrize("jurisdiction", ["61.04", B_HOST, "MEMPAWAH.TEST"])
def test_the_jurisdiction_is_the_tenants_code_or_any_of_its_hosts(
    client, side_by_side, jurisdiction
):
    _a, b = side_by_side
    b.hosts.create(host="jembatan.mempawahkab.test")
    response = client.get(
        f"{OPEN311}services.json", {"jurisdiction_id": jurisdiction}, HTTP_HOST=B_HOST
    )
    assert response.status_code == 200
    other_host = client.get(
        f"{OPEN311}services.json",
        {"jurisdiction_id": "jembatan.mempawahkab.test"},
        HTTP_HOST=B_HOST,
    )
    assert other_host.status_code == 200  # another host of the same tenant


@pytest.mark.parametrize("jurisdiction", ["61.07", A_HOST, "testserver"])
def test_another_tenants_jurisdiction_is_not_found(client, side_by_side, jurisdiction):
    response = client.get(
        f"{OPEN311}services.json", {"jurisdiction_id": jurisdiction}, HTTP_HOST=B_HOST
    )
    assert response.status_code == 404


def test_an_aggregator_key_of_one_tenant_is_refused_on_anothers_host(client, side_by_side):
    secret = "jbk_kunci-bengkayang-untuk-uji-0001"
    AggregatorKey.objects.create(
        name="Aplikasi kota",
        kabupaten_id="61.07",
        key_prefix=secret[:12],
        key_hash=hash_token(secret),
        per_minute=10,
        per_hour=100,
    )
    data = {
        "service_code": str(Category.objects.get(kabupaten_id="61.04").pk),
        "description": "Lampu jalan mati sejak seminggu",
        "address_string": "Sungai Pinyuh",
        "api_key": secret,
    }
    refused = client.post(f"{OPEN311}requests.json", data, HTTP_HOST=B_HOST)
    assert refused.status_code == 403
    assert "bukan kunci aplikasi pengumpul kabupaten ini" in refused.content.decode()
    assert not Aspiration.objects.exists()
    # On its own host the key is taken.
    data |= {"service_code": str(Category.objects.get(kabupaten_id="61.07").pk)}
    data |= {"address_string": "Sebalo"}
    assert client.post(f"{OPEN311}requests.json", data, HTTP_HOST=A_HOST).status_code == 201


def test_an_open311_idempotency_key_counts_per_tenant(client, side_by_side):
    """The same client and key on two tenants' hosts are two requests, not a reuse."""
    headers = {"HTTP_IDEMPOTENCY_KEY": "idem-1"}
    base = {"api_key": "kota-app", "device_id": "dev-42", "description": "Lampu jalan mati"}
    on_a = base | {
        "service_code": str(Category.objects.get(kabupaten_id="61.07").pk),
        "address_string": "Sebalo",
    }
    on_b = base | {
        "service_code": str(Category.objects.get(kabupaten_id="61.04").pk),
        "address_string": "Sungai Pinyuh",
    }
    assert (
        client.post(f"{OPEN311}requests.json", on_a, HTTP_HOST=A_HOST, **headers).status_code == 201
    )
    assert (
        client.post(f"{OPEN311}requests.json", on_b, HTTP_HOST=B_HOST, **headers).status_code == 201
    )
    assert sorted(Aspiration.objects.values_list("kabupaten_id", flat=True)) == ["61.04", "61.07"]
    # The same request again on its own host is the retry it is.
    assert (
        client.post(f"{OPEN311}requests.json", on_b, HTTP_HOST=B_HOST, **headers).status_code == 200
    )


# --- The tenant's look ----------------------------------------------------------------------


@pytest.fixture
def looks(side_by_side, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a, b = side_by_side
    _update(
        b,
        name="Jembatan Kabupaten Mempawah",
        palette="biru",
        contact_email="diskominfo@mempawahkab.test",
        contact_phone="0561 691234",
        contact_address="Jl. Gusti Mahmud No. 1, Mempawah",
        logo=SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png"),
    )
    return a, b


def test_each_host_shows_its_tenants_name_logo_colour_and_contact(client, looks):
    _a, b = looks
    page_b = client.get("/", HTTP_HOST=B_HOST).content.decode()
    assert 'class="tenant-biru"' in page_b
    assert '<span class="brand-name">Jembatan Kabupaten Mempawah</span>' in page_b
    assert '<span class="brand-short">Mempawah</span>' in page_b
    assert f'src="{Tenant.objects.get(pk=b.pk).logo.url}"' in page_b
    assert "diskominfo@mempawahkab.test" in page_b and "0561 691234" in page_b
    assert "Jl. Gusti Mahmud No. 1, Mempawah" in page_b
    assert f'content="{PALETTE_HEX["biru"][0]}"' in page_b  # theme-color
    assert "Bengkayang" not in page_b
    page_a = client.get("/", HTTP_HOST=A_HOST).content.decode()
    assert 'class="tenant-hijau"' in page_a
    assert '<span class="brand-name">Jembatan Kabupaten Bengkayang</span>' in page_a
    assert "tenant-logo" not in page_a and "img/favicon.svg" in page_a  # no logo set
    assert "tenant-contact" not in page_a  # no contact set: no empty block
    assert "mempawahkab" not in page_a


def test_open_graph_feeds_and_catalogue_are_named_after_the_tenant(client, looks):
    page = client.get("/", HTTP_HOST=B_HOST).content.decode()
    assert '<meta property="og:site_name" content="Jembatan Kabupaten Mempawah">' in page
    feed = client.get(reverse("sites:hub_feed"), HTTP_HOST=B_HOST).content.decode()
    assert "<title>Berita Terkini · Jembatan Kabupaten Mempawah</title>" in feed
    catalogue = client.get(reverse("dashboard:catalog"), HTTP_HOST=B_HOST).json()
    assert catalogue["dct:publisher"]["foaf:name"] == "Jembatan Kabupaten Mempawah"
    on_a = client.get(reverse("dashboard:catalog"), HTTP_HOST=A_HOST).json()
    assert on_a["dct:publisher"]["foaf:name"] == "Jembatan Kabupaten Bengkayang"


def test_the_pwa_manifest_stays_global(client, settings, looks):
    manifest = client.get("/manifest.webmanifest", HTTP_HOST=B_HOST).json()
    assert manifest["name"] == settings.SITE_NAME
