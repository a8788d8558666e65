"""/metrics: Prometheus text behind a bearer token; the values move with what happens."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from jembatan.aspirations.models import Aspiration
from jembatan.core.models import TaskRecord
from jembatan.core.tasks import ping
from jembatan.dissemination.tasks import fan_out
from jembatan.testing.factories import AspirationFactory, PostFactory

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


class TestAccess:
    def test_refused_without_the_token(self, client):
        assert client.get("/metrics").status_code == 404

    def test_refused_with_a_wrong_token(self, client):
        response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
        assert response.status_code == 404
        assert b"jembatan_" not in response.content

    def test_refused_when_no_token_is_configured(self, client, settings):
        settings.METRICS_TOKEN = ""
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404

    def test_never_cached_and_get_only(self, client):
        response = client.get("/metrics", **AUTH)
        assert "no-store" in response["Cache-Control"]
        assert client.post("/metrics", **AUTH).status_code == 405


def test_requests_latency_and_queries_by_url_name(client):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    client.get("/no-such-page-61.07-secret/")
    after = scrape(client)
    key = {"view": "healthz", "method": "GET", "status": "2xx"}
    assert (
        value(after, "jembatan_http_requests_total", **key)
        - value(before, "jembatan_http_requests_total", **key)
        == 3
    )
    assert (
        value(after, "jembatan_http_request_duration_seconds_count", view="healthz")
        - value(before, "jembatan_http_request_duration_seconds_count", view="healthz")
        == 3
    )
    # healthz asks the database once per request.
    assert (
        value(after, "jembatan_db_queries_total", view="healthz")
        - value(before, "jembatan_db_queries_total", view="healthz")
        >= 3
    )
    # A raw path never becomes a label.
    assert not any("secret" in str(labels) for _, labels in after)


def test_page_cache_hits_and_misses(client, settings, two_tenants):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    PostFactory(kim=two_tenants.a.kim)
    before = scrape(client)
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    assert client.get("/").headers["X-Page-Cache"] == "hit"
    assert client.get("/").headers["X-Page-Cache"] == "hit"
    after = scrape(client)
    cache.clear()
    name = "jembatan_page_cache_requests_total"
    assert value(after, name, result="miss") - value(before, name, result="miss") == 1
    assert value(after, name, result="hit") - value(before, name, result="hit") == 2


def test_task_records_queue_and_runs(client, tmp_path):
    before = scrape(client)
    TaskRecord.objects.create(
        task="jembatan.core.tasks.ping",
        created_at=timezone.now() - datetime.timedelta(hours=2),
    )
    TaskRecord.objects.create(task="jembatan.core.tasks.ping", failed_at=timezone.now())
    ping(str(tmp_path / "pong"))  # immediate in tests: runs now, in this process
    fan_out(0)  # no such item: nothing to fill, still timed
    after = scrape(client)
    assert value(after, "jembatan_tasks_owed") == 1
    assert value(after, "jembatan_task_oldest_owed_age_seconds") >= 2 * 3600
    assert value(after, "jembatan_tasks_given_up") == 1
    assert ("jembatan_task_queue_length", ()) in after
    runs = "jembatan_task_runs_total"
    labels = {"task": "jembatan.core.tasks.ping", "outcome": "complete"}
    assert value(after, runs, **labels) - value(before, runs, **labels) == 1
    fanouts = "jembatan_fanout_duration_seconds_count"
    assert value(after, fanouts) - value(before, fanouts) == 1


def test_overdue_aspirations_per_tenant(client):
    case = AspirationFactory()
    overdue = AspirationFactory()
    Aspiration.objects.filter(pk=overdue.pk).update(
        verify_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    samples = scrape(client)
    assert value(samples, "jembatan_aspirations_overdue", tenant=case.kabupaten_id) == 1
