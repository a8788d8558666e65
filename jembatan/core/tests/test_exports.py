"""Spreadsheet files as spreadsheet programs read them."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from jembatan.core.exports import csv_bytes, sheet_title, xlsx_bytes

ROWS = [
    ["=SUM(A1) jalan rusak", 12, "Ŋaju 黄秀兰"],
    ["+62812", 3.5, "-"],
    ["@admin", None, "biasa"],
]


def test_csv_is_utf8_with_bom_comma_separated_and_defused():
    data = csv_bytes(["teks", "angka", "nama"], ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0])
    assert dialect.delimiter == ","
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["teks", "angka", "nama"]
    assert rows[1] == ["'=SUM(A1) jalan rusak", "12", "Ŋaju 黄秀兰"]
    assert rows[2][0] == "+62812" and rows[2][2] == "'-"  # a number is no formula
    assert rows[3][:2] == ["'@admin", ""]


def test_xlsx_keeps_formula_like_text_as_text_without_an_apostrophe():
    book = load_workbook(io.BytesIO(xlsx_bytes([("Tanggapan", ["teks", "angka", "nama"], ROWS)])))
    sheet = book["Tanggapan"]
    assert [c.font.b for c in sheet[1]] == [True, True, True]
    first = sheet["A2"]
    assert first.value == "=SUM(A1) jalan rusak" and first.data_type == "s"
    assert sheet["B2"].value == 12 and sheet["B3"].value == 3.5
    assert sheet["C2"].value == "Ŋaju 黄秀兰"
    assert sheet["A3"].value == "+62812" and sheet["A4"].value == "@admin"


def test_sheet_names_are_cut_between_words():
    assert (
        sheet_title("Hasil jajak pendapat per kecamatan tahun 2026") == "Hasil jajak pendapat per"
    )
    assert sheet_title("Tanggapan: bagian 1/2") == "Tanggapan- bagian 1-2"
    assert sheet_title("a" * 40) == "a" * 31
    assert sheet_title("") == "Data"
    names = load_workbook(
        io.BytesIO(
            xlsx_bytes(
                [
                    ("Hasil jajak pendapat per kecamatan A", ["x"], [[1]]),
                    ("Hasil jajak pendapat per kecamatan B", ["x"], [[2]]),
                ]
            )
        )
    ).sheetnames
    assert len(set(names)) == 2 and all(len(n) <= 31 for n in names)
