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

from pathlib import Path
from typing import Any

from django.db import transaction
from huey.api import TaskWrapper
from huey.contrib.djhuey import task

RETRIES = 3
RETRY_DELAY = 60  # seconds


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
