import time

from django.core.management.base import BaseCommand, CommandError

from jembatan.regions.importer import RegionImportError, region_import
from jembatan.regions.models import Region


class Command(BaseCommand):
    help = (
        "Import Indonesia's provinces, kabupaten/kota, kecamatan and desa/kelurahan (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", help="Import only this province and what lies within it (e.g. 61)."
        )

    def handle(self, *args, province=None, **options):
        started = time.perf_counter()
        try:
            report = region_import(province=province)
        except RegionImportError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - started
        for level in Region.Level:
            self.stdout.write(
                f"{level.label}: {report.total(level)} "
                f"(created {report.created.get(level, 0)}, updated {report.updated.get(level, 0)}, "
                f"unchanged {report.unchanged.get(level, 0)})"
            )
        if report.obsolete:
            self.stdout.write(f"Kept {report.obsolete} regions that are no longer in the list.")
        verdict = "no changes" if not report.changed else f"{report.changed} changed"
        self.stdout.write(self.style.SUCCESS(f"Regions imported in {elapsed:.1f} s: {verdict}."))
