"""Load the nationwide holidays and cuti bersama that deadlines skip (core.workdays)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jembatan.core.models import Holiday

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "holidays_id.csv"
HEADER = ["date", "name", "kind"]
# Only nationwide days come from a file; regional ones belong to a kabupaten (admin).
NATIONWIDE_KINDS = {Holiday.Kind.NATIONAL.value, Holiday.Kind.JOINT_LEAVE.value}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_name_max = Holiday._meta.get_field("name").max_length
assert _name_max is not None  # a CharField always has one
NAME_MAX: int = _name_max


@dataclass(frozen=True)
class Row:
    line: int
    date: date
    name: str
    kind: str


class Command(BaseCommand):
    help = (
        "Load nationwide holidays and cuti bersama from a CSV file (date,name,kind; "
        "lines starting with # are comments). Idempotent; a bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(DEFAULT_FILE),
            help="CSV file to load (default: the shipped list of Indonesia's holidays).",
        )

    def handle(self, *args, file, **options):
        rows = read_rows(Path(file))
        created = updated = unchanged = 0
        with transaction.atomic():
            existing = {
                h.date: h
                for h in Holiday.objects.select_for_update().filter(
                    kabupaten__isnull=True, date__in=[row.date for row in rows]
                )
            }
            for row in rows:
                holiday = existing.get(row.date)
                if holiday is None:
                    Holiday.objects.create(date=row.date, name=row.name, kind=row.kind)
                    created += 1
                elif (holiday.name, holiday.kind) != (row.name, row.kind):
                    holiday.name, holiday.kind = row.name, row.kind
                    holiday.save(update_fields=["name", "kind"])
                    updated += 1
                else:
                    unchanged += 1
            years = sorted({row.date.year for row in rows})
            others = (
                Holiday.objects.filter(kabupaten__isnull=True, date__year__in=years)
                .exclude(date__in=[row.date for row in rows])
                .count()
            )
        self.stdout.write(
            f"Holidays {years[0]}-{years[-1]} from {file}: {len(rows)} rows "
            f"(created {created}, updated {updated}, unchanged {unchanged})."
        )
        if others:
            # A date moved by a revised SKB leaves its old row behind: say so, never guess.
            self.stdout.write(
                f"Kept {others} nationwide holidays of those years that are not in the file "
                "(delete them in /admin/ if the decree moved them)."
            )
        verdict = "no changes" if not (created or updated) else f"{created + updated} changed"
        self.stdout.write(self.style.SUCCESS(f"Holidays loaded: {verdict}."))


def read_rows(path: Path) -> list[Row]:
    """Every row of the file, validated; CommandError naming the line of the first bad one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot read the file ({exc}).") from None
    rows: list[Row] = []
    seen: dict[date, int] = {}
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [field.strip() for field in next(csv.reader([line]))]
        where = f"{path}, line {number}"
        if not header_seen:
            if fields != HEADER:
                raise CommandError(f"{where}: expected the header {','.join(HEADER)}.")
            header_seen = True
            continue
        if len(fields) != len(HEADER):
            raise CommandError(f"{where}: expected 3 columns (date,name,kind), got {len(fields)}.")
        raw_date, name, kind = fields
        try:
            if not ISO_DATE.fullmatch(raw_date):
                raise ValueError
            day = date.fromisoformat(raw_date)
        except ValueError:
            raise CommandError(f"{where}: {raw_date!r} is not a date (YYYY-MM-DD).") from None
        if not name or len(name) > NAME_MAX:
            raise CommandError(f"{where}: the name must be 1 to {NAME_MAX} characters.")
        if kind not in NATIONWIDE_KINDS:
            raise CommandError(
                f"{where}: kind {kind!r} is not one of {', '.join(sorted(NATIONWIDE_KINDS))} "
                "(regional holidays are added per kabupaten in /admin/)."
            )
        if day in seen:
            raise CommandError(f"{where}: {raw_date} is already on line {seen[day]}.")
        seen[day] = number
        rows.append(Row(line=number, date=day, name=name, kind=kind))
    if not rows:
        raise CommandError(f"{path}: no holidays in the file.")
    return rows
