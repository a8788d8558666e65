"""Background work of the dashboard: keeping the rollups and the KIM scores fresh."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from jembatan.core.tasks import RETRIES, RETRY_DELAY, enqueue_on_commit
from jembatan.dashboard import rollup, scoring


@db_periodic_task(crontab(minute="*/15"), retries=RETRIES, retry_delay=RETRY_DELAY)
@lock_task("dashboard-refresh-stats")
def refresh_recent_stats() -> int:
    """Every 15 minutes: recompute this month and the previous one (older months only
    change through ``manage.py refresh_stats``)."""
    return rollup.refresh_recent().rows


@db_periodic_task(crontab(minute="50", hour="1"), retries=RETRIES, retry_delay=RETRY_DELAY)
def recompute_kim_scores() -> int:
    """Once a day: this year's development score of every KIM (and last year's in January,
    so the yearly award ranking is final). Huey's crontabs are in UTC: 01:50 UTC is 08:50
    WIB, 09:50 WITA and 10:50 WIT, one date in every zone of Indonesia, so the install's
    own date names the year for all of them."""
    today = timezone.localdate()
    stored = scoring.compute_all(today.year)
    if today.month == 1:
        stored += scoring.compute_all(today.year - 1)
    return stored


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def recompute_kabupaten_scores(kabupaten_code: str) -> int:
    """After the weights changed: this year's scores of one kabupaten."""
    return len(scoring.compute_kabupaten(kabupaten_code, timezone.localdate().year))


def score_weights_changed(sender, *, kabupaten_code: str, **kwargs) -> None:
    """A kabupaten's weights were saved (literacy.signals): recompute its scores after the
    commit, in the background."""
    enqueue_on_commit(recompute_kabupaten_scores, kabupaten_code)
