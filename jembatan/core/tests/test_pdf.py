"""Every PDF keeps every character: the shipped fonts are embedded, the title is in the
metadata, and text survives a round trip through poppler's pdftotext."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from jembatan.core.pdf import MISSING, Document, add_row, pdf_response, pdf_text

SAMPLES = [
    "Ŋaju, Ā, ẞ",
    "ꦗꦮ",
    "≥ ≤ €",
    "Rp1.500.000,50",
    "Bong Siu Lan 黄秀兰 — Ngô Thị Đào",
]


def poppler(tool: str, pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    executable = shutil.which(tool)
    assert executable, f"{tool} is installed by make test's set-up (Debian poppler-utils)"
    return subprocess.run(
        [executable, str(path), "-"] if tool == "pdftotext" else [executable, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def sample_pdf(*, bold: bool = False) -> bytes:
    pdf = Document(title="Uji aksara: Ŋaju 黄秀兰")
    pdf.add_page()
    pdf.use(12, "B" if bold else "")
    # Whole sentences, as in a real document: pdftotext guesses word gaps from a line's
    # letters, and a line of three symbols alone gives it too little to go on.
    for sample in SAMPLES:
        pdf.write_lines(7, f"Contoh tulisan yang harus tetap utuh: {sample} (akhir baris)")
    pdf.write_lines(7, "Senyum 🙂 di sini, di akhir dokumen")
    return pdf.to_bytes()


@pytest.mark.parametrize("bold", [False, True])
def test_every_character_round_trips_through_pdftotext(tmp_path, bold):
    text = poppler("pdftotext", sample_pdf(bold=bold), tmp_path)
    for sample in SAMPLES:
        assert sample in text
    # An emoji no shipped font draws becomes a visible mark, not silence.
    assert f"Senyum {MISSING} di sini" in text


def test_fonts_are_embedded_and_the_title_is_set(tmp_path):
    pdf = sample_pdf()
    fonts = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    assert fonts, "the document uses fonts"
    for line in fonts:
        # name type encoding emb sub uni: every font embedded (and subset).
        assert " yes yes " in line, line
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "doc.pdf")], check=True, capture_output=True, text=True
    ).stdout
    assert "Uji aksara: Ŋaju 黄秀兰" in info


def test_pdf_text_drops_control_characters_and_keeps_lines():
    assert pdf_text("a\x00b\u200bc\nd") == "abc\nd"
    assert pdf_text(None) == ""
    # Decomposed letters are composed, so they are drawn as one glyph.
    assert pdf_text("Đa\u0300o") == "Đào"


def test_lines_rows_and_the_download_make_their_text_safe(tmp_path):
    pdf = Document(title="Uji")
    pdf.add_page()
    pdf.write_line(8, "Judul 黄秀兰\x00 🙂", align="C")
    top = pdf.get_y()
    pdf.write_lines(6, "Paragraf sempit " * 12, width=60)
    # 60 mm wide: the paragraph wraps onto several lines of 6 mm, then the next line.
    assert pdf.get_y() - top >= 3 * 6
    assert pdf.get_x() == pdf.l_margin
    with pdf.table(col_widths=[40, 40]) as table:
        add_row(table, ["Nama", "Jumlah"])
        add_row(table, ["Ngô Thị Đào", 7])
    response = pdf_response(pdf.to_bytes(), "laporan-uji")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="laporan-uji.pdf"'
    text = poppler("pdftotext", response.content, tmp_path)
    assert f"Judul 黄秀兰 {MISSING}" in text
    assert "Ngô Thị Đào" in text


def test_only_the_fonts_a_document_draws_with_are_embedded_and_each_document_is_whole(
    tmp_path,
):
    """Fonts are read once per process and copied into each document; a font no page drew
    with is left out (cutting Droid Sans Fallback down cost more than the document). Two
    documents in a row each carry their own glyphs: the second is not cut down to the
    first one's."""
    latin = Document(title="Latin")
    latin.add_page()
    latin.write_line(8, "Hanya huruf Latin: Ŋaju")
    names = poppler("pdffonts", latin.to_bytes(), tmp_path)
    assert "DejaVuSans" in names
    assert "DroidSans" not in names
    assert "NotoSansJavanese" not in names
    assert "Bold" not in names

    for sample in ("Bong Siu Lan 黄秀兰", "Tan Mei Hua 陈美华"):
        pdf = Document(title="Nama")
        pdf.add_page()
        pdf.use(12, "B")
        pdf.write_line(8, f"Nama: {sample}")
        content = pdf.to_bytes()
        assert "DroidSans" in poppler("pdffonts", content, tmp_path)
        assert sample in poppler("pdftotext", content, tmp_path)
