"""Charts drawn on the server as inline SVG: no script, no outside library.

Each chart has a <title> and <desc> (read by screen readers); the page shows the same
numbers in a table beside it. Colours are SVG presentation attributes, which the
strict Content-Security-Policy allows (no style attributes).
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

DASH = "\u2013"
INK = "#1d2733"
BAR = "#1f5f99"
LINE = "#b3261e"
GRID = "#d5dbe1"
# The SVGs are drawn at about the width they take on a 360 px phone (one user unit is
# about one CSS px there), so FONT is the text size a phone shows, never under 12 px.
WIDTH = 340
FONT = 13
TILE_COLUMNS = 3
COVERAGE_COLOURS = [
    (0, "#d5dbe1"),  # no desa with a KIM
    (25, "#fde2c4"),
    (50, "#f7b97a"),
    (75, "#8fcfa6"),
    (101, "#2e7d4f"),
]


@dataclass
class Point:
    label: str
    value: float
    url: str | None = None


def _id(prefix: str, title: str) -> str:
    return f"{prefix}-{abs(hash(title)) % 10**8}"


def bar_chart(
    points: list[Point], *, title: str, desc: str, line: list[float] | None = None
) -> SafeString:
    """Bars per month (each a link to its list), with an optional line over them.

    Drawn at a phone's size (the chart fills about 330 px at 360 px), so that its text is
    at least 12 CSS px there; month labels thin out rather than overlap.
    """
    width, height, left, bottom, top = WIDTH, 200, 40, 26, 10
    inner_w, inner_h = width - left - 8, height - bottom - top
    values = [p.value for p in points] + (line or [])
    peak = max([*values, 1])
    step = 10 ** max(0, len(str(int(peak))) - 1)
    ceiling = math.ceil(peak / step) * step
    if ceiling < 40:  # small counts: whole numbers on the four grid lines
        ceiling = max(4, math.ceil(peak / 4) * 4)
    slot = inner_w / max(len(points), 1)
    widest = max((len(p.label) for p in points), default=1)
    stride = max(1, math.ceil((widest * FONT * 0.6 + 6) / slot))
    uid = _id("chart", title)
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}"{} aria-labelledby="{}-t {}-d" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
            width,
            height,
            _role(p.url for p in points),
            uid,
            uid,
            uid,
            title,
            uid,
            desc,
        )
    ]
    for i in range(5):
        y = top + inner_h - inner_h * i / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="{}" text-anchor="end" fill="{}">{}</text>',
                left,
                width - 8,
                _n(y),
                _n(y),
                GRID,
                left - 4,
                _n(y + 4),
                FONT,
                INK,
                _short(ceiling * i / 4),
            )
        )
    for i, p in enumerate(points):
        h = inner_h * p.value / ceiling
        x = left + i * slot + slot * 0.15
        bar = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
            _n(x),
            _n(top + inner_h - h),
            _n(slot * 0.7),
            _n(max(h, 0.5)),
            BAR,
            p.label,
            _short(p.value),
        )
        if p.url:
            bar = format_html('<a href="{}">{}</a>', p.url, bar)
        parts.append(bar)
        if (len(points) - 1 - i) % stride == 0:  # the latest month always has its label
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="{}">{}</text>',
                    _n(left + i * slot + slot / 2),
                    height - 8,
                    FONT,
                    INK,
                    p.label,
                )
            )
    if line:
        coords = " ".join(
            f"{left + i * slot + slot / 2:.1f},{top + inner_h - inner_h * v / ceiling:.1f}"
            for i, v in enumerate(line)
        )
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>', coords, LINE
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 (every part went through format_html)


def _role(urls) -> SafeString:
    """An image, unless its parts are links: an image's content is not announced, so its
    links would be out of reach of a screen reader (axe: nested-interactive). Without the
    role the SVG is a graphics document, whose links are read."""
    return mark_safe("" if any(urls) else ' role="img"')  # noqa: S308 (a constant)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f} jt"
    if value >= 10_000:
        return f"{value / 1000:.0f} rb"
    if value == int(value):
        return str(int(value))
    return f"{value:.1f}"


def coverage_colour(percent: float | None) -> str:
    if not percent:
        return COVERAGE_COLOURS[0][1]
    for bound, colour in COVERAGE_COLOURS[1:]:
        if percent < bound:
            return colour
    return COVERAGE_COLOURS[-1][1]


def tile_map(tiles: list[dict], *, title: str, desc: str) -> SafeString:
    """A schematic map: one square per region, coloured by KIM coverage, in code order
    (neighbouring codes are usually neighbours). Needs no tile server."""
    count = max(len(tiles), 1)
    cols = TILE_COLUMNS  # a phone's width: room for whole names in readable text
    rows = math.ceil(count / cols)
    gap = 6
    size = WIDTH // cols - gap
    tall = 100
    width = cols * (size + gap)
    height = rows * (tall + gap)
    uid = _id("map", title)
    parts = [
        format_html(
            '<svg class="tile-map" viewBox="0 0 {} {}"{} aria-labelledby="{}-t {}-d" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
            width,
            height,
            _role(t.get("url") for t in tiles),
            uid,
            uid,
            uid,
            title,
            uid,
            desc,
        )
    ]
    for i, tile in enumerate(tiles):
        x = (i % cols) * (size + gap)
        y = (i // cols) * (tall + gap)
        percent = tile.get("coverage_percent")
        colour = coverage_colour(percent)
        text_colour = "#fff" if colour == COVERAGE_COLOURS[-1][1] else INK
        name = tile["name"]
        shown = DASH if percent is None else f"{percent:.0f}%"
        # The whole name, on up to three lines (about 13 characters fit a line).
        lines = textwrap.wrap(name, 13, break_long_words=True)[:3] or [name]
        label = format_html_join(
            "",
            '<tspan x="{}" y="{}">{}</tspan>',
            ((_n(x + size / 2), y + 20 + 16 * n, line) for n, line in enumerate(lines)),
        )
        body = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="{}"/>'
            '<text font-size="{}" text-anchor="middle" fill="{}">{}</text>'
            '<text x="{}" y="{}" font-size="18" font-weight="700" text-anchor="middle" '
            'fill="{}">{}</text>'
            "<title>{}: {}</title>",
            x,
            y,
            size,
            tall,
            colour,
            INK,
            FONT,
            text_colour,
            label,
            _n(x + size / 2),
            y + tall - 14,
            text_colour,
            shown,
            name,
            shown,
        )
        if tile.get("url"):
            body = format_html('<a href="{}">{}</a>', tile["url"], body)
        parts.append(body)
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 (every part went through format_html)


def legend() -> list[tuple[str, str]]:
    return [
        ("0%", COVERAGE_COLOURS[0][1]),
        ("< 25%", COVERAGE_COLOURS[1][1]),
        ("25\u201349%", COVERAGE_COLOURS[2][1]),
        ("50\u201374%", COVERAGE_COLOURS[3][1]),
        ("≥ 75%", COVERAGE_COLOURS[4][1]),
    ]


def swatch(colour: str) -> SafeString:
    return format_html(
        '<svg width="14" height="14" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
        '<rect width="14" height="14" fill="{}" stroke="{}"/></svg>',
        colour,
        INK,
    )
