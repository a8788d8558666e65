"""One error format for every error: 400, 401, 403, 404, 405, 415, 429, 500, 503."""

from __future__ import annotations

import pytest

from jembatan.api import views
from jembatan.api.tests.conftest import bearer, make_token

pytestmark = pytest.mark.django_db


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details"}
    assert error["status"] == status
    assert error["message"]
    return error


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_unknown_addresses_under_api_are_json_404(client_api, method):
    response = getattr(client_api, method)("/api/v1/tidak-ada/")
    error = _error(response, 404)
    assert error["code"] == "not_found"
    _error(client_api.get("/api/v2/kim/"), 404)
    _error(client_api.get("/api/lain"), 404)


def test_missing_slash_gets_a_hint(client_api, db):
    error = _error(client_api.get("/api/v1/kim"), 404)
    assert "/api/v1/kim/" in error["message"]


def test_405_in_the_error_format(client_api, db):
    response = client_api.delete("/api/v1/kim/")
    error = _error(response, 405)
    assert error["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_401_and_403_in_the_error_format(client_api, two_tenants, mempawah_host):
    _error(client_api.post("/api/v1/aspirasi/", {}, format="json"), 401)
    _token, secret = make_token(two_tenants.a.owner)
    # (on its own kabupaten's host: on another's the KIM is not found at all)
    response = client_api.post(
        "/api/v1/kim/kim-b/berita/",
        {"title": "x", "body": "y"},
        format="json",
        HTTP_HOST=mempawah_host,
        **bearer(secret),
    )
    assert _error(response, 403)["code"] == "permission_denied"


def test_400_has_the_fields_messages(client_api, two_tenants):
    _token, secret = make_token(two_tenants.a.owner)
    response = client_api.post("/api/v1/kim/kim-a/berita/", {}, format="json", **bearer(secret))
    error = _error(response, 400)
    assert error["code"] == "invalid"
    assert set(error["details"]) == {"title", "body"}
    malformed = client_api.post(
        "/api/v1/kim/kim-a/berita/",
        "{bukan json",
        content_type="application/json",
        **bearer(secret),
    )
    assert _error(malformed, 400)["code"] == "parse_error"
    form = client_api.post("/api/v1/kim/kim-a/berita/", {"title": "x"}, **bearer(secret))
    assert _error(form, 415)["code"] == "unsupported_media_type"


def test_429_with_retry_after(client_api, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "2/minute", "write": "2/minute"},
    }
    for _ in range(2):
        assert client_api.get("/api/v1/kim/").status_code == 200
    response = client_api.get("/api/v1/kim/")
    error = _error(response, 429)
    assert error["code"] == "throttled"
    assert 0 < error["details"]["retry_after"] <= 60
    assert int(response["Retry-After"]) > 0


def test_a_bug_is_a_json_500_without_details(client_api, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("rahasia internal")

    monkeypatch.setattr(views, "_public_kims", broken)
    response = client_api.get("/api/v1/kim/")
    error = _error(response, 500)
    assert error["code"] == "server_error"
    assert "rahasia" not in response.content.decode()


def test_bad_rate_setting_is_refused_at_start_up():
    from django.core.exceptions import ImproperlyConfigured

    from jembatan.api.apps import check_throttle_rates

    check_throttle_rates({"anon": "60/minute", "user": None})
    with pytest.raises(ImproperlyConfigured):
        check_throttle_rates({"anon": "banyak"})


def test_a_lost_database_is_a_503_in_the_error_format(client_api, monkeypatch):
    from django.db import OperationalError

    def unreachable(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views.KimListView, "get_queryset", unreachable)
    response = client_api.get("/api/v1/kim/")
    error = _error(response, 503)
    assert error["code"] == "unavailable"
    assert response["Retry-After"] == "30"
    assert "closed the connection" not in response.content.decode()
