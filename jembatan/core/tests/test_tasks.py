"""Background tasks: enqueue_on_commit, and a real Huey consumer running a task."""

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import transaction
from huey import RedisHuey, SqliteHuey
from huey.exceptions import HueyException

from jembatan.core.models import TaskRecord
from jembatan.core.tasks import enqueue_on_commit, ping, task_class_named
from jembatan.core.tests.test_layers import MODULES

REPO_ROOT = Path(__file__).resolve().parents[3]
REDIS_TEST_URL = "redis://127.0.0.1:6379/14"


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_runs_the_task_after_commit(tmp_path):
    marker = tmp_path / "marker"
    with transaction.atomic():
        enqueue_on_commit(ping, str(marker), text="committed")
        assert not marker.exists()  # not before the commit
    assert marker.read_text() == "committed"


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_never_runs_the_task_on_rollback(tmp_path):
    marker = tmp_path / "marker"
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(ping, str(marker))
        raise RuntimeError
    assert not marker.exists()


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_its_name_is_recorded_and_runs_like_the_task_itself(tmp_path):
    """How services queue the tasks that import them (no import back from services)."""
    marker = tmp_path / "marker"
    with transaction.atomic():
        enqueue_on_commit("jembatan.core.tasks.ping", str(marker), text="by name")
        assert not marker.exists()
    assert marker.read_text() == "by name"
    assert TaskRecord.objects.get().task == "jembatan.core.tasks.ping"


def _task_names_in_production_code() -> set[str]:
    """Every task name given to enqueue_on_commit as a string literal."""
    names = set()
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "enqueue_on_commit"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return names


@pytest.mark.django_db
def test_every_task_name_in_the_code_finds_its_task_and_a_wrong_name_raises():
    """CoreConfig.ready loaded every app's tasks module, so the names services use exist."""
    names = _task_names_in_production_code()
    assert "jembatan.aspirations.tasks.mail_citizen" in names  # the walk sees the services
    for name in names:
        assert task_class_named(name).__name__ == name.rsplit(".", 1)[1]
    with pytest.raises(HueyException):
        enqueue_on_commit("jembatan.aspirations.tasks.no_such_task", 1)
    assert not TaskRecord.objects.exists()


def _sqlite_queue(tmp_path):
    env = {"JEMBATAN_VAR_DIR": str(tmp_path)}
    return env, SqliteHuey("jembatan", filename=str(tmp_path / "tasks.sqlite3"))


def _redis_queue(tmp_path):
    import redis

    # Redis runs wherever the suite runs (.ci/run starts it): a missing one is a failure.
    redis.Redis.from_url(REDIS_TEST_URL).ping()
    env = {"JEMBATAN_VAR_DIR": str(tmp_path), "REDIS_URL": REDIS_TEST_URL}
    return env, RedisHuey("jembatan", url=REDIS_TEST_URL)


@pytest.mark.parametrize("make_queue", [_sqlite_queue, _redis_queue], ids=["sqlite", "redis"])
def test_the_consumer_runs_enqueued_tasks(tmp_path, make_queue):
    overrides, queue = make_queue(tmp_path)
    # The same task, registered on a queue that is not in immediate mode.
    remote_ping = queue.task()(ping.func)
    queue.flush()
    env = (
        os.environ
        | overrides
        | {
            "DJANGO_SETTINGS_MODULE": "jembatan.settings_test",
            "HUEY_IMMEDIATE": "0",
        }
    )
    consumer = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "1", "--delay", "0.1"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    marker = tmp_path / "marker"
    try:
        remote_ping(str(marker), text="ran in the consumer")
        # An upper bound only (the loop ends when the task has run): a consumer starting
        # beside another test worker on a busy 2-core machine takes more than 15 s.
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            assert consumer.poll() is None, consumer.stdout.read().decode()
            time.sleep(0.1)
        assert marker.exists(), "the consumer did not run the task in 60 seconds"
        assert marker.read_text() == "ran in the consumer"
    finally:
        consumer.terminate()
        output = consumer.communicate(timeout=15)[0].decode()
        queue.flush()
    assert "jembatan.core.tasks.ping" in output
