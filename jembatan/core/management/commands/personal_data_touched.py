"""The data subjects whose records changed in a time window (docs/breach-runbook.md): who
must be told within 3 x 24 hours (UU 27/2022 Pasal 46).

Each kind of personal data registered with core.personal_data answers for its own
records (an aspiration's reporter by tracking code, a PPID requester by request number).
By default only the reference and the channels that can reach the subject are printed,
so that the list can be shared with the team handling the incident; ``--show-contact``
prints the contact itself, for whoever sends the notices."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from jembatan.core.personal_data import personal_data_registry


def parse_moment(value: str, *, end: bool = False) -> datetime.datetime:
    """An ISO date or date-time; a bare date is its start (or, for ``end``, the start of
    the next day); without an offset it is read in the current time zone."""
    value = (value or "").strip()
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"Not a date or date-time: {value!r} (use 2026-12-01T08:00).")
        moment = datetime.datetime.combine(day, datetime.time())
        if end:
            moment += datetime.timedelta(days=1)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "List the data subjects (case code / request number and contact channel) whose "
        "records changed between --since and --until (ISO dates or date-times)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="start, e.g. 2026-12-01T08:00+07:00")
        parser.add_argument("--until", help="end (a bare date includes that day); default now")
        parser.add_argument(
            "--show-contact",
            action="store_true",
            help="print the name and contact too (for sending the notices only)",
        )

    def handle(self, *args, **options):
        since = parse_moment(options["since"])
        until = parse_moment(options["until"], end=True) if options["until"] else timezone.now()
        if until <= since:
            raise CommandError("--until must be after --since.")
        found = personal_data_registry.touched(since, until)
        for subject in found:
            channels = ",".join(subject.channels) or "-"
            line = f"{subject.kind}\t{subject.reference}\t{channels}"
            if subject.erased:
                line += "\t(erased)"
            if options["show_contact"] and subject.contact:
                line += "\t" + "\t".join(f"{k}={v}" for k, v in subject.contact.items())
            self.stdout.write(line)
        self.stderr.write(
            f"{len(found)} data subject(s) with records changed from {since.isoformat()} "
            f"to {until.isoformat()}."
        )
