"""Background work of the literacy app: keeping the KIM scores fresh."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jembatan.core.tasks import RETRIES, RETRY_DELAY


@db_periodic_task(crontab(minute="50", hour="1"), retries=RETRIES, retry_delay=RETRY_DELAY)
def recompute_kim_scores() -> int:
    """Nightly: this year's development score of every KIM (and last year's in January,
    so the yearly award ranking is final)."""
    from django.utils import timezone

    from jembatan.literacy.scoring import compute_all

    today = timezone.localdate()
    stored = compute_all(today.year)
    if today.month == 1:
        stored += compute_all(today.year - 1)
    return stored


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def recompute_kabupaten_scores(kabupaten_code: str) -> int:
    """After the weights changed: this year's scores of one kabupaten."""
    from django.utils import timezone

    from jembatan.literacy.scoring import compute_kabupaten

    return len(compute_kabupaten(kabupaten_code, timezone.localdate().year))


@db_periodic_task(crontab(minute="*/15"), retries=RETRIES, retry_delay=RETRY_DELAY)
def issue_due_certificates() -> int:
    """Attendance certificates of members who checked in before their training started."""
    from jembatan.literacy.services import certificates_issue_due

    return certificates_issue_due()
