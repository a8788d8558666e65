"""The region importer: a small fake list in tmp_path, plus one province of the real list."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jembatan.regions.importer import RegionImportError, read_source, region_import
from jembatan.regions.models import Region

pytestmark = pytest.mark.no_served_tenant

HEADERS = {
    "provinces.csv.gz": ["code", "name"],
    "regencies.csv.gz": ["code", "province_code", "name"],
    "districts.csv.gz": ["code", "regency_code", "name"],
    "villages.csv.gz": ["code", "district_code", "name"],
}

# Two provinces; Kalimantan Barat has a kabupaten and a kota, one kecamatan with a
# kelurahan, a desa and a desa adat, and Bali has one desa adat.
SAMPLE = {
    "provinces.csv.gz": [
        ("51", "Bali"),
        ("61", "Kalimantan Barat"),
    ],
    "regencies.csv.gz": [
        ("51.03", "51", "Kabupaten Badung"),
        ("61.07", "61", "Kabupaten Bengkayang"),
        ("61.72", "61", "Kota Singkawang"),
    ],
    "districts.csv.gz": [
        ("51.03.01", "51.03", "Kuta"),
        ("61.07.04", "61.07", "Sungai Raya"),
        ("61.72.01", "61.72", "Singkawang Barat"),
    ],
    "villages.csv.gz": [
        ("51.03.01.3001", "51.03.01", "Kuta"),
        ("61.07.04.1010", "61.07.04", "Sebalo"),
        ("61.07.04.2001", "61.07.04", "Sungai Raya"),
        ("61.07.04.3001", "61.07.04", "Adat  Sungai   Raya"),
        ("61.72.01.1001", "61.72.01", "Pasiran"),
    ],
}


def write_source(data_dir: Path, rows: dict[str, list[tuple[str, ...]]] | None = None) -> Path:
    """Write gzipped CSVs shaped like the shipped files; returns the directory."""
    rows = SAMPLE if rows is None else rows
    data_dir.mkdir(parents=True, exist_ok=True)
    for filename, header in HEADERS.items():
        if filename not in rows:
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows[filename])
        with gzip.open(data_dir / filename, "wt", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
    return data_dir


def with_rows(filename: str, rows: list[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    return {**SAMPLE, filename: rows}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_source(tmp_path / "data")


def counts_by_level() -> dict[int, int]:
    return {level: Region.objects.filter(level=level).count() for level in Region.Level.values}


@pytest.mark.django_db
class TestImport:
    def test_creates_each_level_with_counts(self, data_dir):
        report = region_import(data_dir=data_dir)

        assert counts_by_level() == {1: 2, 2: 3, 3: 3, 4: 5}
        assert report.created == {1: 2, 2: 3, 3: 3, 4: 5}
        assert report.changed == 13
        assert report.total(Region.Level.DESA) == 5
        assert report.obsolete == 0

    def test_kinds_follow_code_and_name(self, data_dir):
        region_import(data_dir=data_dir)

        kinds = dict(Region.objects.values_list("code", "kind"))
        assert kinds == {
            "51": "provinsi",
            "61": "provinsi",
            "51.03": "kabupaten",
            "61.07": "kabupaten",
            "61.72": "kota",
            "51.03.01": "kecamatan",
            "61.07.04": "kecamatan",
            "61.72.01": "kecamatan",
            "51.03.01.3001": "desa_adat",
            "61.07.04.1010": "kelurahan",
            "61.07.04.2001": "desa",
            "61.07.04.3001": "desa_adat",
            "61.72.01.1001": "kelurahan",
        }

    def test_parents_are_the_immediate_ancestors(self, data_dir):
        region_import(data_dir=data_dir)

        sebalo = Region.objects.get(code="61.07.04.1010")
        assert sebalo.parent_id == "61.07.04"
        assert sebalo.parent.parent_id == "61.07"
        assert sebalo.parent.parent.parent_id == "61"
        assert Region.objects.get(code="61").parent_id is None
        assert sorted(
            Region.objects.get(code="61.07.04").children.values_list("code", flat=True)
        ) == [
            "61.07.04.1010",
            "61.07.04.2001",
            "61.07.04.3001",
        ]

    def test_names_have_whitespace_collapsed(self, data_dir):
        region_import(data_dir=data_dir)

        assert Region.objects.get(code="61.07.04.3001").name == "Adat Sungai Raya"

    def test_second_run_changes_nothing(self, data_dir):
        region_import(data_dir=data_dir)

        report = region_import(data_dir=data_dir)

        assert report.changed == 0
        assert report.created == {}
        assert report.updated == {}
        assert report.unchanged == {1: 2, 2: 3, 3: 3, 4: 5}
        assert Region.objects.count() == 13

    def test_renamed_village_is_updated(self, tmp_path):
        region_import(data_dir=write_source(tmp_path / "v1"))
        villages = [
            (code, parent, "Sebalo Baru" if code == "61.07.04.1010" else name)
            for code, parent, name in SAMPLE["villages.csv.gz"]
        ]

        report = region_import(
            data_dir=write_source(tmp_path / "v2", with_rows("villages.csv.gz", villages))
        )

        assert report.updated == {Region.Level.DESA: 1}
        assert report.created == {}
        assert report.changed == 1
        assert Region.objects.get(code="61.07.04.1010").name == "Sebalo Baru"

    def test_regency_renamed_to_kota_changes_its_kind(self, tmp_path):
        region_import(data_dir=write_source(tmp_path / "v1"))
        regencies = [
            (code, parent, "Kota Bengkayang" if code == "61.07" else name)
            for code, parent, name in SAMPLE["regencies.csv.gz"]
        ]

        region_import(
            data_dir=write_source(tmp_path / "v2", with_rows("regencies.csv.gz", regencies))
        )

        assert Region.objects.get(code="61.07").kind == Region.Kind.KOTA

    def test_region_removed_from_list_is_kept_and_reported_obsolete(self, tmp_path):
        region_import(data_dir=write_source(tmp_path / "v1"))
        villages = [row for row in SAMPLE["villages.csv.gz"] if row[0] != "61.07.04.2001"]

        report = region_import(
            data_dir=write_source(tmp_path / "v2", with_rows("villages.csv.gz", villages))
        )

        assert report.obsolete == 1
        assert report.changed == 0
        assert Region.objects.filter(code="61.07.04.2001").exists()

    def test_province_filter_imports_only_that_province(self, data_dir):
        report = region_import(province="61", data_dir=data_dir)

        codes = set(Region.objects.values_list("code", flat=True))
        assert "61" in codes
        assert "61.07.04.1010" in codes
        assert not any(code == "51" or code.startswith("51.") for code in codes)
        assert report.created == {1: 1, 2: 2, 3: 2, 4: 4}

    def test_province_filter_does_not_report_other_provinces_obsolete(self, data_dir):
        region_import(data_dir=data_dir)

        report = region_import(province=" 61 ", data_dir=data_dir)

        assert report.obsolete == 0
        assert report.changed == 0
        assert Region.objects.count() == 13

    def test_unknown_province_raises(self, data_dir):
        with pytest.raises(RegionImportError, match="Unknown province code: '99'"):
            region_import(province="99", data_dir=data_dir)
        assert not Region.objects.exists()


class TestMalformedSource:
    """read_source rejects bad files with the file and line; no database needed."""

    @pytest.mark.parametrize(
        ("filename", "rows", "line", "message"),
        [
            # A kecamatan code in the villages file: wrong depth.
            (
                "villages.csv.gz",
                [("61.07.04.1010", "61.07.04", "Sebalo"), ("61.07.05", "61.07.04", "Salah")],
                3,
                "malformed row",
            ),
            # A five-digit village segment.
            ("villages.csv.gz", [("61.07.04.10100", "61.07.04", "Sebalo")], 2, "malformed row"),
            # Letters where digits belong.
            ("regencies.csv.gz", [("61.AB", "61", "Kabupaten Salah")], 2, "malformed row"),
            # An empty name.
            ("districts.csv.gz", [("61.07.04", "61.07", "  ")], 2, "malformed row"),
            # A child whose code is not within its parent.
            (
                "districts.csv.gz",
                [("61.07.04", "61.07", "Sungai Raya"), ("61.07.05", "61.72", "Salah")],
                3,
                "61.07.05 does not lie within 61.72",
            ),
            # The parent column names a grandparent, not the immediate parent.
            (
                "villages.csv.gz",
                [("61.07.04.1010", "61.07", "Sebalo")],
                2,
                "61.07.04.1010 does not lie within 61.07",
            ),
            # A parent that the list does not have.
            (
                "districts.csv.gz",
                [("61.08.01", "61.08", "Yatim")],
                2,
                "parent 61.08 of 61.08.01 is not in the list",
            ),
            # The same code twice.
            (
                "provinces.csv.gz",
                [("51", "Bali"), ("61", "Kalimantan Barat"), ("61", "Kalimantan Barat")],
                4,
                "duplicate code 61",
            ),
        ],
    )
    def test_bad_row_names_file_and_line(self, tmp_path, filename, rows, line, message):
        data_dir = write_source(tmp_path, with_rows(filename, rows))

        with pytest.raises(RegionImportError) as excinfo:
            list(read_source(data_dir))

        assert f"{filename} line {line}:" in str(excinfo.value)
        assert message in str(excinfo.value)

    def test_missing_file_raises(self, tmp_path):
        rows = {k: v for k, v in SAMPLE.items() if k != "districts.csv.gz"}
        data_dir = write_source(tmp_path, rows)

        with pytest.raises(RegionImportError, match=r"missing: districts\.csv\.gz"):
            list(read_source(data_dir))

    @pytest.mark.django_db
    def test_import_of_bad_list_writes_nothing(self, tmp_path):
        data_dir = write_source(
            tmp_path, with_rows("villages.csv.gz", [("61.07.04.1010", "61.07.05", "Salah")])
        )

        with pytest.raises(RegionImportError, match=r"villages\.csv\.gz line 2"):
            region_import(data_dir=data_dir)
        assert not Region.objects.exists()


@pytest.mark.django_db
def test_real_list_for_kalimantan_barat_has_bengkayang():
    report = region_import(province="61")

    assert report.created[Region.Level.PROVINSI] == 1
    assert not Region.objects.exclude(code="61").exclude(code__startswith="61.").exists()
    bengkayang = Region.objects.get(code="61.07")
    assert bengkayang.name == "Kabupaten Bengkayang"
    assert bengkayang.kind == Region.Kind.KABUPATEN
    assert Region.objects.within("61.07").filter(level=Region.Level.KECAMATAN).count() == 17
    villages = Region.objects.within("61.07").filter(level=Region.Level.DESA)
    assert villages.count() == 124
    assert villages.filter(kind=Region.Kind.KELURAHAN).count() == 2
    assert villages.filter(kind=Region.Kind.DESA).count() == 122
    assert Region.objects.get(code="61.07.04.1010").name == "Sebalo"


@pytest.mark.django_db
class TestCommand:
    def test_success_output_has_counts(self, monkeypatch, data_dir):
        monkeypatch.setattr(
            "jembatan.regions.management.commands.import_regions.region_import",
            lambda **kw: region_import(data_dir=data_dir, **kw),
        )
        points = data_dir / "desa_points.csv"
        points.write_text("code,latitude,longitude\n61.07.04.1010,0.866184,109.494366\n")
        monkeypatch.setattr(
            "jembatan.regions.management.commands.import_regions.BUNDLED_POINTS", points
        )
        out = io.StringIO()

        call_command("import_regions", stdout=out)

        text = out.getvalue()
        assert "Provinsi: 2 (created 2, updated 0, unchanged 0)" in text
        assert "Desa/Kelurahan: 5 (created 5, updated 0, unchanged 0)" in text
        assert "Desa centres: 1 set, 0 unchanged, 0 kept" in text
        assert "14 changed" in text  # 13 regions and a centre

        out = io.StringIO()
        call_command("import_regions", stdout=out)
        assert "Desa/Kelurahan: 5 (created 0, updated 0, unchanged 5)" in out.getvalue()
        assert "Desa centres: 0 set, 1 unchanged" in out.getvalue()
        assert "no changes" in out.getvalue()

    def test_unknown_province_is_one_clear_error(self):
        with pytest.raises(CommandError) as excinfo:
            call_command("import_regions", province="99")

        assert str(excinfo.value) == "Unknown province code: '99'"
        assert excinfo.value.__cause__ is None
        assert not Region.objects.exists()
