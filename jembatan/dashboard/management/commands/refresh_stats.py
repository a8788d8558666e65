"""Recompute the dashboard rollups (all months, or from --since YYYY-MM)."""

from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from jembatan.dashboard.rollup import refresh


class Command(BaseCommand):
    help = "Hitung ulang statistik dasbor (semua bulan, atau mulai --since YYYY-MM)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since", help="bulan pertama yang dihitung ulang, YYYY-MM")

    def handle(self, *args, since: str | None = None, **options) -> None:
        start = None
        if since:
            try:
                start = datetime.datetime.strptime(since, "%Y-%m").date()
            except ValueError:
                raise CommandError("--since harus berbentuk YYYY-MM, mis. 2026-01.") from None
        began = time.monotonic()
        run = refresh(since=start)
        self.stdout.write(f"{run.rows} baris statistik dalam {time.monotonic() - began:.1f} detik.")
