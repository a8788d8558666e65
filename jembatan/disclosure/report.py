"""The annual PPID report (Perki SLIP 1/2021 Pasal 36): per body, what was asked and how
it was answered, in how many working days, and the objections. HTML, CSV and PDF."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from jembatan.core.exports import CSV_TYPE, csv_bytes
from jembatan.core.pdf import Document, add_row, pdf_response
from jembatan.core.workdays import local_date, working_days_between
from jembatan.disclosure.models import InformationRequest, Objection, Outcome, PublicBody


@dataclass
class BodyRow:
    body: PublicBody
    received: int = 0
    answered: int = 0
    open: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: {o: 0 for o in Outcome.values})
    extended: int = 0
    late: int = 0
    days: list[int] = field(default_factory=list)
    objections: int = 0
    objections_decided: int = 0
    decisions: dict[str, int] = field(
        default_factory=lambda: {d: 0 for d in Objection.Decision.values}
    )

    @property
    def average_days(self) -> float | None:
        return round(sum(self.days) / len(self.days), 1) if self.days else None

    @property
    def max_days(self) -> int | None:
        return max(self.days) if self.days else None


def annual_report(bodies: QuerySet[PublicBody], year: int) -> list[BodyRow]:
    """One row per body (only bodies with a request or a list, in their order)."""
    rows = {b.pk: BodyRow(body=b) for b in bodies}
    now = timezone.now()  # each body's "today" and dates are in its kabupaten's zone
    requests = InformationRequest.objects.filter(
        body_id__in=list(rows), received_at__year=year
    ).select_related("body")
    for request in requests.iterator(chunk_size=500):
        row = rows[request.body_id]
        row.received += 1
        if request.extended_at is not None:
            row.extended += 1
        if request.answered_at is not None:
            row.answered += 1
            row.outcomes[request.outcome] = row.outcomes.get(request.outcome, 0) + 1
            row.days.append(
                working_days_between(
                    request.received_at,
                    request.answered_at,
                    kabupaten_code=request.body.kabupaten_id,
                )
            )
            code = request.body.kabupaten_id
            if local_date(request.answered_at, code) > request.due_date:
                row.late += 1
        else:
            row.open += 1
            if request.due_date < local_date(now, request.body.kabupaten_id):
                row.late += 1
    objections = Objection.objects.filter(
        request__body_id__in=list(rows), submitted_at__year=year
    ).values_list("request__body_id", "status", "decision")
    for body_id, status, decision in objections:
        row = rows[body_id]
        row.objections += 1
        if status == Objection.Status.DECIDED:
            row.objections_decided += 1
            row.decisions[decision] = row.decisions.get(decision, 0) + 1
    return list(rows.values())


def columns() -> list[str]:
    return [
        _("Badan publik"),
        _("Permohonan diterima"),
        _("Dijawab"),
        _("Belum dijawab"),
        _("Dikabulkan seluruhnya"),
        _("Dikabulkan sebagian"),
        _("Ditolak"),
        _("Tidak dikuasai"),
        _("Diperpanjang"),
        _("Melewati batas waktu"),
        _("Rata-rata hari kerja menjawab"),
        _("Paling lama (hari kerja)"),
        _("Keberatan diterima"),
        _("Keberatan diputus"),
        _("Keberatan dikabulkan"),
        _("Keberatan dikabulkan sebagian"),
        _("Keberatan ditolak"),
    ]


def row_values(row: BodyRow) -> list[str]:
    return [
        row.body.name,
        str(row.received),
        str(row.answered),
        str(row.open),
        str(row.outcomes[Outcome.GRANTED]),
        str(row.outcomes[Outcome.PARTLY]),
        str(row.outcomes[Outcome.REFUSED]),
        str(row.outcomes[Outcome.NOT_HELD]),
        str(row.extended),
        str(row.late),
        "" if row.average_days is None else number_format(row.average_days),
        "" if row.max_days is None else str(row.max_days),
        str(row.objections),
        str(row.objections_decided),
        str(row.decisions[Objection.Decision.UPHELD]),
        str(row.decisions[Objection.Decision.PARTLY]),
        str(row.decisions[Objection.Decision.REJECTED]),
    ]


def totals(rows: list[BodyRow]) -> list[str]:
    total = BodyRow(body=PublicBody())
    for row in rows:
        for name in ("received", "answered", "open", "extended", "late"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.objections += row.objections
        total.objections_decided += row.objections_decided
        total.days.extend(row.days)
        for key, value in row.outcomes.items():
            total.outcomes[key] += value
        for key, value in row.decisions.items():
            total.decisions[key] += value
    values = row_values(total)
    values[0] = _("Jumlah")
    return values


def report_csv(rows: list[BodyRow]) -> bytes:
    return csv_bytes(columns(), [*map(row_values, rows), totals(rows)])


def report_pdf(rows: list[BodyRow], *, year: int, title: str) -> bytes:
    """A landscape A4 table."""
    pdf = Document(title=title, orientation="L")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.use(13, "B")
    pdf.write_line(8, title)
    pdf.use(9)
    pdf.write_line(
        6,
        _("Tahun %(year)s. Waktu dihitung dalam hari kerja. Dibuat %(date)s.")
        % {"year": year, "date": date_format(timezone.localdate(), "j F Y")},
    )
    pdf.ln(2)
    headers = columns()
    widths = [49] + [14.25] * (len(headers) - 1)
    size = pdf.size_to_fit_words(headers[1:], widths[1], size=6.5, style="B")
    pdf.use(size, "B")
    with pdf.table(
        col_widths=widths, text_align=["LEFT"] + ["RIGHT"] * (len(headers) - 1), line_height=3.5
    ) as table:
        add_row(table, headers)
        pdf.use(7)
        for row in [*map(row_values, rows), totals(rows)]:
            add_row(table, [text or "-" for text in row])
    return pdf.to_bytes()


def report_download(rows: list[BodyRow], *, year: int, title: str, fmt: str) -> HttpResponse:
    """The annual report as a CSV or PDF attachment (the staff and the public page)."""
    if fmt != "csv":
        return pdf_response(report_pdf(rows, year=year, title=title), f"laporan-ppid-{year}")
    response = HttpResponse(report_csv(rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="laporan-ppid-{year}.csv"'
    return response
