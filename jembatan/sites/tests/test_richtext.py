"""normalize_html / sanitize_html: what browsers and clipboards produce becomes paragraphs.

The fixtures in fixtures/paste/ are clipboard HTML as Word, Google Docs and WhatsApp Web
put it there (trimmed), and what Chromium's contenteditable stores after Enter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jembatan.core.richtext import (
    html_to_plain_text,
    repair_stored_html,
    sanitize_html,
)

PASTE = Path(__file__).parent / "fixtures" / "paste"


def sample(name: str) -> str:
    return (PASTE / name).read_text(encoding="utf-8")


def test_word_paragraphs_keep_bold_and_drop_office_markup():
    out = sanitize_html(sample("word.html"))
    assert out == (
        "<p>Warga Desa Sango menanam 200 bibit pohon di tepi sungai.</p>"
        "<p><b>Kegiatan</b> ini didukung kelurahan &amp; Dinas Lingkungan Hidup.</p>"
        "<p>1. Bibit dari KLHK</p>"
    )
    for leftover in ("o:p", "Mso", "style", "span", "font-size", "StartFragment"):
        assert leftover not in out


def test_google_docs_wrapper_is_not_bold_and_styled_spans_become_strong_and_em():
    out = sanitize_html(sample("google_docs.html"))
    assert out == (
        "<p>Posyandu Melati buka Sabtu pukul 08.00.</p>"
        "<p><strong>Bawa buku KIA</strong> dan kartu BPJS.<br><em>Gratis untuk balita.</em></p>"
    )


def test_whatsapp_lines_keep_line_breaks_and_blank_line_starts_a_paragraph():
    out = sanitize_html(sample("whatsapp_web.html"))
    assert out == (
        "<p>Assalamualaikum bapak ibu 🙏<br>Besok kerja bakti di balai desa jam 7 pagi.</p>"
        "<p>Mohon bawa parang dan karung.<br>Terima kasih.</p>"
    )


def test_chromium_div_lines_become_paragraphs_not_one_glued_sentence():
    out = sanitize_html(sample("chromium_divs.html"))
    assert out == (
        "<p>Kemarin warga menanam 200 bibit pohon.</p>"
        "<p>Kegiatan ini didukung kelurahan.</p>"
        "<p>Foto: <b>Yohanes</b></p>"
    )
    assert "pohon.Kegiatan" not in out


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("a<br><br>b", "<p>a</p><p>b</p>"),
        ("a<br>b", "<p>a<br>b</p>"),
        ("a<br><br><br><br>b<br>", "<p>a</p><p>b</p>"),
        ("<div><div>a</div><div><div>b</div></div></div>", "<p>a</p><p>b</p>"),
        ("<div>a</div><div><br></div><div><br></div><div>b</div>", "<p>a</p><p>b</p>"),
        ("<p><br></p><p>x</p><p>&nbsp;</p>", "<p>x</p>"),
        (
            "<strong><div>a</div><div>b</div></strong>",
            "<p><strong>a</strong></p><p><strong>b</strong></p>",
        ),
        ("<p>a <span><span> b </span></span> c</p>", "<p>a b c</p>"),
        ("<ul><li><div>a</div><div>b</div></li><li><br></li></ul>", "<ul><li>a<br>b</li></ul>"),
        ("<h1>Judul</h1>teks", "<h2>Judul</h2><p>teks</p>"),
        ("<h4>Sub</h4>", "<h3>Sub</h3>"),
        ("<b></b><i> </i>", ""),
    ],
)
def test_div_soup_and_line_breaks(html, expected):
    assert sanitize_html(html) == expected


def test_plain_text_with_blank_lines_is_paragraphs():
    text = "Kerja bakti Minggu.\r\nBawa cangkul.\r\n\r\n\r\nTerima kasih & 100% > target"
    assert sanitize_html(text) == (
        "<p>Kerja bakti Minggu.<br>Bawa cangkul.</p><p>Terima kasih &amp; 100% &gt; target</p>"
    )


@pytest.mark.parametrize(
    "name", ["word.html", "google_docs.html", "whatsapp_web.html", "chromium_divs.html"]
)
def test_normalising_twice_changes_nothing(name):
    once = sanitize_html(sample(name))
    assert sanitize_html(once) == once


def test_plain_text_round_trip_shows_text_not_tags():
    stored = sanitize_html("Satu baris\nbaris dua\n\nParagraf & kedua")
    text = html_to_plain_text(stored)
    assert text == "Satu baris\nbaris dua\n\nParagraf & kedua"
    assert "<p>" not in text
    assert sanitize_html(text) == stored


@pytest.mark.parametrize(
    "html",
    [
        "<p><strong>Tebal</strong></p>",
        '<p><a href="https://x.example">x</a></p>',
        "<p>pakai tag &lt;b&gt; di sini</p>",  # as text it would come back as markup
    ],
)
def test_rich_html_is_not_turned_into_plain_text(html):
    assert html_to_plain_text(html) is None


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (
            "Kemarin warga menanam 200 bibit pohon.Kegiatan ini didukung kelurahan.",
            "<p>Kemarin warga menanam 200 bibit pohon.</p><p>Kegiatan ini didukung kelurahan.</p>",
        ),
        ("Baris satu<br>Baris dua", "<p>Baris satu</p><p>Baris dua</p>"),
        (
            "Lulusan S.Pd dari Kab.Bengkayang hadir.",
            "<p>Lulusan S.Pd dari Kab.Bengkayang hadir.</p>",
        ),
        ("Prof.Budi hadir Sabtu.Bawa KTP.", "<p>Prof.Budi hadir Sabtu.</p><p>Bawa KTP.</p>"),
        (
            "Lihat www.bengkayangkab.go.id.Terima kasih",
            "<p>Lihat www.bengkayangkab.go.id.Terima kasih</p>",
        ),
        (
            "Tahun 2025.Besok rapat!Semua hadir",
            "<p>Tahun 2025.</p><p>Besok rapat!</p><p>Semua hadir</p>",
        ),
        # Written in paragraphs: left as it was.
        ("<p>Satu.Dua</p><p>a<br>b</p>", "<p>Satu.Dua</p><p>a<br>b</p>"),
        ("<div>a</div><div>b</div>", "<p>a</p><p>b</p>"),
    ],
)
def test_repair_splits_what_the_old_sanitiser_glued(stored, expected):
    assert repair_stored_html(stored) == expected
    assert repair_stored_html(expected) == expected
