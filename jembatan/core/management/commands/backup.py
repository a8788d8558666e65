"""Back up the database and the uploaded files into one archive (jembatan.core.backup)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jembatan.core.backup import BackupError, create_backup, read_manifest


class Command(BaseCommand):
    help = (
        "Write a backup archive (database snapshot, MEDIA_ROOT and PPID_PRIVATE_ROOT or the "
        "objects of the S3 buckets, and a manifest of row counts) into --output (default: "
        "var/backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="directory for the archive")

    def handle(self, *args, **options):
        directory = Path(options["output"] or Path(settings.VAR_DIR) / "backups")
        try:
            archive = create_backup(directory)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        manifest = read_manifest(archive)
        rows = sum(max(n, 0) for n in manifest["counts"].values())
        files = sum(manifest["files"].values())
        size = archive.stat().st_size / 1024 / 1024
        self.stdout.write(
            f"Backup written: {archive} ({manifest['engine']}, {rows} rows in "
            f"{len(manifest['counts'])} tables, {files} files, {size:.1f} MB)."
        )
