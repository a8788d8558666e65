"""Exports for policy makers: consultation comments and poll results as CSV, XLSX, PDF.

Only public display names go out, never phone numbers, email addresses or their hashes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jembatan.core.exports import CSV_TYPE, csv_bytes, xlsx_file_response
from jembatan.core.pdf import Document, pdf_response
from jembatan.dialogue.models import Comment, Consultation, Poll, Visibility
from jembatan.dialogue.services_polls import poll_results

FORMATS = {"csv", "xlsx", "pdf"}
Rows = list[Sequence[object]]


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]], name: str) -> HttpResponse:
    response = HttpResponse(csv_bytes(header, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _xlsx(sheets: list[tuple[str, Sequence[str], Rows]], name: str) -> HttpResponse:
    return xlsx_file_response(name, sheets)


class _Pdf:
    def __init__(self, title: str, subtitle: str):
        self.pdf = Document(title=title)
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()
        self.pdf.use(14, "B")
        self.pdf.write_lines(7, title)
        self.pdf.use(9)
        self.pdf.write_lines(5, subtitle)
        self.pdf.ln(3)

    def heading(self, text: str) -> None:
        self.pdf.use(11, "B")
        self.pdf.write_lines(6, text)

    def text(self, text: str, *, size: int = 10, style: str = "") -> None:
        self.pdf.use(size, style)
        self.pdf.write_lines(5, text)

    def gap(self) -> None:
        self.pdf.ln(3)

    def response(self, name: str) -> HttpResponse:
        return pdf_response(self.pdf.to_bytes(), name)


def _stamp() -> str:
    return date_format(timezone.localtime(), "j F Y H.i")


# --- Consultation comments -----------------------------------------------------------------

COMMENT_HEADER = [
    "bagian",
    "paragraf",
    "tanggapan_id",
    "waktu",
    "nama",
    "tanggapan",
    "setuju",
    "tidak_setuju",
    "status",
]


def _comment_rows(consultation: Consultation) -> Rows:
    comments = (
        Comment.objects.filter(paragraph__section__consultation=consultation)
        .select_related("paragraph__section")
        .order_by("paragraph__section__order", "paragraph__order", "created_at", "id")
    )
    return [
        [
            f"{c.paragraph.section.order}. {c.paragraph.section.heading}",
            c.paragraph.order,
            c.pk,
            timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
            c.author_name,
            c.body,
            c.agree_count,
            c.disagree_count,
            c.get_visibility_display(),
        ]
        for c in comments
    ]


def export_consultation(consultation: Consultation, fmt: str) -> HttpResponse:
    name = f"konsultasi-{slugify(consultation.slug)[:60]}"
    rows = _comment_rows(consultation)
    if fmt == "csv":
        return _csv(COMMENT_HEADER, rows, name)
    if fmt == "xlsx":
        sections = [[s.order, s.heading, s.heard, s.changed] for s in consultation.sections.all()]
        return _xlsx(
            [
                (str(_("Tanggapan")), COMMENT_HEADER, rows),
                (str(_("Tanggapan pemilik")), ["bagian", "judul", "didengar", "diubah"], sections),
            ],
            name,
        )
    pdf = _Pdf(
        consultation.title,
        _("Konsultasi publik %(owner)s · %(n)s tanggapan · dicetak %(when)s")
        % {"owner": consultation.owner_name, "n": len(rows), "when": _stamp()},
    )
    for section in consultation.sections.prefetch_related("paragraphs"):
        pdf.heading(f"{section.order}. {section.heading}")
        for paragraph in section.paragraphs.all():
            pdf.text(f"[{paragraph.order}] {paragraph.text}", size=9, style="I")
            for c in paragraph.comments.exclude(visibility=Visibility.HIDDEN):
                pdf.text(
                    f"- {c.author_name} ({c.agree_count} setuju, {c.disagree_count} tidak): "
                    f"{c.body}",
                    size=9,
                )
        if section.heard:
            pdf.text(_("Apa yang kami dengar: %(t)s") % {"t": section.heard}, size=9, style="B")
        if section.changed:
            pdf.text(_("Apa yang kami ubah: %(t)s") % {"t": section.changed}, size=9, style="B")
        pdf.gap()
    return pdf.response(name)


# --- Poll results --------------------------------------------------------------------------


def _result_rows(poll: Poll) -> tuple[list[str], Rows, list[str]]:
    results = poll_results(poll, with_texts=True)
    header = ["pertanyaan", "jawaban", "jumlah", *[f"kec. {k}" for k in results.kecamatan]]
    rows: Rows = []
    texts: list[str] = []
    for q in results.questions:
        if q.options:
            for option in q.options:
                rows.append(
                    [
                        q.question.text,
                        option.label,
                        option.count,
                        *[option.by_kecamatan.get(k, 0) for k in results.kecamatan],
                    ]
                )
            if q.average is not None:
                rows.append([q.question.text, str(_("rata-rata")), q.average])
        else:
            rows.append([q.question.text, str(_("jawaban bebas")), q.answered])
            texts.extend(f"{q.question.text}: {t}" for t in q.texts)
    rows.append([str(_("Jumlah responden")), "", results.total])
    rows.extend(
        [str(_("Responden per kecamatan")), k, results.by_kecamatan[k]] for k in results.kecamatan
    )
    return header, rows, texts


def export_poll(poll: Poll, fmt: str) -> HttpResponse:
    name = f"jajak-pendapat-{slugify(poll.slug)[:60]}"
    header, rows, texts = _result_rows(poll)
    if fmt == "csv":
        return _csv(header, rows, name)
    if fmt == "xlsx":
        return _xlsx(
            [
                (str(_("Hasil")), header, rows),
                (str(_("Jawaban bebas")), ["jawaban"], [[t] for t in texts]),
            ],
            name,
        )
    results = poll_results(poll)
    pdf = _Pdf(
        poll.title,
        _("Hasil jajak pendapat %(owner)s · %(n)s responden · dicetak %(when)s")
        % {"owner": poll.owner_name, "n": results.total, "when": _stamp()},
    )
    for q in results.questions:
        pdf.heading(q.question.text)
        for option in q.options:
            places = ", ".join(f"{k} {v}" for k, v in sorted(option.by_kecamatan.items()))
            pdf.text(
                f"{option.label}: {option.count} ({option.percent(q.answered)}%)"
                + (f" - {places}" if places else ""),
                size=9,
            )
        if q.average is not None:
            pdf.text(_("Rata-rata: %(v)s") % {"v": q.average}, size=9, style="B")
        if not q.options:
            pdf.text(_("%(n)s jawaban bebas (lihat lampiran XLSX).") % {"n": q.answered}, size=9)
        pdf.gap()
    pdf.heading(_("Responden per kecamatan"))
    for k in results.kecamatan:
        pdf.text(f"{k}: {results.by_kecamatan[k]}", size=9)
    return pdf.response(name)
