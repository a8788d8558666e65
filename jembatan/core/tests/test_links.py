"""Absolute URLs from the request's host, the queuing request's host, else SITE_URL."""

from pathlib import Path

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from huey.contrib.djhuey import task

from jembatan.core.links import (
    CurrentRequestMiddleware,
    absolute_url,
    current_base,
    request_base,
    reset_task_base,
    set_task_base,
)
from jembatan.core.models import TaskRecord
from jembatan.core.tasks import enqueue_on_commit


@pytest.fixture
def hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "bengkayang.example"]
    settings.SITE_URL = "http://127.0.0.1:8000/"


@task()
def write_link(path: str) -> None:
    """A task that writes a link, as mail tasks do (test only)."""
    Path(path).write_text(absolute_url("/aspirasi/lacak/"), encoding="utf-8")


def test_a_request_gives_its_own_host_and_scheme(hosts):
    request = RequestFactory().get("/", HTTP_HOST="bengkayang.example", secure=True)
    assert absolute_url("/data/", request) == "https://bengkayang.example/data/"
    assert request_base(request) == "https://bengkayang.example"


def test_without_a_request_or_task_the_hub_canonical_address(hosts):
    assert absolute_url("/data/") == "http://127.0.0.1:8000/data/"
    assert current_base(fallback=False) == ""


def test_an_absolute_url_is_kept_and_a_given_base_is_used(hosts):
    assert absolute_url("https://wa.me/62812") == "https://wa.me/62812"
    assert absolute_url("/x/", base="https://kim.example/") == "https://kim.example/x/"
    token = set_task_base("https://kim.example")
    try:
        assert absolute_url("/x/") == "https://kim.example/x/"
    finally:
        reset_task_base(token)
    assert absolute_url("/x/") == "http://127.0.0.1:8000/x/"


def test_the_middleware_lends_the_request_to_code_that_has_none(hosts):
    seen = []

    def view(request):
        seen.append(absolute_url("/kelola/"))
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_HOST="bengkayang.example")
    CurrentRequestMiddleware(view)(request)
    assert seen == ["http://bengkayang.example/kelola/"]
    assert absolute_url("/kelola/") == "http://127.0.0.1:8000/kelola/"  # let go after


@pytest.mark.django_db(transaction=True)
def test_a_task_writes_links_on_the_host_of_the_request_that_queued_it(
    hosts, tmp_path, django_capture_on_commit_callbacks
):
    marker = tmp_path / "link"

    def view(request):
        with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
            enqueue_on_commit(write_link, str(marker))
        view.callbacks = callbacks
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_HOST="bengkayang.example", secure=True)
    CurrentRequestMiddleware(view)(request)
    assert TaskRecord.objects.get().base_url == "https://bengkayang.example"
    for callback in view.callbacks:  # the run, after the request is gone (as a consumer)
        callback()
    assert marker.read_text() == "https://bengkayang.example/aspirasi/lacak/"
    assert current_base() == "http://127.0.0.1:8000"  # the run's base is let go


@pytest.mark.django_db(transaction=True)
def test_a_task_no_request_queued_writes_links_on_site_url(hosts, tmp_path):
    marker = tmp_path / "link"
    with transaction.atomic():
        enqueue_on_commit(write_link, str(marker))
    assert TaskRecord.objects.get().base_url == ""
    assert marker.read_text() == "http://127.0.0.1:8000/aspirasi/lacak/"
