"""Sign-in records (django-axes) are kept LOGIN_LOG_RETENTION_DAYS, then deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone

from jembatan.accounts.tasks import purge_login_records

pytestmark = pytest.mark.django_db


def _records(when, username):
    common = {"user_agent": "Mozilla/5.0", "ip_address": "10.1.2.3", "username": username}
    log = AccessLog.objects.create(**common, path_info="/masuk/")
    failure = AccessFailureLog.objects.create(**common, path_info="/masuk/", locked_out=False)
    attempt = AccessAttempt.objects.create(
        **common, path_info="/masuk/", get_data="", post_data="", failures_since_start=1
    )
    # attempt_time is auto_now_add: move it back afterwards.
    for model, row in ((AccessLog, log), (AccessFailureLog, failure), (AccessAttempt, attempt)):
        model.objects.filter(pk=row.pk).update(attempt_time=when)
    return log, failure, attempt


def test_records_older_than_the_retention_are_deleted(settings):
    settings.LOGIN_LOG_RETENTION_DAYS = 90
    now = timezone.now()
    old = _records(now - timedelta(days=91), "lama")
    recent = _records(now - timedelta(days=89), "baru")

    assert purge_login_records(now) == 3

    for row in old:
        assert not type(row).objects.filter(pk=row.pk).exists()
    for row in recent:
        assert type(row).objects.filter(pk=row.pk).exists()


def test_a_shorter_retention_deletes_more(settings):
    settings.LOGIN_LOG_RETENTION_DAYS = 7
    now = timezone.now()
    _records(now - timedelta(days=8), "lama")
    _records(now - timedelta(days=6), "baru")

    assert purge_login_records(now) == 3
    assert AccessLog.objects.count() == 1
    assert purge_login_records(now) == 0
