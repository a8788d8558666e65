"""Background work on Huey: the project's conventions, and the record of work owed.

- Define tasks with ``@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)`` from
  huey.contrib.djhuey (it closes stale database connections around each run). A task that
  raises is retried ``RETRIES`` times, ``RETRY_DELAY`` seconds apart; so a task must be safe
  to run again: record what it did and return early when it finds the work done.
- Pass ids and plain values (JSON: numbers, strings, lists), never model instances: the task
  loads fresh rows.
- Enqueue with ``enqueue_on_commit`` from code that writes to the database, so that the
  task runs only once the rows it needs are committed (and never for a rolled-back change).
- ``tasks.py`` imports the app's services at module level; the services name the tasks
  they queue (``enqueue_on_commit("jembatan.<app>.tasks.<function>", ...)``) instead of
  importing them, so the two modules never import each other. Every installed app's
  ``tasks`` module is imported when the app registry is ready (CoreConfig.ready), so a
  name always finds its task; a name that finds none raises at once.

The database, not the queue, is the record of the work owed. ``enqueue_on_commit`` writes a
``TaskRecord`` in the caller's transaction and hands the task to the queue after the commit;
if the queue (Redis) is down, the error is logged, the request goes on, and the record stays
pending. Huey signals mark each recorded run started, finished or failed. ``resume_tasks``
(every minute in the consumer, and ``manage.py resume_tasks``) enqueues again the records
that never reached the queue, and those started or queued longer than TASK_STALE_MINUTES
ago without finishing (the worker died: Huey had already taken them off the queue), up to
MAX_ATTEMPTS runs. A rerun may overlap a run that is merely slow, which ``claimed`` makes
harmless; the claims of a run whose worker died are given back so that the rerun does the
work (a mail lost by a killed worker is sent again, not skipped).
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from huey import crontab, signals
from huey.api import Task, TaskWrapper
from huey.contrib.djhuey import HUEY, db_periodic_task, periodic_task, task

from jembatan.core import metrics
from jembatan.core.links import current_base, reset_task_base, set_task_base
from jembatan.core.readiness import beat
from jembatan.core.requestid import current_request_id, reset_request_id, set_request_id

logger = logging.getLogger(__name__)

RETRIES = 3
RETRY_DELAY = 60  # seconds
# Runs of one record (Huey's retries included) before the sweeper gives up on it.
MAX_ATTEMPTS = 10
# A record not yet handed to the queue this long after it was written was missed.
UNQUEUED_AFTER = datetime.timedelta(minutes=1)
# Finished records (their arguments already blanked) are deleted after this long.
KEEP_FINISHED = datetime.timedelta(days=7)
# Huey task ids of recorded runs: this prefix and the record's id.
RECORD_PREFIX = "record:"

_running = threading.local()  # the record of the task this thread is running, if any


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.TASK_STALE_MINUTES)


def _records():
    return apps.get_model("core", "TaskRecord").objects


@contextmanager
def claimed(rows: QuerySet, field: str) -> Iterator[bool]:
    """Claim a row for a side effect that must happen once (a mail, a text).

    Sets the timestamp ``field`` of ``rows`` (one row) from NULL to now with a single
    compare-and-set UPDATE and yields whether this run got it; a retry or a duplicate
    task finds it set and does nothing. If the block raises, the claim is given back so
    that the retry can do the work. No row lock is held while the block talks to the
    outside world (on SQLite that would hold the database's write lock).

    Inside a recorded task the claim is also noted on the task's record until the block
    ends, so that if the worker is killed in the block the sweeper gives it back.
    """
    claimed_at = timezone.now()
    mine = bool(rows.filter(**{f"{field}__isnull": True}).update(**{field: claimed_at}))
    note = _note_claim(rows, field, claimed_at) if mine else None
    try:
        yield mine
    except BaseException:
        if mine:
            rows.filter(**{field: claimed_at}).update(**{field: None})
        raise
    finally:
        if note is not None:
            _forget_claim(note)


def _note_claim(rows: QuerySet, field: str, claimed_at: datetime.datetime) -> dict | None:
    record_id = getattr(_running, "record_id", None)
    if record_id is None:
        return None
    pks = list(rows.filter(**{field: claimed_at}).values_list("pk", flat=True))
    note = {
        "model": rows.model._meta.label,
        "pks": pks,
        "field": field,
        "at": claimed_at.isoformat(),
    }
    _running.claims = [*getattr(_running, "claims", []), note]
    _records().filter(pk=record_id).update(claims=_running.claims)
    return note


def _forget_claim(note: dict) -> None:
    record_id = getattr(_running, "record_id", None)
    if record_id is None:
        return
    _running.claims = [c for c in getattr(_running, "claims", []) if c is not note]
    _records().filter(pk=record_id).update(claims=_running.claims)


def _give_back_claims(claims: list[dict]) -> None:
    """Release the claims of a run whose worker died inside a ``claimed`` block."""
    for note in claims:
        try:
            model = apps.get_model(note["model"])
            at = datetime.datetime.fromisoformat(note["at"])
        except (KeyError, LookupError, TypeError, ValueError):
            continue
        model._default_manager.filter(pk__in=note.get("pks", []), **{note["field"]: at}).update(
            **{note["field"]: None}
        )


def _hand_to_queue(record_id: Any, task_class: type[Task], args: list, kwargs: dict) -> bool:
    """Enqueue one recorded run; False (and a warning) when the queue cannot be reached."""
    try:
        HUEY.enqueue(task_class(args, kwargs, id=f"{RECORD_PREFIX}{record_id}"))
    except Exception as exc:
        # Redis (or the SQLite queue) unreachable: the record stays pending for the sweeper.
        logger.warning(
            "Could not queue task %s (record %s): %s; it stays pending.",
            task_class.__name__,
            record_id,
            type(exc).__name__,
        )
        return False
    return True


def task_class_named(name: str) -> type[Task]:
    """The task registered under ``name`` ("jembatan.<app>.tasks.<function>"); raises
    HueyException for a name that no task has."""
    return HUEY._registry.string_to_task(name)


def enqueue_on_commit(task: TaskWrapper | str, *args: Any, **kwargs: Any) -> None:
    """Record ``task(*args, **kwargs)`` now and enqueue it once the transaction commits.

    ``task`` is the task, or its name (see the module's notes: how services queue the
    tasks that import them). Outside a transaction it is recorded and enqueued at once;
    when the transaction rolls back it is neither recorded nor enqueued. A queue that
    cannot be reached leaves the record pending (``resume_tasks`` enqueues it later) and
    never fails the caller.
    """
    task_class = task_class_named(task) if isinstance(task, str) else task.task_class
    name = HUEY._registry.task_to_string(task_class)
    # The base of the links the task writes: the request's host, or the one the running
    # task was itself queued with (core.links); empty: SITE_URL when it runs.
    record = _records().create(
        task=name,
        args=list(args),
        kwargs=kwargs,
        base_url=current_base(fallback=False),
        # The run logs under the id of the request that queued it (core.requestid).
        request_id=current_request_id(),
    )

    def hand_over() -> None:
        if _hand_to_queue(record.pk, task_class, list(args), kwargs):
            try:
                _records().filter(pk=record.pk, enqueued_at__isnull=True).update(
                    enqueued_at=timezone.now()
                )
            except Exception:
                # The database went away right after the commit: the sweeper will see a
                # record never queued and queue it again; claimed() keeps that harmless.
                logger.warning("Could not mark task record %s queued.", record.pk)

    transaction.on_commit(hand_over)


def resume_tasks(
    *,
    stale: datetime.timedelta | None = None,
    unqueued: datetime.timedelta = UNQUEUED_AFTER,
    max_attempts: int = MAX_ATTEMPTS,
) -> int:
    """Enqueue again the recorded work that is owed and not on its way; how many were.

    Never queued (Redis was down) after ``unqueued``; queued or started more than
    ``stale`` ago (default TASK_STALE_MINUTES) without finishing: the worker died or the
    queue lost it. Records that reached ``max_attempts`` are marked failed and logged.
    Stops at the first queue error (still down: the next sweep tries again).
    """
    now = timezone.now()
    cutoff = now - (stale if stale is not None else stale_after())
    owed = (
        _records()
        .filter(finished_at__isnull=True, failed_at__isnull=True)
        .filter(
            Q(enqueued_at__isnull=True, created_at__lte=now - unqueued)
            | Q(enqueued_at__lte=cutoff, started_at__isnull=True)
            | Q(enqueued_at__lte=cutoff, started_at__lte=cutoff)
            | Q(enqueued_at__isnull=True, started_at__lte=cutoff)
        )
        .order_by("created_at")
    )
    resumed = 0
    for record in owed[:500]:
        if record.attempts >= max_attempts:
            _records().filter(pk=record.pk).update(failed_at=now)
            logger.error(
                "Task %s (record %s) failed %s times; given up.",
                record.task,
                record.pk,
                record.attempts,
            )
            continue
        try:
            task_class = HUEY._registry.string_to_task(record.task)
        except Exception:
            _records().filter(pk=record.pk).update(failed_at=now, last_error="unknown task")
            logger.error("Task record %s names an unknown task %s.", record.pk, record.task)
            continue
        # Compare-and-set: two sweepers at once queue a record once.
        if not (
            _records()
            .filter(pk=record.pk, enqueued_at=record.enqueued_at, finished_at__isnull=True)
            .update(enqueued_at=now, claims=[])
        ):
            continue
        _give_back_claims(record.claims)
        if not _hand_to_queue(record.pk, task_class, record.args, record.kwargs):
            _records().filter(pk=record.pk, enqueued_at=now).update(enqueued_at=None)
            break
        resumed += 1
    if resumed:
        logger.info("Queued %s owed task(s) again.", resumed)
    _records().filter(finished_at__lt=now - KEEP_FINISHED).delete()
    return resumed


# --- Marking recorded runs (Huey signals, in the consumer; in-process when immediate) ---


def _record_id(huey_task: Task) -> str | None:
    task_id = str(getattr(huey_task, "id", "") or "")
    return task_id.removeprefix(RECORD_PREFIX) if task_id.startswith(RECORD_PREFIX) else None


def _mark(huey_task: Task, **changes: Any) -> None:
    record_id = _record_id(huey_task)
    if record_id is None:
        return
    try:
        if not HUEY.immediate:
            close_old_connections()  # before the task's own db_task wrapper does
        _records().filter(pk=record_id).update(**changes)
    except Exception:
        # The record only speeds recovery up; the sweeper still finds the run.
        logger.warning("Could not update task record %s.", record_id, exc_info=True)


@HUEY.signal(signals.SIGNAL_EXECUTING)
def _run_started(signal: str, huey_task: Task, *args: Any) -> None:
    record_id = _record_id(huey_task)
    _running.record_id = record_id
    _running.claims = []
    if record_id is not None:
        _mark(huey_task, started_at=timezone.now(), attempts=F("attempts") + 1)
    # The links the run writes go to the host it was queued from (core.links); its log
    # records carry the id of the request that queued it (core.requestid).
    base, request_id = _origin_of(record_id) if record_id is not None else ("", "")
    huey_task.base_token = set_task_base(base)
    huey_task.request_id_token = set_request_id(request_id or current_request_id())


def _origin_of(record_id: str) -> tuple[str, str]:
    """The base (core.links) and the request id the record's task was queued with."""
    try:
        row = _records().filter(pk=record_id).values_list("base_url", "request_id").first()
    except Exception:
        logger.warning("Could not read task record %s.", record_id)
        return "", ""
    return (row[0] or "", row[1] or "") if row else ("", "")


def _end_run(huey_task: Task, outcome: str) -> None:
    _running.record_id = None
    reset_task_base(getattr(huey_task, "base_token", None))
    huey_task.base_token = None
    reset_request_id(getattr(huey_task, "request_id_token", None))
    huey_task.request_id_token = None
    metrics.task_run(_task_name(huey_task), outcome)


def _task_name(huey_task: Task) -> str:
    """The task's registered name ("jembatan.<app>.tasks.<function>"): a metric label."""
    try:
        return HUEY._registry.task_to_string(type(huey_task))
    except Exception:
        return str(getattr(huey_task, "name", "unknown"))


@HUEY.signal(signals.SIGNAL_COMPLETE)
def _run_finished(signal: str, huey_task: Task, *args: Any) -> None:
    _end_run(huey_task, "complete")
    _mark(huey_task, finished_at=timezone.now(), args=[], kwargs={}, claims=[], last_error="")


@HUEY.signal(
    signals.SIGNAL_ERROR,
    signals.SIGNAL_CANCELED,
    signals.SIGNAL_LOCKED,
    signals.SIGNAL_TIMEOUT,
    signals.SIGNAL_INTERRUPTED,
)
def _run_failed(signal: str, huey_task: Task, *args: Any) -> None:
    _end_run(huey_task, "error" if signal == signals.SIGNAL_ERROR else signal)
    # The exception's class only: its message may carry an address or a phone number.
    error = type(args[0]).__name__ if args else signal
    # Huey retries it (RETRIES); after that the sweeper does, up to MAX_ATTEMPTS runs.
    _mark(huey_task, last_error=error[:200], claims=[])


@HUEY.signal(signals.SIGNAL_RETRYING)
def _run_retrying(signal: str, huey_task: Task, *args: Any) -> None:
    metrics.task_run(_task_name(huey_task), "retrying")


def _heartbeat_due(moment: datetime.datetime) -> bool:
    """Huey asks once a minute; a CONSUMER_HEARTBEAT_SECONDS of several minutes beats on
    the minutes it divides."""
    every = max(1, settings.CONSUMER_HEARTBEAT_SECONDS // 60)
    return (moment.hour * 60 + moment.minute) % every == 0


@periodic_task(_heartbeat_due)
def consumer_heartbeat() -> None:
    """The consumer is alive and runs its periodic tasks (core.readiness, /readyz)."""
    beat()


@db_periodic_task(crontab(minute="*"))
def sweep_tasks() -> int:
    """Every minute: queue again the recorded work that is owed (see ``resume_tasks``)."""
    return resume_tasks()


@task()
def ping(path: str, text: str = "pong") -> None:
    """Write ``text`` to ``path``: proves that a consumer is running tasks."""
    Path(path).write_text(text, encoding="utf-8")
