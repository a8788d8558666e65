"""The monthly PDF report for the Bupati."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from jembatan.aspirations.models import Aspiration
from jembatan.core.pdf import Document, add_row, pdf_text
from jembatan.core.workdays import format_local
from jembatan.dashboard import casereport as C
from jembatan.dashboard import monev as M
from jembatan.dashboard import rollup as R
from jembatan.dashboard.access import Scope, region_q
from jembatan.dashboard.stats import figures
from jembatan.regions.models import Region


def _number(value: object) -> str:
    if value is None:
        return "-"
    # Grouping and decimal marks follow the reader's language (1.234,5 or 1,234.5).
    if isinstance(value, float):
        return number_format(value, decimal_pos=1, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return str(value)


def _line_value(value: object) -> str:
    """A cell of the list of cases: dates short, numbers as in the tables."""
    if isinstance(value, datetime.date):
        value = date_format(value, "j M Y")
    return _number(value)


def monthly_report(*, scope: Scope, month: datetime.date, confidential: bool) -> bytes:
    """``confidential``: whether the counts include confidential cases (stats.figures)."""
    month_data = figures(code=scope.code, until=month, size=1, confidential=confidential)
    trend = figures(code=scope.code, until=month, children=False, confidential=confidential)
    month_name = date_format(month, "F Y")
    title = _("Laporan bulanan KIM %(scope)s, %(month)s") % {
        "scope": scope.name,
        "month": month_name,
    }
    pdf = Document(title=title, footer_text=title)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.use(16, "B")
    pdf.write_lines(8, _("Laporan Bulanan Jaringan KIM"))
    pdf.use(12)
    pdf.write_lines(7, f"{scope.name} - {month_name}")
    pdf.use(9)
    updated = trend.updated_at
    # In the kabupaten's zone, named (WIB/WITA/WIT): the PDF travels without its host.
    stamp = (
        format_local(updated, scope.code or None, "j F Y H:i")
        if updated
        else _("belum pernah diperbarui")
    )
    pdf.write_lines(
        5, _("Untuk Bupati. Angka diperbarui: %(when)s. Tanpa data pribadi.") % {"when": stamp}
    )
    pdf.ln(3)

    _heading(pdf, _("Ringkasan bulan ini"))
    totals = month_data.totals
    rows = [
        (_("KIM aktif"), month_data.get(R.KIMS)),
        (
            _("Desa/kelurahan ber-KIM"),
            f"{month_data.get(R.DESA_WITH_KIM)} / {month_data.get(R.DESA)}",
        ),
        (_("Cakupan desa/kelurahan (%)"), month_data.coverage_percent),
        (_("Berita terbit"), totals.get(R.POSTS, 0)),
        (_("Informasi pembangunan diterima KIM"), totals.get(R.DELIVERIES, 0)),
        (_("Informasi diterbitkan ulang"), totals.get(R.REPUBLICATIONS, 0)),
        (_("Jangkauan (dilihat + klik)"), totals.get(R.REACH, 0)),
        *_aspiration_rows(scope, month, confidential, month_data),
        (_("Kehadiran pelatihan"), totals.get(R.ATTENDANCES, 0)),
        (_("Anggota terlatih (seluruhnya)"), month_data.get(R.MEMBERS_TRAINED)),
    ]
    pdf.use(10)
    for label, value in rows:
        pdf.cell(120, 6, pdf_text(label), border="B")
        pdf.cell(
            50, 6, pdf_text(_number(value)), border="B", align="R", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.ln(4)

    _heading(pdf, _("Tren 12 bulan: berita dan aspirasi"))
    _bars(pdf, trend)
    pdf.ln(2)

    if month_data.children:
        _heading(pdf, _("Per wilayah"))
        widths = [56, 16, 24, 18, 20, 22, 24]
        header = [
            _("Wilayah"),
            _("KIM"),
            _("Desa ber-KIM"),
            _("Cakupan"),
            _("Berita"),
            _("Aspirasi"),
            _("Terlambat"),
        ]
        pdf.use(9, "B")
        for width, text in zip(widths, header, strict=True):
            pdf.cell(width, 6, pdf_text(text), border=1)
        pdf.ln()
        pdf.use(9)
        for child in month_data.children:
            values = [
                child["name"][:32],
                _number(child[R.KIMS]),
                f"{child[R.DESA_WITH_KIM]}/{child[R.DESA]}",
                "-" if child["coverage_percent"] is None else f"{child['coverage_percent']:.0f}%",
                _number(child[R.POSTS]),
                _number(child[R.ASPIRATIONS]),
                _number(child[R.OVERDUE]),
            ]
            for i, (width, text) in enumerate(zip(widths, values, strict=True)):
                pdf.cell(width, 6, pdf_text(text), border=1, align="L" if i == 0 else "R")
            pdf.ln()
    return pdf.to_bytes()


def _aspiration_rows(scope: Scope, month: datetime.date, confidential: bool, month_data):
    """A kabupaten's or kecamatan's aspirations as they stood at the month's end, in
    working days (dashboard.casereport, as in the report per office); wider scopes keep
    the rollups' figures, whose open and overdue counts are today's."""
    if scope.kim is None and scope.level in (Region.Level.KABUPATEN, Region.Level.KECAMATAN):
        cases = Aspiration.objects.filter(
            region_q(scope, region="region__code", kabupaten="kabupaten__code")
        )
        if not confidential:
            cases = cases.exclude(visibility=Aspiration.Visibility.CONFIDENTIAL)
        total = C.build(cases=cases, month=month).tables[0].total
        return [
            (_("Aspirasi diterima"), total.received),
            (_("Aspirasi dijawab"), total.answered),
            (_("Median hari kerja sampai tanggapan pertama"), C.row_values(total)[4]),
            (_("Median hari kerja sampai dijawab"), C.row_values(total)[5]),
            (_("Kepuasan warga (1-5)"), total.satisfaction),
            (_("Aspirasi terbuka pada akhir bulan"), total.open),
            (_("Aspirasi melewati batas waktu pada akhir bulan"), total.overdue),
        ]
    totals = month_data.totals
    return [
        (_("Aspirasi diterima"), totals.get(R.ASPIRATIONS, 0)),
        (_("Aspirasi dijawab"), totals.get(R.ANSWERED, 0)),
        (_("Median hari kerja sampai dijawab"), month_data.median_days_to_answer),
        (_("Kepuasan warga (1-5)"), month_data.satisfaction),
        (_("Aspirasi terbuka (saat ini)"), month_data.get(R.OPEN)),
        (_("Aspirasi melewati batas waktu (saat ini)"), month_data.get(R.OVERDUE)),
    ]


def _heading(pdf: Document, text: str) -> None:
    pdf.use(12, "B")
    pdf.write_line(8, text)


def _bars(pdf: Document, data) -> None:
    series = data.series
    peak = max([max(r.get(R.POSTS, 0), r.get(R.ASPIRATIONS, 0)) for r in series] + [1])
    left, top, height = pdf.l_margin, pdf.get_y(), 40
    slot = (pdf.w - pdf.l_margin - pdf.r_margin) / len(series)
    pdf.use(7)
    for i, row in enumerate(series):
        x = left + i * slot
        for j, (metric, colour) in enumerate(
            [(R.POSTS, (31, 95, 153)), (R.ASPIRATIONS, (179, 38, 30))]
        ):
            value = row.get(metric, 0)
            h = height * value / peak
            pdf.set_fill_color(*colour)
            if h > 0:
                pdf.rect(x + 2 + j * (slot - 4) / 2, top + height - h, (slot - 4) / 2, h, style="F")
        pdf.set_xy(x, top + height + 1)
        pdf.cell(slot, 4, row["month"].strftime("%m/%y"), align="C")
    pdf.set_xy(left, top + height + 6)
    pdf.use(8)
    pdf.write_line(5, _("Biru: berita terbit. Merah: aspirasi diterima."))


# --- The monthly aspirations report per office ------------------------------------------

PDF_MAX_LINES = 1000


def office_report_pdf(report, *, title: str, subtitle: str, with_lines: bool) -> bytes:
    """The office report (dashboard.casereport) as landscape A4 tables and its rules."""
    # fpdf2 is imported by the first PDF, not with the views (core.pdf).
    from fpdf.fonts import FontFace

    bold = FontFace(emphasis="BOLD")
    pdf = Document(title=title, orientation="L", footer_text=title)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    pdf.use(13, "B")
    pdf.write_lines(7, title)
    pdf.use(9)
    pdf.write_lines(5, subtitle)
    pdf.ln(2)
    headers = C.columns()
    for table in report.tables:
        pdf.use(11, "B")
        pdf.write_lines(7, table.title)
        widths = [69] + [26] * len(headers)
        size = pdf.size_to_fit_words(headers, widths[1], size=8, style="B")
        pdf.use(size, "B")
        with pdf.table(
            col_widths=widths,
            text_align=["LEFT"] + ["RIGHT"] * len(headers),
            line_height=4,
        ) as grid:
            add_row(grid, [table.label, *headers])
            pdf.use(8)
            for row in [*table.rows, table.total]:
                style = bold if row is table.total else None
                add_row(grid, [_number(v) for v in [row.name, *C.row_values(row)]], style=style)
        pdf.ln(3)
    if with_lines and report.lines:
        _office_lines(pdf, report, C)
    pdf.use(11, "B")
    pdf.write_lines(7, _("Cara menghitung"))
    pdf.use(8)
    for rule in C.RULES:
        pdf.write_lines(4, f"- {rule}")
    return pdf.to_bytes()


def _office_lines(pdf: Document, report, C) -> None:
    """The list of the office's cases of the month (only for one office's report)."""
    headers = C.line_columns()
    names = C.office_names(report)
    pdf.use(11, "B")
    pdf.write_lines(7, _("Daftar aspirasi bulan ini"))
    widths = [24, 34, 30, 30, 22, 26, 24, 18, 23, 23, 15]
    size = pdf.size_to_fit_words(headers, min(widths), size=7, style="B")
    pdf.use(size, "B")
    with pdf.table(col_widths=widths, line_height=3.6, text_align="LEFT") as grid:
        add_row(grid, headers)
        pdf.use(7)
        for item in report.lines[:PDF_MAX_LINES]:
            add_row(grid, [_line_value(value) for value in C.line_values(item, names)])
    if len(report.lines) > PDF_MAX_LINES:
        pdf.use(8)
        pdf.write_lines(
            4,
            _("Hanya %(shown)s dari %(count)s aspirasi; daftar lengkap ada di XLSX.")
            % {"shown": PDF_MAX_LINES, "count": len(report.lines)},
        )
    pdf.ln(3)


# --- The quarterly or yearly monitoring and evaluation (monev) report -------------------


def monev_pdf(report) -> bytes:
    """The monev report (dashboard.monev): each section's figures beside the previous
    period's and the change, the table per kecamatan (kabupaten), and how it counts."""
    scope, period = report.scope, report.period
    title = _("Laporan monev KIM %(scope)s, %(period)s") % {
        "scope": scope.name,
        "period": period.label,
    }
    pdf = Document(title=title, orientation="L", footer_text=title)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    pdf.use(15, "B")
    pdf.write_lines(8, _("Laporan Monitoring dan Evaluasi KIM"))
    pdf.use(12)
    pdf.write_lines(7, f"{scope.name} - {period.label}")
    pdf.use(9)
    subtitle = _("Dibandingkan dengan %(before)s. Untuk Diskominfo provinsi dan kementerian.") % {
        "before": report.previous.label
    }
    if report.partial:
        subtitle += " " + _("Periode berjalan: angka sampai %(date)s.") % {
            "date": date_format(timezone.localdate(), "j F Y")
        }
    pdf.write_lines(5, subtitle)
    pdf.ln(2)
    header = [_("Ukuran"), period.label, report.previous.label, _("Selisih")]
    for section in report.sections:
        # A heading stays with its table: a new page when the table would not start here.
        rows_height = 7 + 5 * (len(section.figures) + 1)
        if pdf.get_y() + rows_height > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.use(11, "B")
        pdf.write_lines(7, section.title)
        pdf.use(9, "B")
        with pdf.table(
            col_widths=[120, 45, 45, 30],
            width=240,
            align="LEFT",
            text_align=["LEFT", "RIGHT", "RIGHT", "RIGHT"],
            line_height=5,
        ) as grid:
            add_row(grid, header)
            pdf.use(9)
            for f in section.figures:
                add_row(grid, [f.label, _number(f.current), _number(f.previous), f.delta_text])
        pdf.ln(2)
    if report.units:
        if pdf.get_y() + 7 + 4 * 4 > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.use(11, "B")
        pdf.write_lines(7, _("Per %(unit)s") % {"unit": report.unit_label})
        labels = [str(label) for _key, label in M.UNIT_COLUMNS]
        widths = [53] + [20] * len(labels)
        size = pdf.size_to_fit_words(labels, 20, size=8, style="B")
        pdf.use(size, "B")
        with pdf.table(
            col_widths=widths,
            text_align=["LEFT"] + ["RIGHT"] * len(labels),
            line_height=4,
        ) as grid:
            add_row(grid, [report.unit_label, *labels])
            pdf.use(8)
            for unit in report.units:
                add_row(grid, [unit.name, *(_number(unit.current(k)) for k, _l in M.UNIT_COLUMNS)])
        pdf.ln(3)
    pdf.use(11, "B")
    pdf.write_lines(7, _("Cara menghitung"))
    pdf.use(8)
    for note in M.method_notes(report):
        pdf.write_lines(4, f"- {note}")
    return pdf.to_bytes()
