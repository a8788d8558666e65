"""Import the national region list shipped with the project (idn-area-data 4.x, ODbL)."""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from jembatan.regions.models import Region, kind_for

DATA_DIR = Path(__file__).resolve().parent / "data"
# File, column holding the parent's code, level: in the order parents come first.
SOURCES = [
    ("provinces.csv.gz", None, Region.Level.PROVINSI),
    ("regencies.csv.gz", "province_code", Region.Level.KABUPATEN),
    ("districts.csv.gz", "regency_code", Region.Level.KECAMATAN),
    ("villages.csv.gz", "district_code", Region.Level.DESA),
]
BATCH_SIZE = 1000
# Kemendagri code shapes: 61, 61.07, 61.07.04, 61.07.04.1010.
_CODE_BY_LEVEL = {
    Region.Level.PROVINSI: re.compile(r"[0-9]{2}"),
    Region.Level.KABUPATEN: re.compile(r"[0-9]{2}\.[0-9]{2}"),
    Region.Level.KECAMATAN: re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}"),
    Region.Level.DESA: re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}"),
}


class RegionImportError(Exception):
    """The import cannot go on; the message is for the operator."""


@dataclass(frozen=True)
class SourceRow:
    code: str
    name: str
    level: int
    kind: str
    parent_id: str | None

    def to_region(self) -> Region:
        return Region(
            code=self.code,
            name=self.name,
            level=self.level,
            kind=self.kind,
            parent_id=self.parent_id,
        )


@dataclass
class ImportReport:
    created: dict[int, int] = field(default_factory=dict)
    updated: dict[int, int] = field(default_factory=dict)
    unchanged: dict[int, int] = field(default_factory=dict)
    # In the database but no longer in the list: kept, since KIMs may point at them.
    obsolete: int = 0

    def total(self, level: int) -> int:
        return (
            self.created.get(level, 0) + self.updated.get(level, 0) + self.unchanged.get(level, 0)
        )

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def read_source(data_dir: Path = DATA_DIR, *, within: str | None = None) -> Iterator[SourceRow]:
    """The regions of the list, parents first, every row checked (shape, parent, no
    duplicate). With ``within`` (a region code), only that region and those inside it are
    yielded; the others are still checked, so that a broken list fails the same way."""
    seen: set[str] = set()
    prefix = f"{within}." if within is not None else ""
    for filename, parent_column, level in SOURCES:
        path = data_dir / filename
        if not path.exists():
            raise RegionImportError(f"Region data file is missing: {filename}")
        shape = _CODE_BY_LEVEL[level]
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            # Plain rows with the header's column numbers: a dict per row (DictReader) was
            # most of the time of reading the 91,000 rows.
            reader = csv.reader(handle)
            header = next(reader, [])
            # A name given twice means its last column, as in DictReader's dict.
            columns = {name: index for index, name in enumerate(header)}
            code_at, name_at = columns.get("code"), columns.get("name")
            parent_at = columns.get(parent_column) if parent_column else None
            for line_no, values in numbered_rows(reader):
                width = len(values)
                code = values[code_at].strip() if code_at is not None and code_at < width else ""
                name = (
                    " ".join(values[name_at].split())
                    if name_at is not None and name_at < width
                    else ""
                )
                parent = None
                if parent_column:
                    parent = (
                        values[parent_at].strip()
                        if parent_at is not None and parent_at < width
                        else ""
                    )
                if not name or not shape.fullmatch(code):
                    row = row_as_dict(header, values)
                    raise RegionImportError(f"{filename} line {line_no}: malformed row {row!r}")
                # The parent is the code minus its last segment (61.07.04 for 61.07.04.1010).
                if parent_column and code.rpartition(".")[0] != parent:
                    raise RegionImportError(
                        f"{filename} line {line_no}: {code} does not lie within {parent}"
                    )
                if parent_column and parent not in seen:
                    raise RegionImportError(
                        f"{filename} line {line_no}: parent {parent} of {code} is not in the list"
                    )
                if code in seen:
                    raise RegionImportError(f"{filename} line {line_no}: duplicate code {code}")
                seen.add(code)
                if within is None or code == within or code.startswith(prefix):
                    yield SourceRow(code, name, level, kind_for(code, name), parent)


def numbered_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) of a csv.reader's rows after its header, numbered as
    DictReader numbers them: blank lines are skipped and not counted."""
    line_no = 1
    for values in reader:
        if values:
            line_no += 1
            yield line_no, values


def row_as_dict(header: list[str], values: list[str]) -> dict[str | None, object]:
    """A row as csv.DictReader gives it (for the error message)."""
    row: dict[str | None, object] = dict(zip(header, values, strict=False))
    if len(values) > len(header):
        row[None] = values[len(header) :]
    for name in header[len(values) :]:
        row[name] = None
    return row


def known_province_codes(data_dir: Path = DATA_DIR) -> set[str]:
    return {row.code for row in read_source(data_dir) if row.level == Region.Level.PROVINSI}


def region_import(*, province: str | None = None, data_dir: Path = DATA_DIR) -> ImportReport:
    """Create or update regions from the shipped list; idempotent.

    With ``province``, only that province and everything within it is imported.
    """
    if province is not None:
        province = province.strip()
    rows = list(read_source(data_dir, within=province))
    if province is not None and not any(
        r.code == province and r.level == Region.Level.PROVINSI for r in rows
    ):
        raise RegionImportError(f"Unknown province code: {province!r}")

    report = ImportReport()
    existing = {
        code: (name, level, kind, parent_id)
        for code, name, level, kind, parent_id in Region.objects.values_list(
            "code", "name", "level", "kind", "parent_id"
        ).iterator(chunk_size=5000)
    }
    to_create: list[SourceRow] = []
    to_update: list[Region] = []
    for row in rows:
        current = existing.pop(row.code, None)
        wanted = (row.name, row.level, row.kind, row.parent_id)
        if current is None:
            to_create.append(row)
            report.created[row.level] = report.created.get(row.level, 0) + 1
        elif current != wanted:
            to_update.append(row.to_region())
            report.updated[row.level] = report.updated.get(row.level, 0) + 1
        else:
            report.unchanged[row.level] = report.unchanged.get(row.level, 0) + 1
    if province is None:
        report.obsolete = len(existing)

    with transaction.atomic():
        # Rows are in parent-first order, so each batch's parents already exist.
        _insert(to_create)
        Region.objects.bulk_update(
            to_update, ["name", "level", "kind", "parent"], batch_size=BATCH_SIZE
        )
    return report


def _insert(regions: list[SourceRow]) -> None:
    """One parameterised INSERT, executed for each new region. bulk_create built a model
    instance per row and compiled every batch's statement value by value: most of a fresh
    import's time (91,000 regions). The columns are text and integers, passed as they are;
    latitude and longitude stay empty (region_points_import sets them)."""
    if not regions:
        return
    quote = connection.ops.quote_name
    names = ("code", "name", "level", "kind", "parent")
    columns = [Region._meta.get_field(name).column for name in names]
    # Only the model's own table and column names are put in the text, quoted; the values
    # are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(Region._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    rows = [(r.code, r.name, r.level, r.kind, r.parent_id) for r in regions]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])
