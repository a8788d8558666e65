"""Background work of the KIM websites: importing KIMs' posts from their kim.id feeds."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jembatan.core.tasks import RETRIES, RETRY_DELAY
from jembatan.sites.personal_data import purge_commenters
from jembatan.sites.services import kim_feeds_import_all


@db_periodic_task(crontab(minute="40", hour="*"), retries=RETRIES, retry_delay=RETRY_DELAY)
def import_kimid_feeds() -> int:
    """Every hour: each KIM's new and changed kim.id posts (safe to run again: an entry
    already imported is found by its id and only updated when it changed)."""
    return kim_feeds_import_all()


@db_periodic_task(crontab(minute="5", hour="3"), retries=RETRIES, retry_delay=RETRY_DELAY)
def purge_old_commenters() -> int:
    """Once a day (03:05 UTC): the retention rule for readers' names on comments
    (sites.personal_data, SITE_COMMENT_NAME_RETENTION_DAYS)."""
    return purge_commenters()
