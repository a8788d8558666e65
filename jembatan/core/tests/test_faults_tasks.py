"""The record of owed work (core.TaskRecord): written with the change, swept, capped."""

from __future__ import annotations

import datetime
import logging
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from jembatan.aspirations import services
from jembatan.aspirations.models import CaseEvent, Category
from jembatan.core.models import TaskRecord
from jembatan.core.tasks import MAX_ATTEMPTS, enqueue_on_commit, ping, resume_tasks
from jembatan.testing.factories import OfficeFactory, region_chain

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.timedelta(hours=1)


def test_the_record_is_written_with_the_change_and_finished_by_the_run(
    tmp_path, django_capture_on_commit_callbacks
):
    marker = tmp_path / "marker"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_on_commit(ping, str(marker), text="done")
        record = TaskRecord.objects.get()
        assert record.task == "jembatan.core.tasks.ping"
        assert record.args == [str(marker)] and record.kwargs == {"text": "done"}
    record.refresh_from_db()
    assert marker.read_text() == "done"
    assert record.enqueued_at and record.started_at and record.finished_at
    assert record.attempts == 1 and record.args == [] and record.kwargs == {}


def test_a_rolled_back_change_owes_no_work(tmp_path, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_on_commit(ping, str(tmp_path / "marker"))
        raise RuntimeError
    assert callbacks == []  # nothing to enqueue
    assert not TaskRecord.objects.exists()


def test_the_sweeper_runs_records_never_queued_or_left_unfinished(tmp_path):
    never_queued = TaskRecord.objects.create(
        task="jembatan.core.tasks.ping",
        args=[str(tmp_path / "a")],
        created_at=timezone.now() - LONG_AGO,
    )
    died = TaskRecord.objects.create(
        task="jembatan.core.tasks.ping",
        args=[str(tmp_path / "b")],
        created_at=timezone.now() - LONG_AGO,
        enqueued_at=timezone.now() - LONG_AGO,
        started_at=timezone.now() - LONG_AGO,
        attempts=1,
    )
    running = TaskRecord.objects.create(
        task="jembatan.core.tasks.ping",
        args=[str(tmp_path / "c")],
        enqueued_at=timezone.now(),
        started_at=timezone.now(),
        attempts=1,
    )
    assert resume_tasks() == 2  # the one running now is left alone
    assert (tmp_path / "a").exists() and (tmp_path / "b").exists()
    assert not (tmp_path / "c").exists()
    never_queued.refresh_from_db()
    died.refresh_from_db()
    running.refresh_from_db()
    assert never_queued.finished_at and died.finished_at and not running.finished_at
    assert died.attempts == 2
    assert resume_tasks() == 0  # nothing owed twice


def test_attempts_are_capped_then_the_record_is_failed_and_logged(tmp_path, caplog):
    record = TaskRecord.objects.create(
        task="jembatan.core.tasks.ping",
        args=[str(tmp_path / "never")],
        created_at=timezone.now() - LONG_AGO,
        enqueued_at=timezone.now() - LONG_AGO,
        started_at=timezone.now() - LONG_AGO,
        attempts=MAX_ATTEMPTS,
    )
    unknown = TaskRecord.objects.create(
        task="jembatan.gone.tasks.removed", created_at=timezone.now() - LONG_AGO
    )
    with caplog.at_level(logging.ERROR, logger="jembatan.core.tasks"):
        assert resume_tasks() == 0
    record.refresh_from_db()
    unknown.refresh_from_db()
    assert record.failed_at is not None and unknown.failed_at is not None
    assert not (tmp_path / "never").exists()
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "given up" in messages and "unknown task" in messages
    assert resume_tasks() == 0  # failed records stay failed


def test_a_claim_left_by_a_killed_worker_is_given_back_and_the_mail_sent_once(
    django_capture_on_commit_callbacks,
):
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    category = Category.objects.create(
        kabupaten=kabupaten, name="Jalan", office=OfficeFactory(kabupaten=kabupaten)
    )
    with django_capture_on_commit_callbacks(execute=True):
        case, _ = services.aspiration_submit(
            data={
                "region": region_chain("61.07.04.1010", "Sebalo"),
                "category": category,
                "description": "Jembatan kayu di dusun kami patah.",
                "visibility": "anonim",
                "reporter_email": "warga@example.test",
            }
        )
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    # What a worker SIGKILLed inside the SMTP conversation leaves behind: the event
    # claimed (mailed_at set), the claim noted on the record, the run never finished.
    event = CaseEvent.objects.get(aspiration=case)
    claimed_at = timezone.now() - LONG_AGO
    CaseEvent.objects.filter(pk=event.pk).update(mailed_at=claimed_at)
    record = TaskRecord.objects.get(task="jembatan.aspirations.tasks.mail_citizen")
    TaskRecord.objects.filter(pk=record.pk).update(
        args=[event.pk],
        finished_at=None,
        enqueued_at=claimed_at,
        started_at=claimed_at,
        claims=[
            {
                "model": "aspirations.CaseEvent",
                "pks": [event.pk],
                "field": "mailed_at",
                "at": claimed_at.isoformat(),
            }
        ],
    )
    assert resume_tasks() == 1
    assert len(mail.outbox) == 1  # sent again, not lost
    record.refresh_from_db()
    assert record.finished_at is not None and record.claims == []
    assert resume_tasks(stale=datetime.timedelta(0)) == 0
    assert len(mail.outbox) == 1  # and not twice


def test_the_management_command_sweeps(tmp_path):
    TaskRecord.objects.create(
        task="jembatan.core.tasks.ping",
        args=[str(tmp_path / "marker")],
        created_at=timezone.now() - LONG_AGO,
    )
    out = StringIO()
    call_command("resume_tasks", "--stale-minutes", "5", stdout=out)
    assert "1 task(s) queued again" in out.getvalue()
    assert (tmp_path / "marker").exists()


def test_operators_see_records_in_the_admin_without_their_arguments(client):
    from jembatan.testing.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    record = TaskRecord.objects.create(task="jembatan.core.tasks.ping", args=["081234567890"])
    assert client.get("/admin/core/taskrecord/").status_code == 200
    response = client.get(f"/admin/core/taskrecord/{record.pk}/change/")
    assert response.status_code == 200
    assert "081234567890" not in response.content.decode()
