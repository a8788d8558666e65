import time

from django.core.management.base import BaseCommand, CommandError

from jembatan.regions.importer import RegionImportError, region_import
from jembatan.regions.models import Region
from jembatan.regions.points import BUNDLED_POINTS, PointImportError, region_points_import


class Command(BaseCommand):
    help = (
        "Import Indonesia's provinces, kabupaten/kota, kecamatan and desa/kelurahan, and "
        "the shipped desa centres where a desa has none (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", help="Import only this province and what lies within it (e.g. 61)."
        )

    def handle(self, *args, province=None, **options):
        started = time.perf_counter()
        try:
            report = region_import(province=province)
            # The shipped centres fill gaps only: centres an operator loaded
            # (import_region_points) stay.
            points = region_points_import(
                path=BUNDLED_POINTS, province=province, keep_existing=True
            )
        except (RegionImportError, PointImportError) as exc:
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
        self.stdout.write(
            f"Desa centres: {points.updated} set, {points.unchanged} unchanged, "
            f"{points.kept} kept (loaded by import_region_points)"
        )
        changed = report.changed + points.updated
        verdict = "no changes" if not changed else f"{changed} changed"
        self.stdout.write(self.style.SUCCESS(f"Regions imported in {elapsed:.1f} s: {verdict}."))
