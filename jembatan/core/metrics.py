"""Prometheus metrics (prometheus-client), served by jembatan.core.views_ops.metrics.

Counted as things happen (per process; under gunicorn in prometheus-client's multiprocess
mode when PROMETHEUS_MULTIPROC_DIR is set, see docs/operations.md):

- ``jembatan_http_requests_total`` and ``jembatan_http_request_duration_seconds`` by URL
  name (``view``), never the raw path: a path may carry a tracking code or a slug;
- ``jembatan_db_queries_total`` by URL name, and queries per request (a histogram);
- ``jembatan_page_cache_requests_total`` by ``result`` (hit, miss) of jembatan.core.pagecache;
- ``jembatan_task_runs_total`` by task and ``outcome`` (complete, error, retrying);
- ``jembatan_fanout_duration_seconds``: filling the inboxes of one published item.

Read at scrape time from the database and the queue (cheap aggregate queries): the queue's
length, the work owed and the age of the oldest, the work given up, and the gauges the apps
register with ``register_scrape_gauge`` (aspirations overdue per tenant). Labels are ids
and codes of places or tasks only: no personal data.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

UNRESOLVED = "(unresolved)"

REQUESTS = Counter(
    "jembatan_http_requests",
    "Requests served, by URL name, method and status class.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "jembatan_http_request_duration_seconds",
    "Time to answer a request, by URL name.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUERIES = Counter(
    "jembatan_db_queries", "Database queries made while answering requests.", ["view"]
)
QUERIES_PER_REQUEST = Histogram(
    "jembatan_db_queries_per_request",
    "Database queries of one request.",
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)
PAGE_CACHE = Counter(
    "jembatan_page_cache_requests",
    "Anonymous page requests the page cache answered (hit) or stored (miss).",
    ["result"],
)
TASK_RUNS = Counter(
    "jembatan_task_runs", "Background task runs, by task and outcome.", ["task", "outcome"]
)
FANOUT = Histogram(
    "jembatan_fanout_duration_seconds",
    "Time to fill the inboxes of one published item (dissemination fan-out).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)


def page_cache_result(hit: bool) -> None:
    PAGE_CACHE.labels(result="hit" if hit else "miss").inc()


def task_run(task_name: str, outcome: str) -> None:
    TASK_RUNS.labels(task=task_name, outcome=outcome).inc()


@contextmanager
def fanout_timer() -> Iterator[None]:
    with FANOUT.time():
        yield


# --- Read at scrape time ------------------------------------------------------------------


@dataclass(frozen=True)
class ScrapeGauge:
    name: str
    documentation: str
    labels: tuple[str, ...]
    read: Callable[[], Iterable[tuple[tuple[str, ...], float]]]


_scrape_gauges: dict[str, ScrapeGauge] = {}


def register_scrape_gauge(
    name: str,
    documentation: str,
    labels: tuple[str, ...],
    read: Callable[[], Iterable[tuple[tuple[str, ...], float]]],
) -> None:
    """A gauge computed at each scrape: ``read()`` gives (label values, value) pairs. It
    must be one cheap query (an app's ``ready()`` registers it; core knows no app)."""
    _scrape_gauges[name] = ScrapeGauge(name, documentation, labels, read)


def _queue_length() -> float:
    from huey.contrib.djhuey import HUEY

    return float(HUEY.pending_count())


def _task_records() -> tuple[float, float, float]:
    """Work owed (not finished nor given up), the age of the oldest in seconds, given up."""
    records = apps.get_model("core", "TaskRecord").objects
    owed = records.filter(finished_at__isnull=True, failed_at__isnull=True)
    summary = owed.aggregate(oldest=Min("created_at"))
    count = owed.count()
    oldest = summary["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    failed = records.filter(failed_at__isnull=False).count()
    return float(count), max(age, 0.0), float(failed)


class ScrapeCollector(Collector):
    """The values read from the database and the queue when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            length = _queue_length()
        except Exception as exc:
            logger.warning("metrics: task queue unreachable (%s)", type(exc).__name__)
        else:
            yield GaugeMetricFamily(
                "jembatan_task_queue_length", "Tasks waiting in the queue (Huey).", value=length
            )
        try:
            owed, age, failed = _task_records()
        except Exception as exc:
            logger.warning("metrics: task records unreadable (%s)", type(exc).__name__)
        else:
            yield GaugeMetricFamily(
                "jembatan_tasks_owed", "Recorded tasks not finished yet.", value=owed
            )
            yield GaugeMetricFamily(
                "jembatan_task_oldest_owed_age_seconds",
                "Age of the oldest recorded task not finished yet (0: none).",
                value=age,
            )
            yield GaugeMetricFamily(
                "jembatan_tasks_given_up",
                "Recorded tasks given up after their last attempt (kept 7 days).",
                value=failed,
            )
        for gauge in list(_scrape_gauges.values()):
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=gauge.labels)
            try:
                for label_values, value in gauge.read():
                    family.add_metric(list(label_values), float(value))
            except Exception as exc:
                logger.warning("metrics: %s unreadable (%s)", gauge.name, type(exc).__name__)
                continue
            yield family


_scrape_collector = ScrapeCollector()


def exposition() -> tuple[bytes, str]:
    """The metrics in the Prometheus text format, and its content type.

    Under gunicorn with PROMETHEUS_MULTIPROC_DIR the counters of every worker process (and
    of a consumer on the same host given the same directory) are summed from their files.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    body += generate_latest(_ScrapeOnly())
    return body, CONTENT_TYPE_LATEST


class _ScrapeOnly(CollectorRegistry):
    def __init__(self) -> None:
        super().__init__(auto_describe=False)
        self.register(_scrape_collector)


# --- Per request ------------------------------------------------------------------------


class MetricsMiddleware:
    """Counts each request, its latency and its queries, by URL name (after the response,
    when the URL has been resolved). Placed right after RequestIdMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or UNRESOLVED
        REQUESTS.labels(
            view=view, method=_method(request.method), status=f"{response.status_code // 100}xx"
        ).inc()
        LATENCY.labels(view=view).observe(elapsed)
        if queries:
            QUERIES.labels(view=view).inc(queries)
        QUERIES_PER_REQUEST.observe(queries)
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _method(method: str | None) -> str:
    return method if method in _METHODS else "other"
