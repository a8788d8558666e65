"""CORS for public reads: other agencies' browser apps may read the public API, Open311,
feeds, calendars and open data; never the workspace or a token-authenticated request."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ORIGIN = "https://peta.example.go.id"
PUBLIC = [
    "/api/v1/",
    "/api/v1/kim/",
    "/api/v1/berita/",
    "/open311/v2/services.json",
    "/open311/v2/discovery.json",
    "/feed/",
    "/data/catalog.json",
    "/agenda.ics",
    "/literasi/kalender.ics",
]
PRIVATE = ["/kelola/", "/kelola/api/", "/akun/masuk/", "/aspirasi/kirim/", "/admin/", "/"]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_reads_may_be_read_from_any_origin(client, url):
    response = client.get(url, HTTP_ORIGIN=ORIGIN)
    assert response.status_code < 500
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("url", PRIVATE)
def test_the_workspace_and_forms_are_never_opened(client, url):
    response = client.get(url, HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


def test_a_preflight_allows_reads_without_tokens_only(client):
    response = client.options(
        "/api/v1/kim/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "authorization" not in response["Access-Control-Allow-Headers"].lower()
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_a_kim_feed_is_open(client, two_tenants):
    response = client.get(f"/kim/{two_tenants.a.kim.slug}/feed/", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    response = client.get(f"/kim/{two_tenants.a.kim.slug}/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response
