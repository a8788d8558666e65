from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jembatan.dashboard.scoring import compute_all, compute_kabupaten


class Command(BaseCommand):
    help = "Compute the KIM development scores and ranks of a year (default: this year)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--kabupaten", help="a kabupaten code such as 61.07")

    def handle(self, *args, year: int | None, kabupaten: str | None, **options) -> None:
        year = year or timezone.localdate().year
        stored = len(compute_kabupaten(kabupaten, year)) if kabupaten else compute_all(year)
        self.stdout.write(f"{stored} KIM scores stored for {year}.")
