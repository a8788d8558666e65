"""Spreadsheet files: CSV (streamed) and XLSX (built in memory), the same rules everywhere.

- CSV: UTF-8 with a byte order mark (Excel then reads the letters right; pandas with
  `encoding="utf-8-sig"`), comma-separated with RFC 4180 quoting, announced as
  `text/csv; charset=utf-8; header=present`. A text cell that a spreadsheet would run as a
  formula (= + - @ at the start) gets a leading apostrophe: CSV has no types.
- XLSX: every text cell is stored as text (the cell's own type), so a formula-like text
  shows as written and never runs, without a visible apostrophe. Sheet names are cut on a
  word boundary to Excel's 31 characters.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

CSV_TYPE = "text/csv; charset=utf-8; header=present"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_START and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]):
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def sheet_title(title: str) -> str:
    """A valid sheet name: no []:*?/\\, at most 31 characters, cut between words."""
    clean = " ".join(re.sub(r"[\[\]:*?/\\]", "-", str(title)).split()).strip("'")
    if len(clean) <= SHEET_NAME_MAX:
        return clean or "Data"
    cut = clean[: SHEET_NAME_MAX + 1].rsplit(" ", 1)[0]
    if len(cut) > SHEET_NAME_MAX or len(cut) < SHEET_NAME_MAX // 2:
        cut = clean[:SHEET_NAME_MAX]  # one very long word: cut it after all
    return cut.rstrip(" -,.;") or "Data"


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, header, rows); the header row is bold."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for title, header, rows in sheets:
        name = sheet_title(title)
        while name in used:  # two titles cut to the same words
            name = f"{name[: SHEET_NAME_MAX - 3]} {len(used) + 1}"
        used.add(name)
        sheet = book.create_sheet(title=name)
        head = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=str(text))
            cell.data_type = "s"
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value: Any):
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # text, even when it starts with "=": shown, never run
    return cell


def xlsx_response(filename: str, title: str, header: Sequence[Any], rows: Iterable[Any]):
    return xlsx_file_response(filename, [(title, header, rows)])


def xlsx_file_response(filename: str, sheets) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
