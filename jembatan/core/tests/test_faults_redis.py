"""Redis down: the site keeps serving, and work queued meanwhile runs once Redis is back.

"Down" is a closed port (127.0.0.1:1): every connection is refused. "Back" is the real
Redis of the test run (127.0.0.1:6379, database 9).
"""

from __future__ import annotations

import datetime
import logging
import time
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.test import override_settings
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from jembatan.aspirations.models import Aspiration, CaseEvent, Category
from jembatan.core import cache as resilient
from jembatan.core import ratelimit
from jembatan.core.models import TaskRecord
from jembatan.core.tasks import resume_tasks
from jembatan.testing.factories import OfficeFactory, region_chain

DOWN_URL = "redis://127.0.0.1:1/9"
UP_URL = "redis://127.0.0.1:6379/9"
SUBMIT = "/aspirasi/kirim/"


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "jembatan.core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "jembatan-faults",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }


@pytest.fixture(autouse=True)
def _forget_failures():
    resilient.reset()
    ratelimit._fallback.clear()
    yield
    resilient.reset()
    ratelimit._fallback.clear()


@contextmanager
def huey_queue(url: str):
    """The site's Huey, for a while not immediate and queueing to Redis at ``url``."""
    HUEY.immediate = False
    HUEY.storage = RedisStorage(HUEY.name, url=f"{url}?socket_connect_timeout=0.25")
    try:
        yield HUEY
    finally:
        HUEY.immediate = True  # back to the suite's in-memory, in-process queue


@pytest.fixture
def category(db):
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04.1010", "Sebalo")
    office = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR")
    return Category.objects.create(kabupaten=kabupaten, name="Jalan", office=office)


def form(category, **extra) -> dict:
    return {
        "category": category.pk,
        "region": "61.07.04.1010",
        "description": "Lampu jalan di RT 04 mati sejak seminggu.",
        "reporter_name": "Siti Aminah",
        "reporter_email": "siti@example.test",
        "visibility": "anonim",
        "website": "",
    } | extra


def test_the_cache_acts_as_a_miss_while_redis_is_down(caplog):
    from django.core.cache import caches

    with override_settings(CACHES=redis_cache(DOWN_URL)), caplog.at_level(logging.WARNING):
        cache = caches["default"]
        started = time.monotonic()
        assert cache.get("key", "default") == "default"
        assert cache.set("key", 1) is False
        assert cache.add("key", 1) is False
        assert cache.delete("key") is False
        assert cache.get_many(["a", "b"]) == {}
        with pytest.raises(ValueError):
            cache.incr("key")
        assert cache.get_or_set("other", 5) == 5
        assert time.monotonic() - started < 1  # milliseconds, not seconds
    warnings = [r for r in caplog.records if r.name == "jembatan.core.cache"]
    assert len(warnings) == 1  # once a minute at most, however many calls
    assert "Redis unreachable" in warnings[0].getMessage()

    with override_settings(CACHES=redis_cache(UP_URL)):
        resilient.reset()  # Redis is back
        cache = caches["default"]
        cache.set("faults-key", 7)
        assert cache.get("faults-key") == 7
        cache.delete("faults-key")


def test_every_operation_shares_one_redis_client():
    """Building a redis.Redis costs more than a GET: one per process, not one per call."""
    from django.core.cache import caches

    with override_settings(CACHES=redis_cache(UP_URL)):
        cache = caches["default"]
        cache.set("faults-shared", 3)
        client = cache._cache.get_client()
        assert cache.get("faults-shared") == 3 and cache.get_or_set("faults-other", 4) == 4
        assert cache._cache.get_client(write=True) is client
        assert cache._cache.get_client("faults-shared") is client
        cache.delete_many(["faults-shared", "faults-other"])
        assert cache.get("faults-shared") is None


