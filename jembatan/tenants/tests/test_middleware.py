"""TenantMiddleware: request.tenant and its time zone, and what a host without one gets."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from jembatan.tenants.current import current_tenant
from jembatan.tenants.models import Tenant
from jembatan.testing.factories import build_two_tenants, serve_tenant

pytestmark = [pytest.mark.django_db, pytest.mark.urls("jembatan.tenants.tests.urls")]

PROBE = "/_tenant-probe/"
UNKNOWN = "tidak-dikenal.example.id"


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = [*django_settings.ALLOWED_HOSTS, "mempawah.test", UNKNOWN]


@pytest.fixture
def mempawah() -> Tenant:
    return serve_tenant(
        "61.04", "Kabupaten Mempawah", hosts=("mempawah.test",), time_zone="Asia/Makassar"
    )


def test_request_tenant_is_the_hosts_tenant(client, served_tenant, mempawah):
    body = client.get(PROBE).json()
    assert body["tenant"] == served_tenant.pk
    assert body["code"] == body["current"] == body["served"] == "61.07"
    body = client.get(PROBE, HTTP_HOST="mempawah.test").json()
    assert body["tenant"] == mempawah.pk
    assert body["code"] == body["current"] == body["served"] == "61.04"


def test_host_with_a_port_and_in_capitals(client, settings, mempawah):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "MEMPAWAH.TEST"]
    body = client.get(PROBE, HTTP_HOST="Mempawah.Test:8443").json()
    assert body["tenant"] == mempawah.pk


def test_time_zone_is_the_tenants_during_the_request_only(client, mempawah):
    assert client.get(PROBE, HTTP_HOST="mempawah.test").json()["zone"] == "Asia/Makassar"
    assert client.get(PROBE).json()["zone"] == "Asia/Jakarta"
    # Deactivated after the response: the next code in this thread is back on the default.
    client.get(PROBE, HTTP_HOST="mempawah.test")
    assert timezone.get_current_timezone_name() == django_settings.TIME_ZONE
    assert current_tenant() is None


def test_inactive_tenant_host_gets_the_list(client, mempawah):
    mempawah.is_active = False
    mempawah.save()
    response = client.get(PROBE, HTTP_HOST="mempawah.test")
    assert response.status_code == 404
    assert "Alamat ini tidak melayani kabupaten mana pun" in response.content.decode()
    assert "Kabupaten Mempawah" not in response.content.decode()


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_unknown_host_gets_the_list_of_tenants_and_no_data(client, served_tenant, mempawah):
    sides = build_two_tenants()
    mempawah.contact_email = "humas@mempawah.test"
    mempawah.contact_phone = "0561-123456"
    mempawah.save()
    for path in ["/", PROBE, "/kim/", f"/kim/{sides.a.kim.slug}/", "/kelola/"]:
        response = client.get(path, HTTP_HOST=UNKNOWN)
        html = response.content.decode()
        assert response.status_code == 404, path
        assert "Alamat ini tidak melayani kabupaten mana pun" in html
        assert links(html) == ["http://testserver/", "http://mempawah.test/"]
        assert ">Jembatan Kabupaten Bengkayang</a>" in html
        assert ">Jembatan Kabupaten Mempawah</a>" in html
        for secret in [sides.a.kim.name, sides.b.kim.name, "humas@mempawah.test", "0561-123456"]:
            assert secret not in html, (path, secret)
        assert "noindex" in html


def test_unknown_host_list_keeps_the_port(client, mempawah):
    html = client.get("/", HTTP_HOST=f"{UNKNOWN}:8080").content.decode()
    assert links(html) == ["http://testserver:8080/", "http://mempawah.test:8080/"]


def test_unknown_host_list_over_https(client, mempawah):
    html = client.get("/", HTTP_HOST=UNKNOWN, secure=True).content.decode()
    assert links(html) == ["https://testserver/", "https://mempawah.test/"]


def test_unknown_host_can_get_a_bare_404(client, settings, mempawah):
    settings.TENANT_UNKNOWN_HOST = "404"
    response = client.get("/", HTTP_HOST=UNKNOWN)
    html = response.content.decode()
    assert response.status_code == 404
    assert links(html) == []
    assert "Kabupaten" not in html
    assert "Periksa kembali alamat yang Anda ketik." in html


def test_exempt_paths_answer_on_an_unknown_host(client):
    health = client.get("/healthz", HTTP_HOST=UNKNOWN)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok"}
    for path in ["/sw.js", "/manifest.webmanifest"]:
        response = client.get(path, HTTP_HOST=UNKNOWN)
        assert response.status_code == 200, path
        assert b"tidak melayani" not in response.content


def test_exempt_path_has_no_tenant(client):
    """A probe under an exempt prefix gets request.tenant None, so served_code() 404s
    instead of serving some tenant's data."""
    assert all(not PROBE.startswith(p) for p in django_settings.TENANT_EXEMPT_PATHS)
    response = client.get("/healthz", HTTP_HOST="testserver")
    assert response.status_code == 200
    assert response.wsgi_request.tenant is None


def test_a_streamed_download_is_the_hosts_tenants_to_the_end(client, mempawah):
    """The open-data rows are read while the response is sent, after the middleware has
    let the request go: they are still the host's tenant's (the middleware serves each chunk)."""
    sides = build_two_tenants()
    for fmt in ("csv", "json"):
        response = client.get(f"/data/kim.{fmt}", HTTP_HOST="mempawah.test")
        assert response.status_code == 200
        assert response.streaming
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert sides.b.kim.name in body, fmt
        assert sides.a.kim.name not in body, fmt
        assert 'filename="kim-61.04.' in response["Content-Disposition"]
