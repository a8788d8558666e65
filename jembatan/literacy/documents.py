"""Files made for people to keep: certificate PDFs and a module's offline ZIP."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jembatan.core.links import absolute_url
from jembatan.core.pdf import Document, pdf_text
from jembatan.core.workdays import local_time
from jembatan.literacy.models import Certificate, Module
from jembatan.tenants.current import site_name_for_region


def verification_url(cert: Certificate) -> str:
    """The page that proves the certificate, on the host it is made for (core.links)."""
    return absolute_url(cert.get_absolute_url())


def _kabupaten_code(cert: Certificate) -> str | None:
    source = cert.training if cert.training_id else cert.module
    return getattr(source, "kabupaten_id", None)


def certificate_issuer(cert: Certificate) -> str:
    """Who issues it: the Diskominfo of the training's (or module's) kabupaten."""
    source = cert.training if cert.training_id else cert.module
    kabupaten = getattr(source, "kabupaten", None)
    if kabupaten is None:
        return settings.SITE_NAME
    return _("Dinas Komunikasi dan Informatika %(kabupaten)s") % {"kabupaten": kabupaten.name}


def certificate_facts(cert: Certificate) -> list[str]:
    """The lines under the subject: when and where the training was, who issued it, when."""
    lines = []
    training = cert.training
    # Dates as the issuing kabupaten reads them (a PDF made by a task or another tenant's
    # request is not in that zone).
    source = training if training is not None else cert.module
    code = getattr(source, "kabupaten_id", None)
    if training is not None:
        start = local_time(training.starts_at, code)
        end = local_time(training.ends_at, code)
        when = formats.date_format(start, "j F Y")
        if end.date() != start.date():
            when = _("%(start)s sampai %(end)s") % {
                "start": when,
                "end": formats.date_format(end, "j F Y"),
            }
        place = training.place or training.get_mode_display()
        lines.append(_("%(when)s, %(place)s") % {"when": when, "place": place})
    issued = formats.date_format(local_time(cert.issued_at, code), "j F Y")
    lines.append(
        _("Diterbitkan oleh %(issuer)s, %(date)s")
        % {"issuer": certificate_issuer(cert), "date": issued}
    )
    return lines


def certificate_pdf(cert: Certificate) -> bytes:
    pdf = Document(title=_("Sertifikat %(code)s") % {"code": cert.display_code}, orientation="L")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(20, 90, 140)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(30)
    pdf.use(30, "B")
    pdf.write_line(14, _("SERTIFIKAT"), align="C")
    pdf.use(14)
    pdf.write_line(8, cert.get_kind_display(), align="C")
    pdf.ln(10)
    pdf.write_line(8, _("diberikan kepada"), align="C")
    pdf.use(24, "B")
    pdf.write_line(14, cert.holder_name, align="C")
    pdf.use(14)
    what = (
        _("atas kehadirannya dalam pelatihan")
        if cert.kind == Certificate.Kind.ATTENDANCE
        else _("atas penyelesaian modul belajar")
    )
    pdf.write_line(8, what, align="C")
    pdf.use(16, "B")
    pdf.set_x(30)
    pdf.write_lines(9, cert.subject, width=237, align="C")
    pdf.use(12)
    for line in certificate_facts(cert):
        pdf.set_x(30)
        pdf.write_lines(7, line, width=237, align="C")
    # The QR and the code let anyone check the certificate on the public page.
    url = verification_url(cert)
    import qrcode  # imported by the first certificate, not with the views

    image = qrcode.make(url, border=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    png = io.BytesIO()
    image.save(png, format="PNG")
    png.seek(0)
    pdf.image(png, x=22, y=150, w=38, h=38)
    pdf.set_xy(65, 160)
    pdf.use(11)
    pdf.cell(0, 6, pdf_text(_("Kode verifikasi: %(code)s") % {"code": cert.display_code}))
    pdf.set_xy(65, 167)
    pdf.cell(0, 6, pdf_text(_("Periksa keaslian di %(url)s") % {"url": url}))
    pdf.set_xy(65, 174)
    pdf.cell(0, 6, pdf_text(site_name_for_region(_kabupaten_code(cert))))
    return pdf.to_bytes()


def module_zip_name(module: Module) -> str:
    return f"modul-{slugify(module.title)[:60] or module.pk}.zip"


def module_zip_chunks(module: Module) -> Iterator[bytes]:
    """The module's files and articles (as HTML) as a ZIP, produced piece by piece so that
    a large video does not sit in memory: each file is written, then the bytes written so
    far are handed on."""
    buffer = _Pipe()
    entries = []
    for number, lesson in enumerate(module.lessons.all(), start=1):
        stem = f"{number:02d}-{slugify(lesson.title)[:50] or lesson.pk}"
        if lesson.kind == lesson.Kind.ARTICLE:
            entries.append((lesson, f"{stem}.html"))
        elif lesson.file:
            entries.append((lesson, stem + "." + lesson.file.name.rsplit(".", 1)[-1]))
    with zipfile.ZipFile(buffer, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        index = render_to_string(
            "literacy/offline/index.html", {"module": module, "entries": entries}
        )
        archive.writestr("index.html", index)
        yield buffer.take()
        for lesson, name in entries:
            if lesson.kind == lesson.Kind.ARTICLE:
                html = render_to_string("literacy/offline/article.html", {"lesson": lesson})
                archive.writestr(name, html)
            else:
                info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
                # Videos and PDFs are compressed already.
                info.compress_type = zipfile.ZIP_STORED
                with lesson.file.open("rb") as source, archive.open(info, mode="w") as target:
                    for chunk in iter(lambda: source.read(256 * 1024), b""):
                        target.write(chunk)
                        yield buffer.take()
            yield buffer.take()
    yield buffer.take()


class _Pipe(io.RawIOBase):
    """A write-only, unseekable stream that keeps what was written until taken."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks = []
        return data


def handout_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A small text PDF (demo material, tests)."""
    pdf = Document(title=title)
    pdf.add_page()
    pdf.use(16, "B")
    pdf.write_lines(9, title)
    pdf.use(12)
    for paragraph in paragraphs:
        pdf.ln(3)
        pdf.write_lines(7, paragraph)
    return pdf.to_bytes()
