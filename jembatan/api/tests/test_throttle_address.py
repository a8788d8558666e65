"""API throttles count the visitor's address as the rest of the site does (PROXY_COUNT)."""

from __future__ import annotations

from rest_framework.test import APIClient


def test_anonymous_limits_count_the_forwarded_address_not_a_forged_hop(db, settings):
    settings.PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "2/minute", "write": "2/minute"},
    }
    client = APIClient(REMOTE_ADDR="127.0.0.1")  # every request arrives from the proxy
    statuses = [
        client.get("/api/v1/kim/", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.9").status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    other = client.get("/api/v1/kim/", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert other.status_code == 200
