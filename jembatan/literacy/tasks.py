"""Background work of the literacy app: certificates of those who checked in early.

The KIM scores are recomputed by the dashboard (jembatan.dashboard.tasks), which counts
them from other capabilities' records."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jembatan.core.tasks import RETRIES, RETRY_DELAY
from jembatan.literacy.services import certificates_issue_due


@db_periodic_task(crontab(minute="*/15"), retries=RETRIES, retry_delay=RETRY_DELAY)
def issue_due_certificates() -> int:
    """Attendance certificates of members who checked in before their training started."""
    return certificates_issue_due()
