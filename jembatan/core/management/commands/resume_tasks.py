"""Queue again the background work that is owed (core.tasks.resume_tasks).

The consumer runs the same sweep every minute; run this after an outage, or from cron when
no consumer with periodic tasks is running.
"""

import datetime

from django.core.management.base import BaseCommand

from jembatan.core.tasks import resume_tasks, stale_after


class Command(BaseCommand):
    help = "Queue again recorded tasks never queued, or started and never finished."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-minutes",
            type=float,
            default=None,
            help="Runs older than this without finishing are run again "
            "(default: TASK_STALE_MINUTES).",
        )

    def handle(self, *args, **options):
        minutes = options["stale_minutes"]
        stale = datetime.timedelta(minutes=minutes) if minutes is not None else stale_after()
        count = resume_tasks(stale=stale, unqueued=min(stale, datetime.timedelta(minutes=1)))
        self.stdout.write(f"{count} task(s) queued again.")
