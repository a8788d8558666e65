"""A worker killed mid-task: the task is run again, its mail sent once (not lost, not twice).

A real Huey consumer (a subprocess, Redis database 10) takes the citizen's receipt mail and
stalls inside the SMTP conversation (a local aiosmtpd server that does not answer RCPT).
The test SIGKILLs it there, starts a second consumer, and sweeps with the timeout lowered.
The consumer reads the test database, so this needs a server: PostgreSQL leg only.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from jembatan.aspirations import services
from jembatan.aspirations.models import CaseEvent, Category
from jembatan.core.models import TaskRecord
from jembatan.core.tasks import resume_tasks
from jembatan.testing.factories import OfficeFactory, region_chain

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

REPO_ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/10"


class StallingSmtp:
    """Accepts mail, except that the first RCPT hangs until released."""

    def __init__(self) -> None:
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.delivered: list[list[str]] = []
        self._first = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._first:
            self._first = False
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.delivered.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def huey_queue(url: str):
    HUEY.immediate = False
    HUEY.storage = RedisStorage(HUEY.name, url=url)
    try:
        yield HUEY
    finally:
        HUEY.immediate = True


def start_consumer(tmp_path: Path, smtp_port: int) -> subprocess.Popen:
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "jembatan.settings_test",
        "HUEY_IMMEDIATE": "0",
        "JEMBATAN_VAR_DIR": str(tmp_path),
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": database_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_USE_SSL": "0",
    }
    return subprocess.Popen(
        # -n: no periodic tasks; the test sweeps itself, with the timeout lowered.
        [sys.executable, "manage.py", "run_huey", "--workers", "1", "--delay", "0.1", "-n"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_task_killed_mid_run_is_run_again_and_mails_once(tmp_path):
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    category = Category.objects.create(
        kabupaten=kabupaten, name="Jalan", office=OfficeFactory(kabupaten=kabupaten)
    )
    smtp = StallingSmtp()
    smtp_port = free_port()
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    redis.Redis.from_url(REDIS_URL).flushdb()
    consumers: list[subprocess.Popen] = []
    try:
        with huey_queue(REDIS_URL) as queue:
            case, _ = services.aspiration_submit(
                data={
                    "region": region_chain("61.07.04.1010", "Sebalo"),
                    "category": category,
                    "description": "Jembatan kayu di dusun kami patah.",
                    "visibility": "anonim",
                    "reporter_email": "warga@example.test",
                }
            )
            record = TaskRecord.objects.get(task="jembatan.aspirations.tasks.mail_citizen")
            assert record.enqueued_at is not None  # queued on commit, to the real Redis

            consumers.append(start_consumer(tmp_path, smtp_port))
            assert smtp.stalled.wait(30), "the first consumer never reached the SMTP server"
            record.refresh_from_db()
            assert record.started_at is not None and record.finished_at is None
            assert record.attempts == 1 and record.claims  # mid-mail, claim noted
            assert CaseEvent.objects.get(aspiration=case).mailed_at is not None

            consumers[0].kill()  # SIGKILL: no clean-up, no retry by Huey
            consumers[0].wait(10)
            smtp.release.set()
            assert smtp.delivered == []  # the mail was never sent
            assert queue.pending_count() == 0  # and Huey no longer has the task

            consumers.append(start_consumer(tmp_path, smtp_port))
            # A sweep with the normal timeout leaves a run that is only 1 s old alone.
            assert resume_tasks() == 0
            assert resume_tasks(stale=datetime.timedelta(0)) == 1

            def finished() -> bool:
                record.refresh_from_db()
                return record.finished_at is not None

            assert wait_for(finished), "the second consumer did not run the task again"
            assert record.attempts == 2 and record.claims == []
            assert smtp.delivered == [["warga@example.test"]]  # exactly one mail

            # Sweeping again, or a duplicate run, sends nothing more.
            assert resume_tasks(stale=datetime.timedelta(0)) == 0
            time.sleep(0.5)
            assert len(smtp.delivered) == 1
    finally:
        for consumer in consumers:
            if consumer.poll() is None:
                consumer.kill()
                consumer.wait(10)
        smtp.release.set()
        controller.stop()
        redis.Redis.from_url(REDIS_URL).flushdb()
