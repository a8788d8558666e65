"""Readiness: is this app server able to do its work? (``/readyz``; ``/healthz`` stays the
cheap liveness check for load balancers.)

Each check answers "ok" or "down", never an error message (that may name a host or a
password): the database (a round trip), the cache (Redis when REDIS_URL is set: a PING),
the storage (a small probe file written, read back and deleted), and the task consumer's
heartbeat. The consumer runs ``core.tasks.consumer_heartbeat`` as a periodic task, which
stores the time in the shared cache; a heartbeat older than two intervals
(CONSUMER_HEARTBEAT_SECONDS) means no consumer is running periodic tasks: "down".
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "ops:consumer-heartbeat"
PROBE_DIR = "readiness"


def beat(now: float | None = None) -> None:
    """The consumer's heartbeat: the time (Unix seconds) it last ran its periodic task."""
    # Kept a day: a stopped consumer shows as down (too old), not as never seen.
    cache.set(HEARTBEAT_KEY, now if now is not None else time.time(), timeout=86400)


def heartbeat_age() -> float | None:
    """Seconds since the consumer's last heartbeat; None when there is none."""
    value = cache.get(HEARTBEAT_KEY)
    if not isinstance(value, int | float):
        return None
    return max(time.time() - float(value), 0.0)


def check_database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() is not None


def check_cache() -> bool:
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.REDIS_TIMEOUT_SECONDS,
            socket_timeout=settings.REDIS_TIMEOUT_SECONDS,
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    key = f"ops:readiness:{uuid.uuid4().hex}"
    cache.set(key, 1, timeout=10)
    try:
        return cache.get(key) == 1
    finally:
        cache.delete(key)


def check_storage() -> bool:
    content = uuid.uuid4().hex.encode()
    name = default_storage.save(f"{PROBE_DIR}/probe-{uuid.uuid4().hex}.txt", ContentFile(content))
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read() == content
    finally:
        default_storage.delete(name)


def check_consumer() -> bool:
    age = heartbeat_age()
    return age is not None and age <= 2 * settings.CONSUMER_HEARTBEAT_SECONDS


CHECKS: dict[str, Callable[[], bool]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "consumer": check_consumer,
}


def readiness() -> tuple[bool, dict[str, object]]:
    """(all ok, the JSON body): {"status": "ok"|"down", "checks": {name: "ok"|"down"}}."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            ok = check()
        except Exception as exc:
            # The class only: the message may carry a host, a path or a password.
            logger.warning("readiness: %s check failed (%s)", name, type(exc).__name__)
            ok = False
        results[name] = "ok" if ok else "down"
    ready = all(value == "ok" for value in results.values())
    age = heartbeat_age()
    body: dict[str, object] = {
        "status": "ok" if ready else "down",
        "checks": results,
        "consumer_heartbeat_age_seconds": round(age, 1) if age is not None else None,
    }
    return ready, body
