"""/metrics under gunicorn with several workers: prometheus-client's multiprocess mode sums
the counters of every worker, whichever worker answers the scrape."""

from __future__ import annotations

import http.client
import subprocess
import sys
import time

from prometheus_client.parser import text_string_to_metric_families

from jembatan.core.tests.test_healthz import free_port
from jembatan.core.tests.test_settings import REPO_ROOT, production_env

TOKEN = "gunicorn-metrics-token-0123456789"
HOST = "jembatan.example.id"


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    # A new connection each time: gunicorn's sync workers take them in turn.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": HOST} | (headers or {}))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def healthz_count(port: int) -> float:
    status, body = get(port, "/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body[:500]
    total = 0.0
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == "jembatan_http_requests_total" and sample.labels.get("view") == (
                "healthz"
            ):
                total += sample.value
    return total


def test_counters_of_all_workers_are_summed(tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = production_env(tmp_path, METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "jembatan.wsgi"),
            *("-c", "python:jembatan.core.gunicorn", "--bind", f"127.0.0.1:{port}"),
            # Two workers: each is a Django start of its own, and two already need the sum.
            *("--workers", "2", "--timeout", "30"),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.1)
        for _ in range(30):
            assert get(port, "/healthz")[0] == 200
        # 31 requests, however they were spread: every scrape, by any worker, sees them all.
        assert [healthz_count(port) for _ in range(6)] == [31.0] * 6
        assert list(metrics_dir.glob("*.db"))  # per-process files, in the directory given
        assert get(port, "/metrics")[0] == 404
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
