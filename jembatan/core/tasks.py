"""Background work on Huey: the project's conventions, and a task to check the consumer.

- Define tasks with ``@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)`` from
  huey.contrib.djhuey (it closes stale database connections around each run). A task that
  raises is retried ``RETRIES`` times, ``RETRY_DELAY`` seconds apart; so a task must be safe
  to run again: record what it did and return early when it finds the work done.
- Pass ids and plain values, never model instances: the task loads fresh rows.
- Enqueue with ``enqueue_on_commit`` from code that writes to the database, so that the
  task runs only once the rows it needs are committed (and never for a rolled-back change).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from huey.api import TaskWrapper
from huey.contrib.djhuey import task

RETRIES = 3
RETRY_DELAY = 60  # seconds


@contextmanager
def claimed(rows: QuerySet, field: str) -> Iterator[bool]:
    """Claim a row for a side effect that must happen once (a mail, a text).

    Sets the timestamp ``field`` of ``rows`` (one row) from NULL to now with a single
    compare-and-set UPDATE and yields whether this run got it; a retry or a duplicate
    task finds it set and does nothing. If the block raises, the claim is given back so
    that the retry can do the work. No row lock is held while the block talks to the
    outside world (on SQLite that would hold the database's write lock).
    """
    claimed_at = timezone.now()
    mine = bool(rows.filter(**{f"{field}__isnull": True}).update(**{field: claimed_at}))
    try:
        yield mine
    except BaseException:
        if mine:
            rows.filter(**{field: claimed_at}).update(**{field: None})
        raise


def enqueue_on_commit(task: TaskWrapper, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task(*args, **kwargs)`` once the current transaction commits.

    Outside a transaction it is enqueued at once; when the transaction rolls back it is
    never enqueued.
    """
    transaction.on_commit(lambda: task(*args, **kwargs))


@task()
def ping(path: str, text: str = "pong") -> None:
    """Write ``text`` to ``path``: proves that a consumer is running tasks."""
    Path(path).write_text(text, encoding="utf-8")
