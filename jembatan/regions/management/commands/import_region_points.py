from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jembatan.regions.points import PointImportError, region_points_import


class Command(BaseCommand):
    help = (
        "Load the centres of regions (CSV with code, latitude, longitude; .gz allowed), so "
        "that a map point alone can find its desa (Open311 lat/long). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file: code,latitude,longitude (WGS 84)")

    def handle(self, *args, path, **options):
        try:
            report = region_points_import(path=Path(path))
        except PointImportError as exc:
            raise CommandError(str(exc)) from None
        if report.unknown:
            shown = ", ".join(report.unknown[:10])
            self.stdout.write(
                self.style.WARNING(f"{len(report.unknown)} codes are not regions: {shown}")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Region centres loaded: {report.updated} updated, {report.unchanged} unchanged."
            )
        )