def test_the_site_keeps_serving_while_redis_is_down(client, two_tenants, category):
    with (
        override_settings(CACHES=redis_cache(DOWN_URL), PAGE_CACHE_SECONDS=60),
        huey_queue(DOWN_URL),
    ):
        assert client.get("/").status_code == 200
        assert client.get("/").status_code == 200  # the page cache: a miss, not an error
        assert client.get(f"/kim/{two_tenants.a.kim.slug}/").status_code == 200
        assert client.get(SUBMIT).status_code == 200
        # The shared rate limit cannot be counted: the process counts on its own, so the
        # form stays open up to ASPIRATION_SUBMIT_LIMIT and the limit still holds after.
        for n in range(settings.ASPIRATION_SUBMIT_LIMIT):
            data = form(category, description=f"Laporan nomor {n}.")
            # One reporter each: one email's own (lower) limit is not what is tested here.
            response = client.post(SUBMIT, data | {"reporter_email": f"warga{n}@example.test"})
            assert response.status_code == 302, response.content.decode()[:500]
        response = client.post(SUBMIT, form(category, description="Satu laporan lagi."))
        assert response.status_code == 429
        # Sessions live in the database, not in the cache: signing in still works.
        client.force_login(two_tenants.a.owner)
        assert client.get("/kelola/").status_code == 200
    sent = settings.ASPIRATION_SUBMIT_LIMIT
    assert Aspiration.objects.count() == sent
    # Each receipt mail is owed, recorded, not lost: nothing reached the dead queue.
    owed = TaskRecord.objects.filter(task="jembatan.aspirations.tasks.mail_citizen")
    assert owed.count() == sent and not owed.filter(enqueued_at__isnull=False).exists()


def test_work_queued_while_redis_is_down_runs_once_when_it_is_back(
    client, category, django_capture_on_commit_callbacks
):
    with (
        override_settings(CACHES=redis_cache(DOWN_URL)),
        huey_queue(DOWN_URL),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(SUBMIT, form(category))
    assert response.status_code == 302  # the citizen's aspiration is in
    case = Aspiration.objects.get()
    record = TaskRecord.objects.get()
    assert record.task == "jembatan.aspirations.tasks.mail_citizen"
    assert record.enqueued_at is None and record.finished_at is None  # pending
    assert mail.outbox == []

    redis.Redis.from_url(UP_URL).flushdb()
    try:
        with huey_queue(UP_URL) as queue:
            # A sweep before the grace period leaves a just-written record alone.
            assert resume_tasks() == 0
            assert resume_tasks(unqueued=datetime.timedelta(0)) == 1
            assert queue.pending_count() == 1
            task = queue.dequeue()  # what the consumer does: take it from Redis, run it
            queue.immediate = True  # (run in this test's transaction: no reconnecting)
            queue.execute(task)
            queue.immediate = False
            queue.storage = RedisStorage(queue.name, url=UP_URL)
            assert resume_tasks(unqueued=datetime.timedelta(0), stale=datetime.timedelta(0)) == 0
            assert queue.pending_count() == 0
    finally:
        redis.Redis.from_url(UP_URL).flushdb()

    assert len(mail.outbox) == 1  # exactly one mail
    assert mail.outbox[0].to == ["siti@example.test"]
    record.refresh_from_db()
    assert record.finished_at is not None and record.attempts == 1
    assert record.args == []  # nothing personal kept once done
    assert CaseEvent.objects.get(aspiration=case).mailed_at is not None


def test_rate_limits_count_in_the_process_while_redis_is_down(caplog):
    with override_settings(CACHES=redis_cache(DOWN_URL)), caplog.at_level(logging.WARNING):
        hits = [
            ratelimit.rate_limit_exceeded("faults", "visitor", limit=3, window=60) for _ in range(4)
        ]
        assert hits == [False, False, False, True]  # no error, and the limit still holds
        assert ratelimit.rate_limit_reached("faults", "visitor", limit=3)
        assert not ratelimit.rate_limit_reached("faults", "someone-else", limit=3)
    assert any("counted per process" in r.getMessage() for r in caplog.records)
