"""The centres of desa/kelurahan: loaded from a file, and the nearest one to a map point.

The national list shipped with the project (idn-area-data) has codes and names but no
coordinates, so an installation that wants a bare point (an Open311 request with only
lat/long) to find its desa loads the centres of its villages first
(``manage.py import_region_points FILE.csv``, columns ``code,latitude,longitude``: e.g.
the centroids of the Badan Informasi Geospasial's village boundaries, or the balai desa
positions a Diskominfo keeps). Until then no point is placed, and callers say so.

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

from django.db import transaction

from jembatan.regions.models import Region

# Farther than this from every desa centre, a point is in none of them. Kalimantan's
# desa are wide (Bengkayang: about 45 km² each on average, some ten times that).
MAX_DISTANCE_KM = 12.0
EARTH_RADIUS_KM = 6371.0088
# About 111 km per degree of latitude; longitude degrees shrink away from the equator.
KM_PER_DEGREE = 111.0
BATCH_SIZE = 1000


class PointImportError(Exception):
    """The file cannot be loaded; the message is for the operator."""


@dataclass
class PointReport:
    updated: int = 0
    unchanged: int = 0
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
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or not low <= value <= high:
        return None
    return round(value, 6)


def read_points(path: Path) -> dict[str, tuple[Decimal, Decimal]]:
    """code -> (latitude, longitude) from a CSV (optionally gzipped) with a header row
    naming code, latitude (or lat) and longitude (or long, lng, lon)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise PointImportError(f"{path}: cannot be read ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().lower(): name for name in reader.fieldnames or []}
    lat_column = next((columns[n] for n in ("latitude", "lat") if n in columns), None)
    lon_column = next(
        (columns[n] for n in ("longitude", "long", "lng", "lon") if n in columns), None
    )
    if "code" not in columns or lat_column is None or lon_column is None:
        raise PointImportError(f"{path}: the header must name code, latitude and longitude")
    points: dict[str, tuple[Decimal, Decimal]] = {}
    for line_no, row in enumerate(reader, start=2):
        code = (row.get(columns["code"]) or "").strip()
        latitude = _number(row.get(lat_column) or "", -90, 90)
        longitude = _number(row.get(lon_column) or "", -180, 180)
        if not code or latitude is None or longitude is None:
            raise PointImportError(f"{path} line {line_no}: malformed row {row!r}")
        if code in points:
            raise PointImportError(f"{path} line {line_no}: duplicate code {code}")
        points[code] = (latitude, longitude)
    return points


def region_points_import(*, path: Path) -> PointReport:
    """Set the centres of the regions the file names; idempotent. All or nothing: a
    malformed row loads none of the file."""
    points = read_points(path)
    report = PointReport()
    regions = Region.objects.filter(code__in=list(points)).only("code", "latitude", "longitude")
    to_update = []
    found = set()
    for region in regions.iterator(chunk_size=5000):
        found.add(region.code)
        latitude, longitude = points[region.code]
        if (region.latitude, region.longitude) == (latitude, longitude):
            report.unchanged += 1
            continue
        region.latitude, region.longitude = latitude, longitude
        to_update.append(region)
    report.updated = len(to_update)
    report.unknown = sorted(set(points) - found)
    with transaction.atomic():
        Region.objects.bulk_update(to_update, ["latitude", "longitude"], batch_size=BATCH_SIZE)
    return report
