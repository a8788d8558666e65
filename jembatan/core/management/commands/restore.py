"""Restore a backup archive into an empty database and the file roots."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from jembatan.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into this site's (empty) database "
        "and MEDIA_ROOT / PPID_PRIVATE_ROOT (or the S3 buckets), then check every table's "
        "row count."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar file written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data (the old data is lost)",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file.")
        connections.close_all()  # the restore writes through its own connection
        try:
            report = restore_backup(archive, force=options["force"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored {archive.name}: {report.rows} rows in {report.tables} tables, "
            f"{report.files} files; every table's count matches the backup."
        )
