"""Background work of the dashboard: keeping the rollups fresh."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from jembatan.core.tasks import RETRIES, RETRY_DELAY


@db_periodic_task(crontab(minute="*/15"), retries=RETRIES, retry_delay=RETRY_DELAY)
@lock_task("dashboard-refresh-stats")
def refresh_recent_stats() -> int:
    """Every 15 minutes: recompute this month and the previous one (older months only
    change through ``manage.py refresh_stats``)."""
    from jembatan.dashboard.rollup import refresh_recent

    return refresh_recent().rows
