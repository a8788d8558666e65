"""PDF documents: the one place that knows fonts.

Every PDF the product makes (certificates, the Bupati's monthly report, the PPID annual
report, consultation exports) is built on `Document`, which embeds Unicode TrueType fonts
shipped in `core/fonts/` (subset into each file): DejaVu Sans for text (extended Latin,
Vietnamese, symbols), with Noto Sans Javanese and Droid Sans Fallback (Chinese names) as
fallbacks. fpdf2's core fonts speak only latin-1, which turned "Ŋaju" or "黄秀兰" into
question marks; a name on a certificate must survive as written.
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpResponse

# fpdf2 and fontTools are imported by the first PDF a process makes, not with this module:
# every process imports the views that import this module, a few ever make a PDF, and the
# two imports cost a fifth of a process's start-up.
if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import TTFFont
    from fpdf.table import Table

    _Base = FPDF
else:
    _Base = object

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"
# (family, style, file): the first family is the text font, the others fill its gaps.
FONTS = (
    (FAMILY, "", "DejaVuSans.ttf"),
    (FAMILY, "B", "DejaVuSans-Bold.ttf"),
    (FAMILY, "I", "DejaVuSans-Oblique.ttf"),
    (FAMILY, "BI", "DejaVuSans-BoldOblique.ttf"),
    ("NotoSansJavanese", "", "NotoSansJavanese-Regular.ttf"),
    ("DroidSansFallback", "", "DroidSansFallbackFull.ttf"),
)
FALLBACK_FAMILIES = ["NotoSansJavanese", "DroidSansFallback"]
# What a character that no shipped font can draw (an emoji, say) becomes: visible, so a
# reader sees that something was there, and never an empty box the viewer may hide.
MISSING = "?"


@lru_cache(maxsize=1)
def covered_codepoints() -> frozenset[int]:
    """Every code point that at least one shipped font draws (read once per process)."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for _family, _style, name in FONTS:
        with TTFont(FONT_DIR / name, lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def pdf_text(value: object) -> str:
    """Text ready for a `Document`: composed (NFC), with characters that no shipped font
    has replaced by MISSING. Control characters other than line breaks are dropped."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    covered = covered_codepoints()
    out = []
    for char in text:
        if char in "\n\t":
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf"):
            continue
        elif ord(char) in covered or char == " ":
            out.append(char)
        else:
            out.append(MISSING)
    return "".join(out)


@lru_cache(maxsize=len(FONTS))
def _parsed_font(family: str, style: str, name: str) -> TTFFont:
    """A shipped font as fpdf2 reads it, once per process (read-only: `Document` copies it)."""
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    reader = FPDF()
    reader.add_font(family, style, str(FONT_DIR / name))
    font = reader.fonts[f"{family.lower()}{''.join(sorted(style))}"]
    assert isinstance(font, TTFFont)
    return font


@cache
def _on_fpdf(cls: type[Document]) -> type[Document]:
    """``cls`` (`Document` or a subclass) on fpdf2's FPDF, made once per process."""
    from fpdf import FPDF

    attrs = {"__module__": cls.__module__, "__qualname__": cls.__qualname__, "_on_fpdf": True}
    return type(cls.__name__, (cls, FPDF), attrs)


class Document(_Base):
    """An A4 document with the shipped fonts, its title in the metadata and an optional
    footer (text and page number) on every page.

    An fpdf2 FPDF: `Document(...)` gives an instance of a class made of this one and FPDF
    (`_on_fpdf`), whose methods here come before FPDF's, as if this class were defined on
    FPDF; that class is made by the first document, so fpdf2 is imported then."""

    _on_fpdf = False

    def __new__(cls, *args: object, **kwargs: object) -> Document:
        return super().__new__(cls if cls._on_fpdf else _on_fpdf(cls))

    def __init__(
        self,
        *,
        title: str,
        orientation: str = "P",
        footer_text: str = "",
        language: str = "id",
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        for family, style, name in FONTS:
            self._add_shipped_font(family, style, name)
        # Fallbacks have one weight: a bold Chinese name is drawn in the regular weight.
        self.set_fallback_fonts(FALLBACK_FAMILIES, exact_match=False)
        self.footer_text = pdf_text(footer_text)
        self.set_title(pdf_text(title))
        self.set_lang(language)
        self.set_creator(pdf_text(settings.SITE_NAME))
        self.set_font(FAMILY, size=11)

    def _add_shipped_font(self, family: str, style: str, name: str) -> None:
        """``add_font`` without reading the font again: the widths, the character map and
        the glyph ids are read once per process (`_parsed_font`; Droid Sans Fallback alone
        costs half a second of CPU per document otherwise). Each document gets its own
        fontTools font, which fpdf2 cuts down in place to the glyphs it used when it writes
        the file, and its own record of those glyphs."""
        from fontTools.ttLib import TTFont
        from fpdf.fonts import SubsetMap

        parsed = _parsed_font(family, style, name)
        font = copy.copy(parsed)
        font.i = len(self.fonts) + 1
        font.ttfont = TTFont(FONT_DIR / name, recalcTimestamp=False, lazy=True)
        font._hbfont = None
        font.biggest_size_pt = 0
        font.missing_glyphs = []
        font.subset = SubsetMap(font)
        self.fonts[font.fontkey] = font

    def use(self, size: float, style: str = "") -> None:
        """Switch size and weight of the text font."""
        self.set_font(FAMILY, style, size)

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-12)
        self.use(8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"{self.footer_text} - {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def size_to_fit_words(
        self, texts: list[str], width: float, *, size: float, style: str = "", least: float = 4.5
    ) -> float:
        """The largest font size (from `size` down to `least`) at which the longest word of
        every text fits a column `width` mm wide, so that table headers wrap between words
        and never split one ("Diperpanj-ang")."""
        room = width - 2 * self.c_margin - 0.2
        words = [w for text in texts for w in pdf_text(text).split()]
        while size > least:
            self.use(size, style)
            if all(self.get_string_width(w) <= room for w in words):
                break
            size -= 0.25
        return max(size, least)

    def write_lines(self, height: float, text: object, *, width: float = 0, **kwargs) -> None:
        """A paragraph, wrapped across the page width (or ``width`` mm from the current
        position), then the next line."""
        self.multi_cell(width, height, pdf_text(text), new_x="LMARGIN", new_y="NEXT", **kwargs)

    def write_line(self, height: float, text: object, **kwargs) -> None:
        """One line across the page width (a heading, a caption: not wrapped), then the
        next line."""
        self.cell(0, height, pdf_text(text), new_x="LMARGIN", new_y="NEXT", **kwargs)

    def output(self, *args, **kwargs):
        """The file, without the shipped fonts no page drew with: fpdf2 embeds every font
        added, cut down to the glyphs used, and cutting down Droid Sans Fallback (4 MB) for
        a document with no Chinese name in it cost more than drawing the document."""
        from fpdf.enums import PDFResourceType

        used = {
            int(str(index))
            for index in self._resource_catalog.get_used_resources(PDFResourceType.FONT)
        }
        for key in [key for key, font in self.fonts.items() if font.i not in used]:
            del self.fonts[key]
        return super().output(*args, **kwargs)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def add_row(table: Table, cells: Iterable[object], **kwargs) -> None:
    """A row of an fpdf2 table (``Document.table()``), every cell's text made safe."""
    row = table.row()
    for text in cells:
        row.cell(pdf_text(text), **kwargs)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF as a download named ``filename``.pdf."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
