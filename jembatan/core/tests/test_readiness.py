"""/readyz: database, cache, storage and the consumer's heartbeat; 503 when one is down.

The consumer case starts a real Huey consumer (``manage.py run_huey``, a subprocess on this
run's queue and cache), sees it reported up, stops it, and sees it reported down once its
last heartbeat is two intervals old. Huey's scheduler looks at periodic tasks once a minute
(and wakes once a second at most); the test makes that clock tick every tenth of a second,
keeps the heartbeat as the consumer's only periodic task, and gives /readyz an interval of
half a second, so the test waits about two seconds, not minutes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from jembatan.core import readiness

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[3]
TOKEN = "readiness-token-for-tests-0123456789"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}

CONSUMER = """
import sys
import django
from huey.consumer import Scheduler
# The test's clock: the scheduler wakes, and looks at periodic tasks, every tenth of a second.
TICK = 0.1
Scheduler.periodic_task_seconds = TICK
_init = Scheduler.__init__


def _init_ticking(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.interval = TICK  # huey allows a second at least; the test's clock is faster


Scheduler.__init__ = _init_ticking
django.setup()
from django.core.management import call_command
from huey.contrib.djhuey import HUEY
# The heartbeat alone: the other periodic tasks would run every tick, on no database.
HUEY._registry._periodic_tasks = [
    task for task in HUEY._registry._periodic_tasks if task.__name__ == "consumer_heartbeat"
]
call_command("run_huey", workers=1, worker_type="thread")
"""


@pytest.fixture(autouse=True)
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    cache.delete(readiness.HEARTBEAT_KEY)
    yield
    cache.delete(readiness.HEARTBEAT_KEY)


def test_refused_without_the_token(client):
    assert client.get("/readyz").status_code == 404
    assert client.get("/readyz", HTTP_AUTHORIZATION="Bearer nope").status_code == 404


def test_every_check_ok_with_a_fresh_heartbeat(client):
    readiness.beat()
    response = client.get("/readyz", **AUTH)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "storage": "ok", "consumer": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_no_heartbeat_is_down(client):
    response = client.get("/readyz", **AUTH)
    assert response.status_code == 503
    assert response.json()["checks"]["consumer"] == "down"
    assert response.json()["checks"]["database"] == "ok"


def test_a_heartbeat_older_than_two_intervals_is_down(client, settings):
    settings.CONSUMER_HEARTBEAT_SECONDS = 60
    readiness.beat(time.time() - 119)
    assert client.get("/readyz", **AUTH).status_code == 200
    readiness.beat(time.time() - 121)
    response = client.get("/readyz", **AUTH)
    assert response.status_code == 503
    assert response.json()["consumer_heartbeat_age_seconds"] >= 121


def test_storage_failure_is_down_and_says_no_more(client, settings, tmp_path):
    readiness.beat()
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("x")
    settings.MEDIA_ROOT = str(blocked)
    response = client.get("/readyz", **AUTH)
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "down"
    assert str(tmp_path) not in response.content.decode()


def test_probe_files_are_removed(client, settings, tmp_path):
    readiness.beat()
    settings.MEDIA_ROOT = str(tmp_path)
    assert client.get("/readyz", **AUTH).status_code == 200
    assert list((tmp_path / readiness.PROBE_DIR).iterdir()) == []


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_stopped_consumer_is_reported_down(client, settings, tmp_path):
    # /readyz's interval: down past two of them (a second); the consumer beats every tenth.
    settings.CONSUMER_HEARTBEAT_SECONDS = 0.5
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "jembatan.settings_test",
        "HUEY_IMMEDIATE": "0",
        "CONSUMER_HEARTBEAT_SECONDS": "1",
        # The consumer's own throwaway database: only its cache (shared) matters here.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'consumer.sqlite3'}",
    }
    consumer = subprocess.Popen(
        [sys.executable, "-c", CONSUMER],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def status() -> int:
        return client.get("/readyz", **AUTH).status_code

    try:
        assert status() == 503  # not started yet: no heartbeat
        assert wait_for(lambda: status() == 200, 60), "the consumer never beat"
        # Running, it keeps beating: still up after more than two intervals.
        time.sleep(1.25)
        assert status() == 200
    finally:
        consumer.send_signal(signal.SIGINT)
        try:
            consumer.wait(timeout=20)
        except subprocess.TimeoutExpired:
            consumer.kill()
            consumer.wait()
    assert wait_for(lambda: status() == 503, 5)
    body = client.get("/readyz", **AUTH).json()
    assert body["checks"]["consumer"] == "down"
    # Down past two intervals; the age is shown to a tenth of a second (1.04 reads 1.0).
    assert body["consumer_heartbeat_age_seconds"] >= 1
