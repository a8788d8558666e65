"""CSV (streamed, UTF-8 with BOM for Excel) and XLSX (built in memory, capped) files."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(header: list[Any], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(h) for h in header])
    for row in rows:
        yield writer.writerow([_text(v) for v in row])


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(filename: str, header: list[Any], rows: Iterable[list[Any]]):
    response = StreamingHttpResponse(
        _csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, title: str, header: list[Any], rows: Iterable[list[Any]]):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    # Sheet names may not hold []:*?/\ and are at most 31 characters.
    sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Data")
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([_text(v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
