"""CSRF on every POST, and the security headers (HSTS under production settings)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client, override_settings

from jembatan.accounts.models import AuditLog
from jembatan.core.tests.security.urlmap import all_patterns, url_for
from jembatan.core.tests.security.world import login_verified

pytestmark = [pytest.mark.django_db]

# Deliberately without CSRF: the gateway webhook is authenticated by its HMAC signature,
# Open311 and the JSON API by their own keys/tokens (no session cookie is trusted there).
CSRF_EXEMPT = {
    "aspirations:webhook",
    "open311:requests",
    "open311:discovery",
    "open311:services",
    "open311:service_definition",
    "open311:request_detail",
    "open311:root",
    "open311:not_found",
    # A page-view beacon: no session, counts a number only, refuses cross-site senders.
    "dissemination:beacon",
}
API_PREFIX = "api/"


def _counts() -> int:
    return sum(m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions")


def test_every_post_without_a_token_is_refused_except_the_listed_endpoints(world):
    anonymous = Client(enforce_csrf_checks=True)
    staff = Client(enforce_csrf_checks=True)
    login_verified(staff, world.users["kab_admin"])
    before, audit_before = _counts(), AuditLog.objects.count()
    accepted = set()
    for name, route in sorted(all_patterns().items()):
        url = url_for(name, route, world.args["a"])
        for client in (anonymous, staff):
            cache.clear()
            response = client.post(url, {"title": "x", "body": "x", "code": "x"})
            if response.status_code != 403:
                accepted.add(name)
    api = {n for n, r in all_patterns().items() if r.lstrip("^").startswith(API_PREFIX)}
    # The API's token endpoints answer 401/404/405 to a cookie-less POST; the rest must be 403.
    assert accepted - api - CSRF_EXEMPT == set()
    assert accepted | {"open311:root"} >= CSRF_EXEMPT
    assert AuditLog.objects.count() == audit_before
    assert _counts() == before


def test_hsts_and_https_redirect_under_production_settings(client, db):
    with override_settings(
        SECURE_SSL_REDIRECT=True,
        SECURE_HSTS_SECONDS=31536000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    ):
        assert client.get("/").status_code == 301
        response = client.get("/", secure=True)
        assert "max-age=31536000" in response["Strict-Transport-Security"]
        assert "includeSubDomains" in response["Strict-Transport-Security"]
        assert client.get("/healthz").status_code in (200, 503)  # exempt for load balancers


def test_production_settings_turn_hsts_and_secure_cookies_on():
    import subprocess
    import sys

    code = (
        "import jembatan.settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.TWO_FACTOR_REQUIRED)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "p" * 60,
        "ALLOWED_HOSTS": "example.test",
        "DEBUG": "0",
        "JEMBATAN_VAR_DIR": "/tmp/jembatan-sec-var",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["True", "31536000", "True", "True", "True"]
