"""JSON logs with the request id; the id in the response and in the tasks a request queues;
no personal data in the log of the public forms (an aspiration, a PPID request)."""

from __future__ import annotations

import io
import json
import logging
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.urls import reverse
from huey.contrib.djhuey import task

from jembatan.aspirations.models import Aspiration, Category
from jembatan.core.jsonlog import JsonFormatter, RequestIdFilter
from jembatan.core.models import TaskRecord
from jembatan.core.requestid import current_request_id, reset_request_id, set_request_id
from jembatan.core.tasks import enqueue_on_commit
from jembatan.disclosure.models import InformationRequest
from jembatan.testing.factories import OfficeFactory, PublicBodyFactory, region_chain

pytestmark = pytest.mark.django_db

NAME = "Theodora Kalimantina"
PHONE = "081398765432"
EMAIL = "theodora.rahasia@example.test"
NIK = "6107045203909876"


@contextmanager
def captured_log():
    """The log as the real configuration writes it: JSON lines from the root logger and
    from huey's own (which does not propagate), at the configured levels."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger(), logging.getLogger("huey")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@task()
def log_a_line() -> None:
    logging.getLogger("jembatan.tests").info("the task ran")


class TestRequestId:
    def test_generated_and_returned(self, client):
        response = client.get("/healthz")
        assert len(response["X-Request-ID"]) == 32
        assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]

    def test_a_safe_incoming_id_is_kept(self, client):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd-5678")
        assert response["X-Request-ID"] == "lb-1234abcd-5678"

    @pytest.mark.parametrize(
        "unsafe", ["short", "x" * 65, "abc def ghi", 'a"b<script>1234', "abcd\u00e9fgh12"]
    )
    def test_an_unsafe_incoming_id_is_replaced(self, client, unsafe):
        response = client.get("/healthz", HTTP_X_REQUEST_ID=unsafe)
        assert response["X-Request-ID"] != unsafe
        assert len(response["X-Request-ID"]) == 32

    def test_log_records_of_the_request_carry_it(self, client):
        with captured_log() as stream:
            client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-404-abcdefgh")
        lines = records(stream)
        not_found = [r for r in lines if r["logger"] == "django.request"]
        assert not_found and not_found[0]["request_id"] == "req-404-abcdefgh"
        assert {"time", "level", "logger", "message"} <= set(not_found[0])

    def test_carried_into_the_tasks_a_request_queues(self, django_capture_on_commit_callbacks):
        token = set_request_id("req-task-12345678")
        try:
            with django_capture_on_commit_callbacks() as callbacks:
                enqueue_on_commit(log_a_line)
        finally:
            reset_request_id(token)
        record = TaskRecord.objects.get(task__endswith="log_a_line")
        assert record.request_id == "req-task-12345678"
        # The task runs later, elsewhere: no request id around it but the record's.
        assert current_request_id() == ""
        with captured_log() as stream:
            for callback in callbacks:
                callback()  # immediate in tests: the task runs now
        ran = [r for r in records(stream) if r["message"] == "the task ran"]
        assert ran and ran[0]["request_id"] == "req-task-12345678"
        assert current_request_id() == ""


def test_no_personal_data_in_the_log_of_the_public_forms(
    client, two_tenants, django_capture_on_commit_callbacks
):
    cache.clear()
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    village = region_chain("61.07.04.1010", "Sebalo")
    category = Category.objects.create(
        kabupaten=kabupaten, name="Jalan", office=OfficeFactory(kabupaten=kabupaten)
    )
    body = PublicBodyFactory(kind="desa", region=two_tenants.a.kim.region)
    # The tasks the forms queue (mail, texts) run too, as a consumer would run them.
    with captured_log() as stream, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/aspirasi/kirim/",
            {
                "category": category.pk,
                "region": village.code,
                "description": "Lampu jalan di RT 04 mati sejak seminggu.",
                "reporter_name": NAME,
                "reporter_phone": PHONE,
                "reporter_email": EMAIL,
                "visibility": "anonim",
                "website": "",
            },
            HTTP_X_REQUEST_ID="req-aspirasi-0001",
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        response = client.post(
            reverse("disclosure:request_submit"),
            {
                "body": body.pk,
                "requester_kind": "perorangan",
                "requester_name": NAME,
                "requester_nik": NIK,
                "requester_address": "Jl. Sanggau Ledo No. 5, Bengkayang",
                "requester_phone": PHONE,
                "requester_email": EMAIL,
                "information": "Salinan APBDes tahun 2026 beserta rinciannya.",
                "purpose": "Bahan diskusi warga RT 03.",
                "obtain_form": "salinan_elektronik",
                "delivery": "email",
                "website": "",
            },
            HTTP_X_REQUEST_ID="req-ppid-00000001",
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        # A failed sign-in with the e-mail as the login name, too.
        client.post(reverse("accounts:login"), {"username": EMAIL, "password": "wrong-1234"})
    cache.clear()
    assert Aspiration.objects.filter(reporter_email=EMAIL).exists()
    assert InformationRequest.objects.filter(requester_nik=NIK).exists()
    output = stream.getvalue()
    lines = records(stream)
    # The log was written (the tasks the forms queued ran and logged under their requests)...
    assert {r["request_id"] for r in lines} >= {"req-aspirasi-0001", "req-ppid-00000001"}
    # ... and holds none of the citizen's data, in any spelling.
    for secret in (
        NAME,
        "Theodora",
        "Kalimantina",
        PHONE,
        PHONE[1:],
        "98765432",
        EMAIL,
        "theodora.rahasia",
        NIK,
    ):
        assert secret not in output, secret
