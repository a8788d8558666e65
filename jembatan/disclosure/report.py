"""The annual PPID report (Perki SLIP 1/2021 Pasal 56): per body, what was asked and how
it was answered, in how many working days, on which grounds refused, and the objections;
then the report's ten sections, the counted ones from the requests and the narrative ones
as staff wrote them (``AnnualReport``). HTML, CSV and PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.core.exports import CSV_TYPE, csv_bytes
from jembatan.core.pdf import Document, add_row, pdf_response
from jembatan.core.workdays import local_date, working_days_between
from jembatan.disclosure.models import (
    AnnualReport,
    InformationRequest,
    Objection,
    Outcome,
    Pasal17,
    PublicBody,
)


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
    # Refused or partly granted requests by Pasal 17 letter (one request may cite several).
    grounds: dict[str, int] = field(default_factory=lambda: {g: 0 for g in Pasal17.values})
    reasons: dict[str, int] = field(default_factory=lambda: {r: 0 for r in Objection.Reason.values})

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
            for ground in request.refusal_grounds or []:
                row.grounds[ground] = row.grounds.get(ground, 0) + 1
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
    ).values_list("request__body_id", "status", "decision", "reasons")
    for body_id, status, decision, reasons in objections:
        row = rows[body_id]
        row.objections += 1
        for reason in reasons or []:
            row.reasons[reason] = row.reasons.get(reason, 0) + 1
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


def row_values(row: BodyRow, *, machine: bool = False) -> list[str]:
    """The row as shown (decimals in the reader's locale) or, with machine=True, for a
    file read by programs (a dot decimal, whatever the language)."""
    if row.average_days is None:
        average = ""
    elif machine:
        average = f"{row.average_days:.1f}"
    else:
        average = number_format(row.average_days)
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
        average,
        "" if row.max_days is None else str(row.max_days),
        str(row.objections),
        str(row.objections_decided),
        str(row.decisions[Objection.Decision.UPHELD]),
        str(row.decisions[Objection.Decision.PARTLY]),
        str(row.decisions[Objection.Decision.REJECTED]),
    ]


def total_row(rows: list[BodyRow]) -> BodyRow:
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
        for key, value in row.grounds.items():
            total.grounds[key] = total.grounds.get(key, 0) + value
        for key, value in row.reasons.items():
            total.reasons[key] = total.reasons.get(key, 0) + value
    return total


def totals(rows: list[BodyRow], *, machine: bool = False) -> list[str]:
    values = row_values(total_row(rows), machine=machine)
    values[0] = _("Jumlah")
    return values


# Perki 1/2021 Pasal 56 ayat (2): what the annual report holds, in its order. A section
# with a model field is written by staff; the others are counted from the requests.
SECTIONS = [
    ("policy", gettext_lazy("Kebijakan pelayanan informasi publik")),
    ("facilities", gettext_lazy("Sarana dan prasarana pelayanan informasi publik")),
    ("staff", gettext_lazy("Sumber daya manusia pelayanan informasi publik")),
    ("budget", gettext_lazy("Anggaran pelayanan informasi publik")),
    ("requests", gettext_lazy("Permohonan informasi publik dan hasilnya")),
    ("grounds", gettext_lazy("Alasan penolakan permohonan informasi")),
    ("objections", gettext_lazy("Keberatan")),
    ("disputes", gettext_lazy("Sengketa informasi di Komisi Informasi dan pengadilan")),
    ("obstacles", gettext_lazy("Kendala dalam pelaksanaan pelayanan informasi publik")),
    ("recommendations", gettext_lazy("Rekomendasi dan rencana tindak lanjut")),
]
NARRATIVE_SECTIONS = {"policy", "facilities", "staff", "budget", "obstacles", "recommendations"}


@dataclass
class Section:
    key: str
    number: int
    title: str
    text: str = ""  # staff's narrative ("" when not written or not shown)
    facts: list[tuple[str, Any]] = field(default_factory=list)


def sections(rows: list[BodyRow], text: AnnualReport | None) -> list[Section]:
    """The report's ten sections: figures for the whole kabupaten, narrative from
    ``text`` (pass None where it may not be shown, e.g. unpublished on a public page)."""
    total = total_row(rows)
    outcome_labels = dict(Outcome.choices)
    decision_labels = dict(Objection.Decision.choices)
    result = []
    for number, (key, title) in enumerate(SECTIONS, start=1):
        section = Section(key=key, number=number, title=str(title))
        if key in NARRATIVE_SECTIONS and text is not None:
            section.text = getattr(text, key)
        elif key == "requests":
            section.facts = [
                (_("Permohonan diterima"), total.received),
                (_("Dijawab"), total.answered),
                (_("Belum dijawab"), total.open),
                *[(str(outcome_labels[o]), total.outcomes[o]) for o in Outcome.values],
                (_("Diperpanjang"), total.extended),
                (_("Melewati batas waktu"), total.late),
                (
                    _("Rata-rata hari kerja menjawab"),
                    "" if total.average_days is None else number_format(total.average_days),
                ),
            ]
        elif key == "grounds":
            section.facts = [(str(label), total.grounds[g]) for g, label in Pasal17.choices]
        elif key == "objections":
            section.facts = [
                (_("Keberatan diterima"), total.objections),
                (_("Keberatan diputus"), total.objections_decided),
                *[(str(decision_labels[d]), total.decisions[d]) for d in Objection.Decision.values],
                *[(str(label), total.reasons[r]) for r, label in Objection.Reason.choices],
            ]
        elif key == "disputes" and text is not None:
            section.text = text.disputes_text
            section.facts = [
                (_("Sengketa di Komisi Informasi"), text.disputes_commission),
                (_("Sengketa di pengadilan"), text.disputes_court),
            ]
        result.append(section)
    return result


def report_csv(rows: list[BodyRow], *, year: int) -> bytes:
    """One line per body and the total, each with the year (files of several years are
    often stacked), numbers machine-readable."""
    lines = [row_values(row, machine=True) for row in rows] + [totals(rows, machine=True)]
    return csv_bytes([_("Tahun"), *columns()], [[str(year), *line] for line in lines])


def report_pdf(
    rows: list[BodyRow], *, year: int, title: str, text: AnnualReport | None = None
) -> bytes:
    """A landscape A4 table, then the report's sections."""
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
            add_row(table, [value or "-" for value in row])
    for section in sections(rows, text):
        pdf.ln(3)
        pdf.use(11, "B")
        pdf.write_line(7, f"{section.number}. {section.title}")
        pdf.use(9)
        if section.text:
            pdf.write_lines(5, section.text)
        for label, value in section.facts:
            pdf.write_lines(5, f"{label}: {value if value != '' else '-'}")
        if not section.text and not section.facts:
            pdf.write_line(5, _("Belum diisi."))
    return pdf.to_bytes()


def report_download(
    rows: list[BodyRow],
    *,
    year: int,
    title: str,
    fmt: str,
    text: AnnualReport | None = None,
) -> HttpResponse:
    """The annual report as a CSV or PDF attachment (the staff and the public page)."""
    if fmt != "csv":
        pdf = report_pdf(rows, year=year, title=title, text=text)
        return pdf_response(pdf, f"laporan-ppid-{year}")
    response = HttpResponse(report_csv(rows, year=year), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="laporan-ppid-{year}.csv"'
    return response
